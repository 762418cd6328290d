// Finds the program a command names the way it will be started: a name with a `/` is a path from the
// working directory; a bare name is looked up in node_modules/.bin from the working directory upward
// (as npm scripts do) and then on PATH. Checking up front turns a typo into one clear line instead of
// a spawn error after the dashboard is already up.

import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import path from 'node:path';

export type ExecutableLookup =
	| {kind: 'found'; path: string}
	| {kind: 'not-found'; path?: string}
	| {kind: 'not-executable'; path: string}
	| {kind: 'directory'; path: string};

const inspect = async (candidate: string): Promise<ExecutableLookup> => {
	try {
		const info = await stat(candidate);
		if (info.isDirectory()) return {kind: 'directory', path: candidate};
		await access(candidate, constants.X_OK);
		return {kind: 'found', path: candidate};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EACCES' || code === 'EPERM') return {kind: 'not-executable', path: candidate};
		return {kind: 'not-found', path: candidate};
	}
};

/** node_modules/.bin of cwd and of every directory above it, nearest first. */
export const localBinDirectories = (cwd: string): string[] => {
	const directories: string[] = [];
	for (let directory = path.resolve(cwd); ; directory = path.dirname(directory)) {
		directories.push(path.join(directory, 'node_modules', '.bin'));
		if (path.dirname(directory) === directory) return directories;
	}
};

export const findExecutable = async (
	program: string,
	{cwd, pathEnv}: {cwd: string; pathEnv: string | undefined},
): Promise<ExecutableLookup> => {
	if (program.includes('/')) return inspect(path.resolve(cwd, program));
	if (program === '') return {kind: 'not-found'};
	const directories = [...localBinDirectories(cwd), ...(pathEnv ?? '').split(path.delimiter).filter(entry => entry !== '')];
	let blocked: ExecutableLookup | undefined;
	for (const directory of directories) {
		const found = await inspect(path.resolve(cwd, directory, program));
		if (found.kind === 'found') return found;
		// Like a shell, keep looking past a file that cannot be run, but report it if nothing better turns up.
		if (found.kind === 'not-executable') blocked ??= found;
	}
	return blocked ?? {kind: 'not-found'};
};
