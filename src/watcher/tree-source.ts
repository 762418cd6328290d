// File events from the directory watcher (one inotify watch per directory, no stat per file),
// and the sweep that finds files saved while devtui was still starting.

import {stat} from 'node:fs/promises';
import path from 'node:path';
import type {FileSource, FileSourceInput} from './file-source.js';
import {createTreeWatcher} from './tree-watcher.js';

/** Enough to keep libuv's four threads busy without queueing a whole tree's stats at once. */
const STATS_IN_FLIGHT = 32;

export const createTreeSource = (input: FileSourceInput): FileSource => {
	let closed = false;
	// Files the watcher reported before the sweep got to them: their events already count.
	let reported: Set<string> | undefined = input.changedSince === undefined ? undefined : new Set();
	const watcher = createTreeWatcher(
		input.roots.map(root => path.resolve(root)),
		{
			ignored: (file, isDirectory) => input.ignored(file, isDirectory),
			onEvent(event, file) {
				if (closed) return;
				reported?.add(file);
				if (event === 'add') input.record(file, 'added');
				else if (event === 'change') input.record(file, 'changed');
				else if (event === 'unlink') input.record(file, 'removed');
				else if (event === 'unlinkDir') input.removedDir(file);
				// addDir: what the directory holds comes as adds of its own.
			},
			onError: error => input.onError(error),
		},
	);

	// The walk is silent and reads no file times: a file saved after the app started and before
	// its directory was watched is found by its time, after the walk, without holding `ready` up.
	const sweep = async (since: number) => {
		const files = [...watcher.files()];
		let next = 0;
		const worker = async () => {
			while (next < files.length && !closed) {
				const file = files[next++]!;
				if (reported?.has(file)) continue;
				const info = await stat(file).catch(() => undefined);
				// A file time in the start's own millisecond is ambiguous: count it as seen by the app.
				if (info && info.mtimeMs >= since + 1 && !reported?.has(file) && !closed) input.record(file, 'changed');
			}
		};
		await Promise.all(Array.from({length: STATS_IN_FLIGHT}, worker));
		reported = undefined;
	};
	const ready = watcher.ready.then(() => {
		if (input.changedSince !== undefined && !closed) void sweep(input.changedSince).catch(error => input.onError(error));
	});

	return {
		ready,
		add: root => watcher.add(path.resolve(root)),
		unwatch: root => watcher.unwatch(path.resolve(root)),
		async close() {
			closed = true;
			await watcher.close();
		},
	};
};
