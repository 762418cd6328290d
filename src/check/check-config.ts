// Turns devtui's options into what the check gate runs with: the --check command, and the Python
// interpreter for the built-in compile check (found at start: at once from the command and its
// shebang, then, in the background, behind version-manager shims).

import type {DevtuiOptions} from '../options.js';
import type {CheckConfig} from './plan-checks.js';
import {choosePython, resolvePython} from './find-python.js';

export interface ResolvedCheckConfig {
	config: CheckConfig;
	/** The Python check is on but there is no interpreter for it. */
	pythonMissing: boolean;
	/**
	 * The interpreter once shims are seen through (`config.python` is updated to it as well): what
	 * the warm checker (python-checker.ts) should start. Undefined when the Python check is off.
	 */
	python?: Promise<string>;
	/**
	 * The app itself runs that Python (its command or its shebang names it), so .py changes are
	 * its code: warm the checker once the app is up. Otherwise (a Node app, a shell script) the
	 * first .py change starts it, and a project without Python never pays for one.
	 */
	appRunsPython: boolean;
}

export const resolveCheckConfig = (options: Pick<DevtuiOptions, 'check' | 'pythonCheck' | 'command' | 'cwd'>, env: NodeJS.ProcessEnv): ResolvedCheckConfig => {
	const chosen = options.pythonCheck ? choosePython(options.command, {cwd: options.cwd, pathEnv: env.PATH}) : undefined;
	const first = chosen?.python;
	const config: CheckConfig = {command: options.check, python: first};
	if (first === undefined) return {config, pythonMissing: options.pythonCheck, appRunsPython: false};
	// Checks before the probe answers simply use the first answer; later ones the interpreter behind it.
	const python = resolvePython(options.command, {cwd: options.cwd, env}).then(real => {
		config.python = real ?? first;
		return config.python;
	});
	return {config, pythonMissing: false, python, appRunsPython: chosen!.appRunsIt};
};
