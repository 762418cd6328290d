// What watch-files needs from whatever finds the file events: the directory watcher for file
// events (src/watcher/tree-source.ts), chokidar for --poll (src/watcher/poll-source.ts).

import type {ChangedFile} from '../supervisor/events.js';

export interface FileSource {
	/** Settles once the first walk of the roots is done (or the source was closed first). */
	ready: Promise<void>;
	/** Watch a root afresh (one that was deleted and is back). */
	add(root: string): void;
	unwatch(root: string): void;
	close(): Promise<void>;
}

export interface FileSourceInput {
	roots: readonly string[];
	/**
	 * Absolute path; asked before a directory is descended, so an ignored tree is never read.
	 * `isDirectory` undefined: not known yet (judged as a file by the ignore rules only).
	 */
	ignored(file: string, isDirectory: boolean | undefined): boolean;
	/** A file added, changed or removed (absolute path). */
	record(file: string, kind: ChangedFile['kind']): void;
	/** A directory found late, whose files the running app never saw. */
	addedDir(dir: string): void;
	/** A directory went away (a root among them, perhaps). */
	removedDir(dir: string): void;
	onError(error: unknown): void;
	/**
	 * When the app was started (epoch ms). The app runs before the first walk is done, and a file
	 * saved in between would otherwise be missed: files modified since count as changed.
	 */
	changedSince: number | undefined;
}
