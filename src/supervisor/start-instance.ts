// Starts one instance of the app: the command (with the restart flag on restarts), the state
// file's directory, the protocol's environment, and the spawn itself.

import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {buildAppEnv} from './app-env.js';
import type {OutputStream} from './events.js';
import {spawnApp, SpawnError, type AppProcess} from './spawn-app.js';
import type {DevtuiOptions} from '../options.js';

export type InstanceOptions = Pick<DevtuiOptions, 'command' | 'cwd' | 'stateFile' | 'restartArg'> & {
	env: NodeJS.ProcessEnv;
	color: boolean;
	extraEnv: Record<string, string> | undefined;
	/** Descriptors every instance inherits as 3, 4, ... (the --listen sockets). */
	listenFds?: readonly number[] | undefined;
	passStdout?: boolean | undefined;
};

export type StartedInstance =
	| {ok: true; app: AppProcess; command: string[]; spawnMs: number}
	| {ok: false; error: SpawnError; command: string[]};

export const commandFor = (command: string[], restart: number, restartArg: string | undefined): string[] =>
	restart > 0 && restartArg ? [...command, restartArg] : command;

export const startInstance = async (
	options: InstanceOptions,
	restart: number,
	onLines: (stream: OutputStream, lines: string[], pid: number) => void,
	now: () => number,
): Promise<StartedInstance> => {
	const command = commandFor(options.command, restart, options.restartArg);
	try {
		mkdirSync(path.dirname(options.stateFile), {recursive: true});
	} catch {
		// The app will report its own error when it tries to save; devtui must still start it.
	}
	const startedAt = now();
	try {
		const app = await spawnApp({
			command,
			cwd: options.cwd,
			env: buildAppEnv({base: options.env, restart, stateFile: options.stateFile, extra: options.extraEnv, color: options.color}),
			onLines,
			now,
			...(options.listenFds ? {listenFds: options.listenFds} : {}),
			...(options.passStdout ? {passStdout: true} : {}),
		});
		return {ok: true, app, command, spawnMs: now() - startedAt};
	} catch (error) {
		return {ok: false, command, error: error instanceof SpawnError ? error : new SpawnError(String(error), undefined)};
	}
};
