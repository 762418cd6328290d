// What the next parked Python interpreter preloads: the modules earlier instances imported from
// outside the watched tree, in the order they were first imported. Each instance appends
// "name<TAB>file" lines to its own report file (see assets/warm_launcher.py); this folds them in.
// The app's own modules (a file in the watched tree that the watcher does not ignore) are never on
// the list, nor is anything below them, nor a module whose preload failed once.

import {closeSync, openSync, readSync, statSync} from 'node:fs';
import path from 'node:path';
import {isInside} from '../is-inside.js';

export interface WatchedTree {
	roots: readonly string[];
	/** Whether the watcher skips this path (a .venv, node_modules inside a watched directory). */
	isIgnored(file: string, isDirectory: boolean): boolean;
}


/** Whether a file is the app's own code: in the watched tree, and not skipped by the watcher. */
export const inWatchedTree = (tree: WatchedTree, file: string): boolean =>
	tree.roots.some(root => isInside(root, file)) && !tree.isIgnored(file, false);

/** The outermost ignored directory, inside a watch root, that holds this file (a .venv). */
export const ignoredDirOf = (tree: WatchedTree, file: string): string | undefined => {
	const root = tree.roots.find(candidate => isInside(candidate, file));
	if (!root) return undefined;
	const parts = path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean);
	for (let depth = 1; depth <= parts.length; depth++) {
		const dir = path.join(root, ...parts.slice(0, depth));
		if (tree.isIgnored(dir, true)) return dir;
	}
	return undefined;
};

// The app's own main module, and devtui's client, which says hello on the control channel as it is
// imported: that must come from the instance, after go, never from a parked interpreter.
const NEVER = new Set(['__main__', '__mp_main__', 'devtui_client']);

export interface ModuleList {
	/** Reads what the report file at `file` gained since the last read. */
	readReport(file: string): void;
	/** Never preload this module (or its submodules) again: its preload failed. */
	exclude(name: string): void;
	/** The names to preload, in import order. */
	names(): string[];
	/** Ignored directories in the watched tree that preloaded modules come from (the launcher's allowed list). */
	allowed(): string[];
}

export const createModuleList = (tree: WatchedTree): ModuleList => {
	const order = new Map<string, string>();
	const own = new Set<string>();
	const excluded = new Set<string>();
	const allowed = new Set<string>();
	const offsets = new Map<string, number>();
	const below = (name: string, set: Set<string>) => {
		for (let at = name.indexOf('.'); at !== -1; at = name.indexOf('.', at + 1)) if (set.has(name.slice(0, at))) return true;
		return set.has(name);
	};
	const add = (name: string, file: string) => {
		if (NEVER.has(name) || order.has(name) || own.has(name)) return;
		const absolute = file ? path.resolve(file) : '';
		if (absolute && inWatchedTree(tree, absolute)) {
			own.add(name);
			return;
		}
		if (absolute) {
			const dir = ignoredDirOf(tree, absolute);
			if (dir) allowed.add(dir);
		}
		order.set(name, absolute);
	};
	return {
		readReport(file) {
			let fd: number;
			try {
				fd = openSync(file, 'r');
			} catch {
				return; // Nothing imported yet, or the instance wrote nothing.
			}
			try {
				const from = offsets.get(file) ?? 0;
				const size = statSync(file).size;
				if (size <= from) return;
				const buffer = Buffer.alloc(size - from);
				const read = readSync(fd, buffer, 0, buffer.length, from);
				const text = buffer.subarray(0, read).toString('utf8');
				// Only whole lines: the instance may be writing the rest right now.
				const end = text.lastIndexOf('\n');
				if (end === -1) return;
				offsets.set(file, from + Buffer.byteLength(text.slice(0, end + 1)));
				for (const line of text.slice(0, end).split('\n')) {
					const tab = line.indexOf('\t');
					if (tab > 0) add(line.slice(0, tab), line.slice(tab + 1));
				}
			} finally {
				closeSync(fd);
			}
		},
		exclude(name) {
			excluded.add(name);
		},
		names() {
			return [...order.keys()].filter(name => !below(name, own) && !below(name, excluded));
		},
		allowed() {
			return [...allowed];
		},
	};
};
