// Which checks a set of pending changes needs, and the exact process each one runs. Pure: the gate
// decides from this whether the old app may begin stopping early, and what to run before a restart.

import type {ChangedFile} from '../supervisor/events.js';
import {isPythonFile, pythonCheckArgs, PYTHON_CHECK_NAME} from './python-compile-check.js';

export interface CheckConfig {
	/** The --check shell command, or undefined. */
	command: string | undefined;
	/** The interpreter for the built-in Python check, or undefined when it is off or unavailable. */
	python: string | undefined;
}

export interface PlannedCheck {
	/** What it is called in events: "python compile" or the --check command as written. */
	name: string;
	argv: string[];
}

/** The placeholder in a --check command that becomes the changed files, shell-quoted. */
export const FILES_PLACEHOLDER = '{files}';

export const shellQuote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`);

/** The files a check can read: a removed file cannot be compiled or linted. */
export const presentFiles = (files: readonly ChangedFile[]): string[] => files.filter(file => file.kind !== 'removed').map(file => file.path);

/** Whether a change to these paths (kinds not known yet) will need a check before the restart. */
export const needsCheck = (config: CheckConfig, paths: readonly string[]): boolean =>
	config.command !== undefined || (config.python !== undefined && paths.some(isPythonFile));

/** The checks to run, fastest first: Python's compile check, then the --check command. */
export const planChecks = (config: CheckConfig, pending: readonly ChangedFile[]): PlannedCheck[] => {
	const checks: PlannedCheck[] = [];
	const python = presentFiles(pending).filter(isPythonFile);
	if (config.python !== undefined && python.length > 0) {
		checks.push({name: PYTHON_CHECK_NAME, argv: pythonCheckArgs(config.python, python)});
	}
	if (config.command !== undefined) {
		const files = presentFiles(pending).map(shellQuote).join(' ');
		checks.push({name: config.command, argv: ['/bin/sh', '-c', config.command.replaceAll(FILES_PLACEHOLDER, files)]});
	}
	return checks;
};

/** The check's environment: devtui's own, plus the changed files it can read, one per line. */
export const checkEnv = (base: NodeJS.ProcessEnv, pending: readonly ChangedFile[]): NodeJS.ProcessEnv => ({
	...base,
	DEVTUI_CHANGED_FILES: presentFiles(pending).join('\n'),
});
