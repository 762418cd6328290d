// A state file devtui will not let the app start from is renamed, never deleted: the user may want
// to look at it, and it may hold state that exists nowhere else. Only the newest few such files are
// kept, so an app that writes garbage on every restart cannot fill the disk.

import {readdir, rename, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {compactStamp, parseCompactStamp} from './snapshot-names.js';

export const KEEP_SET_ASIDE = 5;

const setAsideName = (file: string, tag: string, at: number, attempt: number): string =>
	`${file}.${tag}-${compactStamp(at)}${attempt > 0 ? `-${attempt}` : ''}`;

const exists = async (file: string): Promise<boolean> =>
	stat(file).then(
		() => true,
		() => false,
	);

/** Renames `file` (or a directory in its place) to `<file>.<tag>-<time>` and returns the new path. */
export const moveAside = async (file: string, tag: string, now = Date.now()): Promise<string> => {
	let attempt = 0;
	let target = setAsideName(file, tag, now, attempt);
	while (await exists(target)) target = setAsideName(file, tag, now, ++attempt);
	await rename(file, target);
	await pruneSetAside(file).catch(() => undefined);
	return target;
};

/** Deletes all but the newest set-aside files of `file`. Directories are left alone. */
export const pruneSetAside = async (file: string, keep = KEEP_SET_ASIDE): Promise<void> => {
	const directory = path.dirname(file);
	const prefix = `${path.basename(file)}.`;
	const aside = [];
	for (const name of await readdir(directory)) {
		if (!name.startsWith(prefix)) continue;
		const match = /^[a-z-]+-(\d{8}T\d{6}\.\d{3}Z)(?:-(\d+))?$/.exec(name.slice(prefix.length));
		const at = match ? parseCompactStamp(match[1]!) : undefined;
		if (at !== undefined) aside.push({name, at, attempt: Number(match?.[2] ?? 0)});
	}
	aside.sort((a, b) => a.at - b.at || a.attempt - b.attempt);
	for (const {name} of aside.slice(0, Math.max(0, aside.length - keep))) {
		const target = path.join(directory, name);
		if ((await stat(target)).isFile()) await rm(target, {force: true});
	}
};
