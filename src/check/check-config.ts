// Turns devtui's options into what the check gate runs with: the --check command, and the Python
// interpreter for the built-in compile check (found at start: at once from the command and its
// shebang, then, in the background, behind version-manager shims).

import type {DevtuiOptions} from '../options.js';
import type {CheckConfig} from './plan-checks.js';
import {findPython, resolvePython} from './find-python.js';

export interface ResolvedCheckConfig {
	config: CheckConfig;
	/** The Python check is on but there is no interpreter for it. */
	pythonMissing: boolean;
	/**
	 * The interpreter once shims are seen through (`config.python` is updated to it as well): what
	 * the warm checker (python-checker.ts) should start. Undefined when the Python check is off.
	 */
	python?: Promise<string>;
}

export const resolveCheckConfig = (options: Pick<DevtuiOptions, 'check' | 'pythonCheck' | 'command' | 'cwd'>, env: NodeJS.ProcessEnv): ResolvedCheckConfig => {
	const first = options.pythonCheck ? findPython(options.command, {cwd: options.cwd, pathEnv: env.PATH}) : undefined;
	const config: CheckConfig = {command: options.check, python: first};
	if (first === undefined) return {config, pythonMissing: options.pythonCheck};
	// Checks before the probe answers simply use the first answer; later ones the interpreter behind it.
	const python = resolvePython(options.command, {cwd: options.cwd, env}).then(real => {
		config.python = real ?? first;
		return config.python;
	});
	return {config, pythonMissing: false, python};
};
