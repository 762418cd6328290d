// The environment a supervised app runs with: the parent's, plus what the restart protocol promises.

import {INSTANCE_ENV, newInstanceMarker} from './instance-marker.js';

export interface AppEnvInput {
	base: NodeJS.ProcessEnv;
	restart: number;
	stateFile: string;
	/** Extra variables from other parts of devtui (the control socket, PYTHONPATH). */
	extra?: Record<string, string>;
	/** Whether the app's output ends up on a colour terminal. */
	color: boolean;
}

export const buildAppEnv = ({base, restart, stateFile, extra = {}, color}: AppEnvInput): NodeJS.ProcessEnv => {
	const env: NodeJS.ProcessEnv = {...base};
	// Python block-buffers a piped stdout, which would hold the app's logs back until exit.
	env.PYTHONUNBUFFERED ??= '1';
	// The app writes into a pipe, so it would drop its colours unless told where they end up.
	if (color && env.NO_COLOR === undefined) env.FORCE_COLOR ??= '1';
	Object.assign(env, extra, {
		[INSTANCE_ENV]: newInstanceMarker(),
		DEVTUI: '1',
		DEVTUI_RESTART: String(restart),
		DEVTUI_STATE_FILE: stateFile,
	});
	return env;
};
