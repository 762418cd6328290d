// The Python check's interpreter, against the ground truth: each console script here really runs
// and prints its own sys.executable, and the interpreter findPython names must be that one (after
// the shim resolution devtui does anyway). Real venvs, pip's own script writer, Debian's scripts.

import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {resolveCheckConfig} from '../../src/check/check-config.js';
import {choosePython, findPython, realPythonBehind, resolvePython} from '../../src/check/find-python.js';

const SYSTEM_PYTHON = '/usr/bin/python3';
const BODY = 'import sys\nprint(sys.executable)\n';
const env = process.env;
const pathEnv = env.PATH;

const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-findpy-'));

const script = (file: string, text: string): string => {
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, text);
	chmodSync(file, 0o755);
	return file;
};

const makeVenv = (dir: string): string => {
	execFileSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', dir]);
	return path.join(dir, 'bin', 'python');
};

/** What the script really runs under, asked of the script itself. */
const runsUnder = (command: string, cwd = root): string => execFileSync(command, [], {cwd, env, encoding: 'utf8'}).trim();

/** What the check would compile with: findPython, then the shim resolution the session does. */
const checkPython = async (command: string[], cwd = root): Promise<string> => {
	const found = findPython(command, {cwd, pathEnv});
	expect(found, `an interpreter for ${command.join(' ')}`).toBeDefined();
	return realPythonBehind(found!, {cwd, env});
};

// pip's own console-script writer (distlib, vendored in pip), where some Python on the machine has pip.
const pipWriter = ['python3', SYSTEM_PYTHON].find(python => {
	try {
		execFileSync(python, ['-c', 'import pip._vendor.distlib.scripts'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
});

const pipScript = (directory: string, executable: string): string => {
	// The entry point prints the interpreter; the script's directory is on its sys.path.
	mkdirSync(directory, {recursive: true});
	writeFileSync(path.join(directory, 'devtui_probe.py'), `${BODY.replace('print', 'def main():\n    print')}`);
	execFileSync(pipWriter!, [
		'-c',
		'import sys\nfrom pip._vendor.distlib.scripts import ScriptMaker\nm = ScriptMaker(None, sys.argv[1])\nm.executable = sys.argv[2]\nm.variants = {""}\nm.make("serve = devtui_probe:main")',
		directory,
		executable,
	]);
	return path.join(directory, 'serve');
};

let venvPython: string;
beforeAll(() => {
	venvPython = makeVenv(path.join(root, 'proj', '.venv'));
});

describe("the Python check's interpreter is the one the app's command runs", () => {
	it('precondition: python3 on PATH is not the system one, the trap this is about', async () => {
		const onPath = await realPythonBehind('python3', {cwd: root, env});
		expect(onPath).not.toBe(SYSTEM_PYTHON);
	});

	it('a console script with a direct shebang (what pip writes for short paths)', async () => {
		const system = script(path.join(root, 'bin', 'flaskish'), `#!${SYSTEM_PYTHON}\n${BODY}`);
		expect(await checkPython([system, 'run'])).toBe(runsUnder(system));
		expect(runsUnder(system)).toBe(SYSTEM_PYTHON);

		const inVenv = script(path.join(root, 'proj', '.venv', 'bin', 'uvicorn'), `#!${venvPython}\n${BODY}`);
		expect(runsUnder(inVenv)).toBe(venvPython);
		// Relative to the app's working directory, as given on the command line.
		expect(await checkPython(['.venv/bin/uvicorn', 'app:app'], path.join(root, 'proj'))).toBe(venvPython);
		// Found on PATH (an activated venv), and through env(1).
		const activated = {cwd: root, pathEnv: `${path.dirname(inVenv)}${path.delimiter}${pathEnv}`};
		expect(findPython(['uvicorn', 'app:app'], activated)).toBe(venvPython);
		expect(findPython(['env', 'WEB_CONCURRENCY=1', '-u', 'X', 'uvicorn'], activated)).toBe(venvPython);
	});

	it('#!/usr/bin/env python3: whatever PATH gives, the shim resolved', async () => {
		const manage = script(path.join(root, 'site', 'manage.py'), `#!/usr/bin/env python3\n${BODY}`);
		expect(await checkPython(['./manage.py', 'runserver'], path.dirname(manage))).toBe(runsUnder(manage));
	});

	it.skipIf(pipWriter === undefined)("pip's trampoline for an interpreter path longer than a shebang may be", async () => {
		const deep = path.join(root, 'x'.repeat(60), 'y'.repeat(60), '.venv');
		const python = makeVenv(deep);
		const serve = pipScript(path.join(root, 'pip-bin'), python);
		// Really the long form (else this would test the direct shebang again).
		expect(execFileSync('head', ['-2', serve], {encoding: 'utf8'})).toMatch(/^#!\/bin\/sh\n'''exec' \//);
		expect(runsUnder(serve)).toBe(python);
		expect(await checkPython([serve])).toBe(python);
	});

	it("uv's quoted trampoline for a path with a space, and its relocatable one beside the script", async () => {
		const spaced = makeVenv(path.join(root, 'my app', '.venv'));
		const quoted = script(path.join(root, 'my app', '.venv', 'bin', 'serve'), `#!/bin/sh\n'''exec' '${spaced}' "$0" "$@"\n' '''\n${BODY}`);
		expect(runsUnder(quoted)).toBe(spaced);
		expect(await checkPython([quoted])).toBe(spaced);

		const relocatable = script(
			path.join(root, 'my app', '.venv', 'bin', 'serve-here'),
			`#!/bin/sh\n'''exec' "$(dirname -- "$(realpath -- "$0")")"/'python' "$0" "$@"\n' '''\n${BODY}`,
		);
		// Started through a link elsewhere: the interpreter is beside the real file.
		const link = path.join(root, 'links', 'serve-here');
		mkdirSync(path.dirname(link), {recursive: true});
		symlinkSync(relocatable, link);
		expect(runsUnder(link)).toBe(spaced);
		expect(await checkPython([link])).toBe(spaced);
	});

	it('python itself as the command, as before: python -m module, python3.x script.py', async () => {
		expect(await checkPython(['python3', '-m', 'uvicorn'])).toBe(await realPythonBehind('python3', {cwd: root, env}));
		expect(findPython([SYSTEM_PYTHON, 'app.py'], {cwd: root, pathEnv})).toBe(SYSTEM_PYTHON);
		expect(findPython(['.venv/bin/python', 'app.py'], {cwd: path.join(root, 'proj'), pathEnv})).toBe(venvPython);
	});

	it('falls back to python3 on PATH for commands that do not name a Python', () => {
		const fallback = findPython(['python3'], {cwd: root, pathEnv});
		const node = script(path.join(root, 'bin', 'tool.mjs'), '#!/usr/bin/env node\n');
		expect(findPython([node], {cwd: root, pathEnv})).toBe(fallback);
		expect(findPython(['no-such-command-devtui'], {cwd: root, pathEnv})).toBe(fallback);
		expect(findPython(['/bin/true'], {cwd: root, pathEnv})).toBe(fallback);
		// A shebang naming an interpreter that is not there (a deleted venv).
		const broken = script(path.join(root, 'bin', 'stale'), `#!${path.join(root, 'gone', 'bin', 'python')}\n`);
		expect(findPython([broken], {cwd: root, pathEnv})).toBe(fallback);
		expect(findPython(['x'], {cwd: root, pathEnv: ''})).toBeUndefined();
	});

	it("a console script behind a version manager's shim (pyenv's, for one) is found behind it", async () => {
		// pyenv's shim layout, with a stand-in for pyenv itself: `which` and `exec`, as pyenv answers them.
		const manager = path.join(root, 'manager');
		const real = script(path.join(manager, 'versions', 'v', 'bin', 'serve'), `#!${venvPython}\n${BODY}`);
		const tool = script(
			path.join(manager, 'libexec', 'pyenv'),
			`#!/bin/sh\ncase "$1" in\nwhich) echo "${path.dirname(real)}/$2" ;;\nexec) shift; p="$1"; shift; exec "${path.dirname(real)}/$p" "$@" ;;\nesac\n`,
		);
		const shim = script(path.join(manager, 'shims', 'serve'), `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\nexec "${tool}" exec "$program" "$@"\n`);
		expect(runsUnder(shim)).toBe(venvPython);
		const shimEnv = {...env, PATH: `${path.dirname(shim)}${path.delimiter}${pathEnv}`};
		// At once: the shim is not a Python script, so PATH's python3 for now.
		expect(findPython(['serve'], {cwd: root, pathEnv: shimEnv.PATH})).toBe(findPython(['python3'], {cwd: root, pathEnv}));
		expect(await resolvePython(['serve'], {cwd: root, env: shimEnv})).toBe(venvPython);
		// Still known at once to be a Python app (worth a warm checker).
		expect(choosePython(['serve'], {cwd: root, pathEnv: shimEnv.PATH})?.appRunsIt).toBe(true);
		const {config, python, appRunsPython} = resolveCheckConfig({check: undefined, pythonCheck: true, command: ['serve'], cwd: root}, shimEnv);
		expect(appRunsPython).toBe(true);
		expect(await python).toBe(venvPython);
		expect(config.python).toBe(venvPython);
	});

	it('tells whether the app itself runs Python, so only Python apps warm a checker at start', () => {
		const options = {cwd: root, pathEnv};
		expect(choosePython(['python3', '-m', 'http.server'], options)?.appRunsIt).toBe(true);
		expect(choosePython([script(path.join(root, 'bin', 'py-tool'), `#!${SYSTEM_PYTHON}\n`)], options)?.appRunsIt).toBe(true);
		expect(choosePython([process.execPath, 'server.js'], options)).toEqual({python: findPython(['python3'], options), appRunsIt: false});
		expect(choosePython(['npm', 'run', 'dev'], options)?.appRunsIt).toBe(false);
		const off = resolveCheckConfig({check: undefined, pythonCheck: false, command: ['python3', 'app.py'], cwd: root}, env);
		expect(off).toEqual({config: {command: undefined, python: undefined}, pythonMissing: false, appRunsPython: false});
		const missing = resolveCheckConfig({check: undefined, pythonCheck: true, command: ['x'], cwd: root}, {PATH: ''});
		expect(missing).toMatchObject({pythonMissing: true, appRunsPython: false});
	});

	const pyenvFlask = (() => {
		try {
			return execFileSync('pyenv', ['which', 'flask'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
		} catch {
			return undefined;
		}
	})();
	it.skipIf(pyenvFlask === undefined)("pyenv's own flask shim: the Python that `flask --version` reports", async () => {
		const reported = /Python (\d+\.\d+\.\d+)/.exec(execFileSync('flask', ['--version'], {cwd: root, env, encoding: 'utf8'}))![1];
		const resolved = await resolvePython(['flask', '--app', 'app', 'run'], {cwd: root, env});
		expect(execFileSync(resolved!, ['-c', 'import platform; print(platform.python_version())'], {encoding: 'utf8'}).trim()).toBe(reported);
	});

	for (const name of ['flask', 'gunicorn', 'django-admin']) {
		const installed = `/usr/bin/${name}`;
		it.skipIf(!existsSync(installed))(`Debian's ${name} compiles with ${SYSTEM_PYTHON}, not PATH's python3`, () => {
			expect(findPython([name, '--help'], {cwd: root, pathEnv: '/usr/local/bin:/usr/bin:/bin'})).toBe(SYSTEM_PYTHON);
			expect(findPython([installed], {cwd: root, pathEnv})).toBe(SYSTEM_PYTHON);
		});
	}
});
