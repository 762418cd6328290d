// Whether what a parked interpreter loaded is still what is on disk: every file its modules came
// from, and the import path's directories. A `pip install` rewrites or replaces files (new inode),
// or adds and removes entries in site-packages (the directory's mtime): either way the parked
// interpreter is discarded.
//
// Two steps, so that the one at "go" is as cheap as a stat can be: when the launcher answers,
// devtui stats each file once (to the nanosecond, against the launcher's own stamps: a file that
// changed between its import and now is caught here) and keeps what a plain stat says; at go it
// compares a plain stat with that (mtime in ms with its fraction, size, inode), about 1-2 µs a file.

import {statSync} from 'node:fs';
import type {FileStamp} from './warm-messages.js';

export interface Baseline {
	files: Array<[path: string, mtimeMs: number, size: number, ino: number]>;
	/** A file that had already changed when the baseline was taken. */
	stale?: string;
}

export const takeBaseline = (stamps: readonly FileStamp[]): Baseline => {
	const files: Baseline['files'] = [];
	let stale: string | undefined;
	for (const [file, mtimeNs, size, ino] of stamps) {
		const now = statSync(file, {bigint: true, throwIfNoEntry: false});
		if (!now || now.mtimeNs !== BigInt(mtimeNs) || now.size !== BigInt(size) || now.ino !== BigInt(ino)) {
			stale ??= file;
			continue;
		}
		const plain = statSync(file, {throwIfNoEntry: false});
		if (plain) files.push([file, plain.mtimeMs, plain.size, plain.ino]);
	}
	return {files, ...(stale ? {stale} : {})};
};

/** The first file that changed since the baseline, or undefined when all are as they were. */
export const firstStale = (baseline: Baseline): string | undefined => {
	if (baseline.stale) return baseline.stale;
	for (const [file, mtimeMs, size, ino] of baseline.files) {
		const now = statSync(file, {throwIfNoEntry: false});
		if (!now || now.mtimeMs !== mtimeMs || now.size !== size || now.ino !== ino) return file;
	}
	return undefined;
};
