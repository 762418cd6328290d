// Writes that are all-or-nothing: the bytes go to a temp file in the destination's directory, are
// fsynced, and are renamed over the destination, so a reader (or a SIGKILL at any moment) sees the
// old file or the new one, never half of one. The same recipe the app's state clients use.

import {randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {copyFile, mkdir, open, rename, rm} from 'node:fs/promises';
import path from 'node:path';

/** A temp name beside `file`; a leading dot keeps it out of snapshot listings. */
export const tempPathFor = (file: string): string =>
	path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);

const syncFile = async (file: string): Promise<void> => {
	const handle = await open(file, 'r+');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
};

const syncDirectory = async (directory: string): Promise<void> => {
	try {
		const handle = await open(directory, 'r');
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {
		// Some filesystems refuse to fsync a directory; the rename itself is still atomic.
	}
};

const replaceWith = async (temp: string, file: string, fill: (temp: string) => Promise<void>): Promise<void> => {
	await mkdir(path.dirname(file), {recursive: true});
	try {
		await fill(temp);
		await syncFile(temp);
		await rename(temp, file);
	} catch (error) {
		await rm(temp, {force: true});
		throw error;
	}
	await syncDirectory(path.dirname(file));
};

export const writeFileAtomic = async (file: string, data: string | Uint8Array): Promise<void> => {
	await replaceWith(tempPathFor(file), file, async temp => {
		const handle = await open(temp, 'wx');
		try {
			await handle.writeFile(data);
		} finally {
			await handle.close();
		}
	});
};

/** Copies on the libuv threadpool (a reflink where the filesystem can), then renames into place. */
export const copyFileAtomic = async (source: string, file: string): Promise<void> => {
	await replaceWith(tempPathFor(file), file, temp => copyFile(source, temp, constants.COPYFILE_FICLONE));
};

/**
 * Writes a state file in the legacy format: `restart_marker` and `timestamp` (epoch seconds) first,
 * then the app's keys (which may override them, to write deliberately broken files in tests).
 * Returns the number of bytes written.
 */
export const writeStateFileAtomic = async (file: string, state: Record<string, unknown>): Promise<number> => {
	const text = JSON.stringify({restart_marker: true, timestamp: Date.now() / 1000, ...state});
	await writeFileAtomic(file, text);
	return Buffer.byteLength(text);
};
