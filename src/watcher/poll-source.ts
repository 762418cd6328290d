// chokidar with polling, for --poll: network and container file systems where inotify sees
// nothing. Polling stats every file each interval; chokidar does that well and handles what
// comes with it (renames, files that vanish between a readdir and a stat).

import {existsSync} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {watch} from 'chokidar';
import type {FileSource, FileSourceInput} from './file-source.js';

/** How long after the scan an entry chokidar does not know may still be on its way to it. */
const CATCH_UP_GRACE_MS = 300;

const KINDS = {add: 'added', change: 'changed', unlink: 'removed'} as const;

export const createPollSource = (input: FileSourceInput & {pollMs: number}): FileSource => {
	const {changedSince} = input;
	let closed = false;
	let scanning = true;
	const watcher = watch([...input.roots], {
		// The scan's adds are only wanted to find files saved since the app started (changedSince).
		ignoreInitial: changedSince === undefined,
		// chokidar's own rename pairing holds every removal back 100 ms; the batch coalesces a
		// removed-then-added file into `changed` anyway, so removals can come through at once.
		atomic: false,
		// Called with and without stats; without them a path is judged as a file, and chokidar asks
		// again with stats before descending, so directory-only patterns still prune the walk.
		ignored: (file, stats) => input.ignored(file, stats?.isDirectory()),
		usePolling: true,
		interval: input.pollMs,
		binaryInterval: input.pollMs,
	});

	watcher.on('all', (event, file, stats) => {
		if (closed) return;
		if (scanning && event === 'add') {
			// A file time in the start's own millisecond is ambiguous: count it as seen by the app.
			if (changedSince !== undefined && stats && stats.mtimeMs >= changedSince + 1) input.record(file, 'changed');
			return;
		}
		if (event === 'unlinkDir') input.removedDir(file);
		if (event === 'add' || event === 'change' || event === 'unlink') input.record(file, KINDS[event]);
	});
	watcher.on('error', error => input.onError(error));

	// chokidar reads a directory before it puts a watch on it, so an entry made in between (the app
	// creating its data/ directory while devtui starts) is never seen, nor anything in it later.
	// Once the scan is done, the directories changed since it began are read again; an entry chokidar
	// still does not know a moment later (it learns of entries made after its watch quickly, and
	// adding one twice confuses it) is watched and counted as added.
	const scanStartedAt = Date.now();
	const roots = input.roots.map(root => path.resolve(root));
	const inside = (dir: string) => roots.some(root => dir === root || dir.startsWith(`${root}${path.sep}`));
	const unknownEntries = async (): Promise<Array<{full: string; isDir: boolean}>> => {
		const found: Array<{full: string; isDir: boolean}> = [];
		for (const [dir, names] of Object.entries(watcher.getWatched())) {
			if (closed) break;
			if (!inside(dir)) continue;
			const info = await stat(dir).catch(() => undefined);
			// File times are coarser than Date.now(): a little margin costs only a readdir.
			if (!info?.isDirectory() || info.mtimeMs < scanStartedAt - 10) continue;
			const known = new Set(names);
			for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
				const full = path.join(dir, entry.name);
				const isDir = entry.isDirectory();
				if (known.has(entry.name) || input.ignored(full, isDir)) continue;
				found.push({full, isDir});
			}
		}
		return found;
	};
	let catchUpTimer: NodeJS.Timeout | undefined;
	const catchUpAfterScan = async () => {
		const candidates = await unknownEntries();
		if (candidates.length === 0 || closed) return;
		await new Promise(resolve => (catchUpTimer = setTimeout(resolve, CATCH_UP_GRACE_MS)));
		const watched = watcher.getWatched();
		for (const {full, isDir} of candidates) {
			if (closed || watched[path.dirname(full)]?.includes(path.basename(full)) || !existsSync(full)) continue;
			watcher.add(full);
			if (isDir) input.addedDir(full);
			else input.record(full, 'added');
		}
	};

	let resolveReady = () => {};
	const ready = new Promise<void>(resolve => {
		resolveReady = resolve;
	});
	watcher.once('ready', () => {
		scanning = false;
		void catchUpAfterScan().catch(error => input.onError(error));
		resolveReady();
	});

	return {
		ready,
		add: root => watcher.add(root),
		unwatch: root => watcher.unwatch(root),
		async close() {
			closed = true;
			clearTimeout(catchUpTimer);
			try {
				await watcher.close();
			} finally {
				resolveReady();
			}
		},
	};
};
