// What one instance of the app is started with: the command (with the restart flag on restarts)
// and the environment the restart protocol promises. The state file's directory is made first so
// the app can save into it.

import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {buildAppEnv} from './app-env.js';
import type {DevtuiOptions} from '../options.js';

export const commandFor = (command: string[], restart: number, restartArg: string | undefined): string[] =>
	restart > 0 && restartArg ? [...command, restartArg] : command;

export const instanceEnv = (
	options: Pick<DevtuiOptions, 'stateFile'> & {env: NodeJS.ProcessEnv; color: boolean},
	restart: number,
): NodeJS.ProcessEnv => {
	try {
		mkdirSync(path.dirname(options.stateFile), {recursive: true});
	} catch {
		// The app will report its own error when it tries to save; devtui must still start it.
	}
	return buildAppEnv({base: options.env, restart, stateFile: options.stateFile, color: options.color});
};
