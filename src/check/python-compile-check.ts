// The built-in check for Python: compile every changed .py file, as Python itself would on import,
// so a syntax error keeps the old app serving instead of crashing the new one. One interpreter run
// compiles them all; nothing is written (no .pyc), and each error is one `path:line:col: Kind: msg`
// line that editors and the blame heuristic both understand.

import {execFile} from 'node:child_process';
import {accessSync, constants, statSync} from 'node:fs';
import path from 'node:path';

export const PYTHON_CHECK_NAME = 'python compile';

// Python 3.8+ (the client's floor). Warnings (an invalid escape) are not failures: silence them.
const SCRIPT = String.raw`
import sys, warnings
warnings.simplefilter("ignore")
failed = 0
for name in sys.argv[1:]:
    try:
        with open(name, "rb") as handle:
            source = handle.read()
    except OSError:
        continue
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        failed = 1
        print("%s:%s:%s: %s: %s" % (name, error.lineno or 0, error.offset or 0, type(error).__name__, error.msg))
        if error.text:
            print("    " + error.text.rstrip())
    except ValueError as error:
        failed = 1
        print("%s:0:0: %s: %s" % (name, type(error).__name__, error))
sys.exit(failed)
`;

/** The arguments that compile these files (paths relative to the check's working directory). */
// -I -S: no site packages, no PYTHON* variables, no user site: compiling needs none of them, and
// skipping them makes the interpreter start in about 10 ms instead of 40.
export const pythonCheckArgs = (python: string, files: readonly string[]): string[] => [python, '-I', '-S', '-c', SCRIPT, ...files];

export const isPythonFile = (file: string): boolean => file.endsWith('.py');

const PYTHON_NAME = /^python(\d+(\.\d+)?)?$/;

const isExecutableFile = (file: string): boolean => {
	try {
		if (!statSync(file).isFile()) return false;
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

export const onPath = (name: string, pathEnv: string | undefined): string | undefined => {
	for (const directory of (pathEnv ?? '').split(path.delimiter)) {
		if (directory === '') continue;
		const candidate = path.join(directory, name);
		if (isExecutableFile(candidate)) return candidate;
	}
	return undefined;
};

/**
 * The interpreter that compiles: the app's own when its command runs python directly (`python3`,
 * `python3.12`, `.venv/bin/python`), so the check speaks the app's Python version; otherwise
 * `python3` on PATH. Undefined when there is none.
 */
export const findPython = (command: readonly string[], {cwd, pathEnv}: {cwd: string; pathEnv: string | undefined}): string | undefined => {
	const program = command[0] ?? '';
	if (PYTHON_NAME.test(path.basename(program))) {
		const own = program.includes('/') ? path.resolve(cwd, program) : onPath(program, pathEnv);
		if (own && isExecutableFile(own)) return own;
	}
	return onPath('python3', pathEnv);
};

/**
 * The interpreter behind a version manager's shim (pyenv, asdf): asking Python for
 * `sys.executable` once saves the shim's ~100 ms on every check. The probe runs where the app runs,
 * so the shim picks the same version it picks for the app. Falls back to `python` on any problem.
 */
export const realPythonBehind = (python: string, {cwd, env}: {cwd: string; env: NodeJS.ProcessEnv}): Promise<string> =>
	new Promise(resolve => {
		execFile(python, ['-c', 'import sys; print(sys.executable)'], {cwd, env, timeout: 10_000}, (error, stdout) => {
			const real = stdout.trim();
			resolve(!error && real !== '' && isExecutableFile(real) ? real : python);
		});
	});
