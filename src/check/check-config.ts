// Turns devtui's options into what the check gate runs with: the --check command, and the Python
// interpreter for the built-in compile check (found once, at start).

import type {DevtuiOptions} from '../options.js';
import type {CheckConfig} from './plan-checks.js';
import {findPython, realPythonBehind} from './python-compile-check.js';

export const resolveCheckConfig = (
	options: Pick<DevtuiOptions, 'check' | 'pythonCheck' | 'command' | 'cwd'>,
	env: NodeJS.ProcessEnv,
): {config: CheckConfig; pythonMissing: boolean} => {
	const python = options.pythonCheck ? findPython(options.command, {cwd: options.cwd, pathEnv: env.PATH}) : undefined;
	const config: CheckConfig = {command: options.check, python};
	// Checks before the probe answers simply use the shim; later ones get the interpreter behind it.
	if (python !== undefined) {
		void realPythonBehind(python, {cwd: options.cwd, env}).then(real => {
			config.python = real;
		});
	}
	return {config, pythonMissing: options.pythonCheck && python === undefined};
};
