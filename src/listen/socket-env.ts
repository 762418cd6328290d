// systemd's socket-activation convention, as the app sees it: the held sockets at fd 3, 4, ...,
// LISTEN_FDS (how many), LISTEN_FDNAMES (their names, ':'-separated) and LISTEN_PID (the pid they
// are meant for, so that the app's own children do not take them too).

import type {HeldSocket} from '../supervisor/events.js';

export const LISTEN_FDS_ENV = 'LISTEN_FDS';
export const LISTEN_PID_ENV = 'LISTEN_PID';
export const LISTEN_FDNAMES_ENV = 'LISTEN_FDNAMES';
const LISTEN_ENV = [LISTEN_FDS_ENV, LISTEN_PID_ENV, LISTEN_FDNAMES_ENV];

/** A --listen spec as a LISTEN_FDNAMES entry: ':' separates entries there, so it becomes '_' ("0.0.0.0_8000"). */
export const fdName = (spec: string): string => spec.replaceAll(':', '_');

/** LISTEN_FDS and LISTEN_FDNAMES for the held sockets (LISTEN_PID comes from the wrapper below). */
export const listenEnv = (sockets: readonly HeldSocket[]): Record<string, string> => ({
	[LISTEN_FDS_ENV]: String(sockets.length),
	[LISTEN_FDNAMES_ENV]: sockets.map(socket => fdName(socket.name)).join(':'),
});

/**
 * devtui's environment without LISTEN_*: if devtui itself was socket-activated, those variables
 * describe devtui's descriptors, and an app that believed them would take the wrong ones.
 */
export const withoutListenEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
	if (!LISTEN_ENV.some(name => name in env)) return env;
	const copy = {...env};
	for (const name of LISTEN_ENV) delete copy[name];
	return copy;
};

/**
 * The app's pid is unknown until it is spawned, so a tiny sh sets LISTEN_PID to its own pid and
 * execs the command: after exec the app has that same pid (and stays its process group's leader).
 */
export const LISTEN_PID_SCRIPT = `${LISTEN_PID_ENV}=$$; export ${LISTEN_PID_ENV}; exec "$@"`;

export const withListenPid = (command: readonly string[]): string[] => ['/bin/sh', '-c', LISTEN_PID_SCRIPT, 'devtui-listen', ...command];

/** The --listen spec of each LISTEN_FDNAMES entry the app reported, in the order given; unknown names are kept as they are. */
export const specsForFdNames = (sockets: readonly HeldSocket[], names: readonly string[]): string[] =>
	names.map(name => sockets.find(socket => fdName(socket.name) === name || socket.name === name)?.name ?? name);
