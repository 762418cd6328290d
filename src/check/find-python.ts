// Which interpreter the built-in Python check compiles with: the one that will run the app, so a
// valid 3.12 file is not rejected by a 3.11 on PATH. A command that runs python directly names it;
// a console script (`uvicorn`, `flask`, `gunicorn`, `django-admin`, `.venv/bin/...`, `./manage.py`)
// names it in its shebang, in one of the forms installers write. Otherwise `python3` on PATH.

import {execFile} from 'node:child_process';
import {accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync} from 'node:fs';
import path from 'node:path';
import {localBinDirectories} from '../supervisor/find-executable.js';

// python, python3, python3.12, python3.13t (free-threaded), pypy3.
const PYTHON_NAME = /^(?:python|pypy)(?:\d+(?:\.\d+)?t?)?$/;
const SHELL_NAME = /^(?:sh|bash|dash)$/;

export const isPythonName = (program: string): boolean => PYTHON_NAME.test(path.basename(program));

/** What a script's first line (or pip's trampoline) says runs it. */
export type ShebangTarget =
	/** A path, absolute or (rarely) relative to the working directory, as the kernel takes it. */
	| {kind: 'path'; path: string}
	/** A name `env` looks up on PATH. */
	| {kind: 'name'; name: string}
	/** A file beside the script (uv's relocatable trampoline); `realpath`: beside its real path. */
	| {kind: 'beside-script'; name: string; realpath: boolean};

// Options of env(1) that take a value: `env -u NAME python3`, `env -C dir python3`.
const ENV_VALUE_OPTIONS = new Set(['-u', '--unset', '-C', '--chdir']);

/** The program a shebang's words run: the first one, or after `env` the first that is not an option or assignment. */
const programOf = (words: readonly string[]): ShebangTarget | undefined => {
	const [first, ...rest] = words;
	if (first === undefined || first === '') return undefined;
	if (path.basename(first) !== 'env') return {kind: 'path', path: first};
	for (let index = 0; index < rest.length; index++) {
		const word = rest[index]!;
		if (ENV_VALUE_OPTIONS.has(word)) index++;
		else if (!word.startsWith('-') && !word.includes('=')) return word.includes('/') ? {kind: 'path', path: word} : {kind: 'name', name: word};
	}
	return undefined;
};

const targetName = (target: ShebangTarget): string => path.basename(target.kind === 'path' ? target.path : target.name);

// Words of a shell line without expansions: "quoted", 'quoted' or bare.
const shellWords = (text: string): string[] => [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(match => match[1] ?? match[2] ?? match[3]!);

// uv, python-build-standalone and AppImage trampolines exec an interpreter beside the script:
// `"$(dirname -- "$(realpath -- "$0")")"/'python'`, `"$(dirname "$0")/python3.10"`, `"${0%/*}/python3.12"`.
const BESIDE_SCRIPT = /^(.*\$(?:0|\{0%\/\*\})[^/]*)\/['"]?([^/'"\s]+)['"]?(?:\s+-\S+)*$/;

/**
 * pip (distlib), uv and conda write a long or spaced interpreter path as a shell trampoline that
 * Python reads as a string: `#!/bin/sh`, then `'''exec' /abs/python "$0" "$@"`, then `' '''`.
 */
const trampolineTarget = (line: string): ShebangTarget | undefined => {
	const end = line.indexOf(' "$0" "$@"');
	if (end === -1) return undefined;
	const program = line.slice("'''exec' ".length, end).trim();
	if (program.includes('$')) {
		const beside = BESIDE_SCRIPT.exec(program);
		return beside ? {kind: 'beside-script', name: beside[2]!, realpath: /realpath|readlink/.test(beside[1]!)} : undefined;
	}
	return programOf(shellWords(program));
};

/** The Python interpreter the first lines of a script name, or undefined (no shebang, or not Python). Pure. */
export const shebangTarget = (head: string): ShebangTarget | undefined => {
	const lines = head.split('\n', 4).map(line => line.replace(/\r$/, ''));
	if (!lines[0]!.startsWith('#!')) return undefined;
	const direct = programOf(lines[0]!.slice(2).trim().split(/\s+/));
	if (direct === undefined) return undefined;
	if (PYTHON_NAME.test(targetName(direct))) return direct;
	if (!SHELL_NAME.test(targetName(direct))) return undefined;
	const exec = lines.slice(1, 3).find(line => line.startsWith("'''exec' "));
	const target = exec === undefined ? undefined : trampolineTarget(exec);
	return target !== undefined && PYTHON_NAME.test(targetName(target)) ? target : undefined;
};

export const isExecutableFile = (file: string): boolean => {
	try {
		if (!statSync(file).isFile()) return false;
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

const pathDirectories = (pathEnv: string | undefined): string[] => (pathEnv ?? '').split(path.delimiter).filter(entry => entry !== '');

const firstExecutable = (candidates: Iterable<string>): string | undefined => {
	for (const candidate of candidates) if (isExecutableFile(candidate)) return candidate;
	return undefined;
};


/** A program as the app's spawn finds it (find-executable.ts): a path from cwd, or node_modules/.bin upward, then PATH. */
const lookUpProgram = (program: string, cwd: string, pathEnv: string | undefined): string | undefined => {
	if (program === '') return undefined;
	if (program.includes('/')) return firstExecutable([path.resolve(cwd, program)]);
	return firstExecutable([...localBinDirectories(cwd), ...pathDirectories(pathEnv)].map(directory => path.resolve(cwd, directory, program)));
};

/** The first executable `name` in the directories of a PATH value (relative ones from `cwd`). */
export const onPath = (name: string, cwd: string, pathEnv: string | undefined): string | undefined =>
	firstExecutable(pathDirectories(pathEnv).map(directory => path.resolve(cwd, directory, name)));

// Enough for the longest shebang Linux accepts (256 bytes) plus pip's trampoline lines.
const HEAD_BYTES = 1024;

const readHead = (file: string): string | undefined => {
	let fd: number | undefined;
	try {
		fd = openSync(file, 'r');
		const buffer = Buffer.alloc(HEAD_BYTES);
		return buffer.toString('utf8', 0, readSync(fd, buffer, 0, HEAD_BYTES, 0));
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
};

/** The interpreter a script's shebang names, found the way the kernel and env(1) find it. */
export const shebangPython = (script: string, {cwd, pathEnv}: {cwd: string; pathEnv: string | undefined}): string | undefined => {
	const head = readHead(script);
	const target = head === undefined ? undefined : shebangTarget(head);
	if (target === undefined) return undefined;
	switch (target.kind) {
		case 'path':
			return firstExecutable([path.resolve(cwd, target.path)]);
		case 'name':
			return onPath(target.name, cwd, pathEnv);
		case 'beside-script': {
			let directory = path.dirname(script);
			try {
				if (target.realpath) directory = path.dirname(realpathSync(script));
			} catch {
				return undefined;
			}
			return firstExecutable([path.join(directory, target.name)]);
		}
	}
};

/** `env A=1 -u B uvicorn app:app` runs `uvicorn app:app`. */
const withoutEnv = (command: readonly string[]): readonly string[] => {
	if (command.length === 0 || path.basename(command[0]!) !== 'env') return command;
	for (let index = 1; index < command.length; index++) {
		const word = command[index]!;
		if (ENV_VALUE_OPTIONS.has(word)) index++;
		else if (!word.startsWith('-') && !word.includes('=')) return command.slice(index);
	}
	return command;
};

/**
 * The interpreter that compiles: the app's own when its command runs python directly (`python3 -m
 * uvicorn`, `python3.12 app.py`, `.venv/bin/python`) or through a script whose shebang names one
 * (`uvicorn`, `flask`, `.venv/bin/gunicorn`, `./manage.py`); otherwise `python3` on PATH. Undefined
 * when there is none. Commands behind another runner (`npm run`, `uv run`, `poetry run`) are not
 * followed: their interpreter is not knowable from the command.
 */
export const findPython = (command: readonly string[], {cwd, pathEnv}: {cwd: string; pathEnv: string | undefined}): string | undefined =>
	choosePython(command, {cwd, pathEnv})?.python;

/** findPython, and whether the app itself runs that Python (not the PATH fallback): worth warming a checker for at start. */
export const choosePython = (command: readonly string[], {cwd, pathEnv}: {cwd: string; pathEnv: string | undefined}): {python: string; appRunsIt: boolean} | undefined => {
	const program = withoutEnv(command)[0] ?? '';
	const resolved = lookUpProgram(program, cwd, pathEnv);
	if (resolved !== undefined) {
		const own = isPythonName(program) ? resolved : shebangPython(resolved, {cwd, pathEnv});
		if (own !== undefined) return {python: own, appRunsIt: true};
	}
	const fallback = onPath('python3', cwd, pathEnv);
	// pyenv's shims are all for Python programs; asdf's say their plugin. Which Python is for
	// resolvePython to find out.
	const head = resolved === undefined ? undefined : readHead(resolved);
	const tool = head === undefined ? undefined : shimTool(head);
	const pythonShim = tool !== undefined && (path.basename(tool) === 'pyenv' || /^# asdf-plugin: python\b/m.test(head!));
	return fallback === undefined ? undefined : {python: fallback, appRunsIt: pythonShim};
};

// pyenv's and asdf's shims for console scripts are bash scripts that hand their name to the tool:
// `exec "/root/.pyenv/libexec/pyenv" exec "$program" "$@"`, `exec /home/me/.asdf/bin/asdf exec "flask" "$@"`.
const SHIM_EXEC = /^exec "?([^"\s]*\b(?:pyenv|asdf))"? exec /m;

/** The version manager a shim script hands over to, or undefined. Pure. */
export const shimTool = (head: string): string | undefined => (head.startsWith('#!') ? SHIM_EXEC.exec(head)?.[1] : undefined);

/** The console script a shim runs here (`pyenv which flask`), as the shim would pick it: in cwd, with env. */
const scriptBehindShim = (shim: string, tool: string, {cwd, env}: {cwd: string; env: NodeJS.ProcessEnv}): Promise<string | undefined> =>
	new Promise(resolve => {
		execFile(tool, ['which', path.basename(shim)], {cwd, env, timeout: 10_000}, (error, stdout) => {
			const real = stdout.trim();
			resolve(!error && real !== '' && isExecutableFile(real) ? real : undefined);
		});
	});

/**
 * What findPython cannot see without running something: a console script behind a pyenv/asdf shim
 * (`flask` on PATH is pyenv's shim, which runs the `flask` of the selected version), and the real
 * interpreter behind an interpreter shim. Runs once, in the background, at start.
 */
export const resolvePython = async (command: readonly string[], {cwd, env}: {cwd: string; env: NodeJS.ProcessEnv}): Promise<string | undefined> => {
	const first = findPython(command, {cwd, pathEnv: env.PATH});
	if (first === undefined) return undefined;
	let python = first;
	const program = withoutEnv(command)[0] ?? '';
	const resolved = isPythonName(program) ? undefined : lookUpProgram(program, cwd, env.PATH);
	const head = resolved === undefined ? undefined : readHead(resolved);
	const tool = head === undefined ? undefined : shimTool(head);
	if (tool !== undefined) {
		const script = await scriptBehindShim(resolved!, tool, {cwd, env});
		python = (script === undefined ? undefined : shebangPython(script, {cwd, pathEnv: env.PATH})) ?? first;
	}
	return realPythonBehind(python, {cwd, env});
};

/**
 * The interpreter behind a version manager's shim (pyenv, asdf): asking Python for
 * `sys.executable` once saves the shim's ~100 ms on every check. The probe runs where the app runs,
 * so the shim picks the same version it picks for the app. Falls back to `python` on any problem.
 * (The warm checker, python-checker.ts, learns the same from its first answer.)
 */
export const realPythonBehind = (python: string, {cwd, env}: {cwd: string; env: NodeJS.ProcessEnv}): Promise<string> =>
	new Promise(resolve => {
		execFile(python, ['-c', 'import sys; print(sys.executable)'], {cwd, env, timeout: 10_000}, (error, stdout) => {
			const real = stdout.trim();
			resolve(!error && real !== '' && isExecutableFile(real) ? real : python);
		});
	});
