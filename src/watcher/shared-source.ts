// One file source read by several watchers' rules: a stack's services each keep their own
// watch, ignore and ext rules, batches, debounce and quick saves (watch-files.ts, unchanged), but
// the tree is walked and watched once, not once per service. A file event goes to every share
// whose roots hold it, and each share's own rules decide whether it counts for that service.
//
//   const shared = createSharedSource(input => createTreeSource(input));
//   watchFiles({..., source: shared.share});   // once per service, before open()
//   shared.open();
//
// A path is left out of the walk only when every share that could see it ignores it, so no
// service loses a file because another one ignores its directory.

import path from 'node:path';
import type {FileSource, FileSourceInput} from './file-source.js';
import {isInside} from '../is-inside.js';

export interface SharedSource {
	/** A FileSource for one watcher. Every share must be taken before `open`. */
	share(input: FileSourceInput): FileSource;
	/** Starts the one real source over every share's roots. */
	open(): void;
}


/** The roots to walk: each share's, without those inside another (they are walked with it). */
export const outermostRoots = (roots: readonly string[]): string[] => {
	const unique = [...new Set(roots.map(root => path.resolve(root)))];
	return unique.filter(root => !unique.some(other => other !== root && isInside(other, root)));
};

interface Share {
	input: FileSourceInput;
	roots: string[];
	closed: boolean;
}

export const createSharedSource = (open: (input: FileSourceInput) => FileSource): SharedSource => {
	const shares: Share[] = [];
	let source: FileSource | undefined;
	let resolveReady = () => {};
	const ready = new Promise<void>(resolve => {
		resolveReady = resolve;
	});
	// A root that went away and came back is watched afresh once, whichever share noticed first.
	const down = new Set<string>();
	let topRoots: string[] = [];

	const live = () => shares.filter(share => !share.closed);
	const holding = (file: string) => live().filter(share => share.roots.some(root => isInside(root, file)));
	// A directory above some share's root must be walked to reach that root.
	const leadsToRoot = (dir: string) => live().some(share => share.roots.some(root => root !== dir && isInside(dir, root)));

	const input = (): FileSourceInput => ({
		roots: topRoots,
		ignored(file, isDirectory) {
			const absolute = path.resolve(file);
			if (isDirectory !== false && leadsToRoot(absolute)) return false;
			const owners = holding(absolute);
			return owners.every(share => share.input.ignored(file, isDirectory));
		},
		record(file, kind) {
			for (const share of holding(path.resolve(file))) share.input.record(file, kind);
		},
		addedDir(dir) {
			// A directory this share ignores is nothing new to it.
			for (const share of holding(path.resolve(dir))) if (!share.input.ignored(dir, true)) share.input.addedDir(dir);
		},
		removedDir(dir) {
			const absolute = path.resolve(dir);
			// Every share whose root was (or was inside) it must hear it is gone.
			for (const share of live()) if (share.roots.some(root => isInside(root, absolute) || isInside(absolute, root))) share.input.removedDir(dir);
		},
		onError(error) {
			const where = (error as {path?: unknown} | undefined)?.path;
			const owners = typeof where === 'string' ? holding(path.resolve(where)) : [];
			for (const share of owners.length > 0 ? owners : live()) share.input.onError(error);
		},
		// The earliest start: each service's own batches only reach a service that is running.
		changedSince: shares.reduce<number | undefined>(
			(earliest, share) => (share.input.changedSince === undefined ? earliest : Math.min(earliest ?? Infinity, share.input.changedSince)),
			undefined,
		),
	});

	return {
		share(shareInput) {
			const share: Share = {input: shareInput, roots: shareInput.roots.map(root => path.resolve(root)), closed: false};
			shares.push(share);
			return {
				ready,
				add(root) {
					const absolute = path.resolve(root);
					// A root inside another is walked with it: the outer one's events bring it back.
					if (!source || !topRoots.includes(absolute) || !down.delete(absolute)) return;
					source.add(absolute);
				},
				unwatch(root) {
					const absolute = path.resolve(root);
					if (!source || !topRoots.includes(absolute) || down.has(absolute)) return;
					down.add(absolute);
					source.unwatch(absolute);
				},
				async close() {
					share.closed = true;
					if (live().length === 0) {
						resolveReady();
						await source?.close();
					}
				},
			};
		},
		open() {
			if (source || live().length === 0) return;
			topRoots = outermostRoots(live().flatMap(share => share.roots));
			source = open(input());
			source.ready.then(resolveReady, resolveReady);
		},
	};
};
