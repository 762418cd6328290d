// The restart state file, as both clients write it: {restart_marker: true, timestamp, ...state},
// replaced atomically so that devtui (or the next start) never reads half a file, even if the app
// is killed mid-write: temp file in the same directory, fsync, rename over, fsync the directory.

import {randomBytes} from 'node:crypto';
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const syncDir = (dir: string): void => {
	try {
		const fd = openSync(dir, 'r');
		try {
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
	} catch {
		// Not every platform or file system can fsync a directory; the rename is still atomic.
	}
};

/** Writes the state file atomically and returns its size in bytes. Throws if it cannot. */
export const writeStateFile = (file: string, state: Record<string, unknown>, now = Date.now()): number => {
	if (!isObject(state)) throw new TypeError('saveState expects a plain object');
	const timestamp = now / 1000;
	// The marker and timestamp come first in the file and cannot be overridden by the app's keys.
	const data: Record<string, unknown> = {restart_marker: true, timestamp};
	Object.assign(data, state, {restart_marker: true, timestamp});
	const bytes = Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
	const dir = path.dirname(file);
	mkdirSync(dir, {recursive: true});
	const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		const fd = openSync(temp, 'wx', 0o600);
		try {
			for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temp, file);
	} catch (error) {
		rmSync(temp, {force: true});
		throw error;
	}
	syncDir(dir);
	return bytes.length;
};

/** The app's keys from a valid state file, or undefined when it is missing or not one. */
export const readStateFile = (file: string): Record<string, unknown> | undefined => {
	let value: unknown;
	try {
		value = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
	if (!isObject(value) || value.restart_marker !== true) return undefined;
	const {restart_marker: _marker, timestamp: _timestamp, ...rest} = value;
	return rest;
};
