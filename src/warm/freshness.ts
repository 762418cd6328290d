// Whether what a parked interpreter loaded is still what is on disk: every file its modules came
// from, and the import path's directories, stat'ed again at "go" (mtime to the nanosecond, size,
// inode). A `pip install` rewrites or replaces files (new inode), or adds and removes entries in
// site-packages (the directory's mtime): either way the parked interpreter is discarded.

import {statSync} from 'node:fs';
import type {FileStamp} from './warm-messages.js';

/** The first file that changed since it was stamped, or undefined when all are as they were. */
export const firstStale = (stamps: readonly FileStamp[]): string | undefined => {
	for (const [file, mtimeNs, size, ino] of stamps) {
		const now = statSync(file, {bigint: true, throwIfNoEntry: false});
		if (!now || now.mtimeNs !== BigInt(mtimeNs) || now.size !== BigInt(size) || now.ino !== BigInt(ino)) return file;
	}
	return undefined;
};
