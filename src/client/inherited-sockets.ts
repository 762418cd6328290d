// The listening sockets a launcher handed this process, systemd-style: descriptors from 3 on,
// LISTEN_FDS (how many), LISTEN_PID (the process they are for) and LISTEN_FDNAMES (their names).
// devtui's --listen sets all three; systemfd and systemd itself do too. They are taken once, and the
// variables are then removed so that the app's own children do not take the same sockets again
// (sd_listen_fds(unset_environment=1) does the same).

export const FIRST_LISTEN_FD = 3;

export interface InheritedSocket {
	fd: number;
	/** Its LISTEN_FDNAMES entry, when the launcher named it (devtui: the --listen spec, ':' as '_'). */
	name: string | undefined;
}

export interface InheritedSockets {
	sockets: InheritedSocket[];
	/** LISTEN_PID when it names another process: the sockets were meant for a launcher in between. */
	otherPid: number | undefined;
}

/** What LISTEN_* in `env` hand to process `pid`. Pure. */
export const parseListenEnv = (env: NodeJS.ProcessEnv, pid: number): InheritedSockets => {
	const count = Number(env.LISTEN_FDS);
	if (!Number.isSafeInteger(count) || count <= 0) return {sockets: [], otherPid: undefined};
	const target = env.LISTEN_PID === undefined || env.LISTEN_PID === '' ? pid : Number(env.LISTEN_PID);
	if (target !== pid) return {sockets: [], otherPid: Number.isSafeInteger(target) ? target : undefined};
	const names = env.LISTEN_FDNAMES === undefined ? [] : env.LISTEN_FDNAMES.split(':');
	return {
		sockets: Array.from({length: count}, (_, index) => ({fd: FIRST_LISTEN_FD + index, name: names[index] || undefined})),
		otherPid: undefined,
	};
};

let taken: InheritedSockets | undefined;

/** The sockets handed to this process, read once; LISTEN_* are removed from process.env if they were ours. */
export const takeInheritedSockets = (env: NodeJS.ProcessEnv = process.env, pid = process.pid): InheritedSockets => {
	if (taken) return taken;
	taken = parseListenEnv(env, pid);
	if (taken.sockets.length > 0) {
		delete env.LISTEN_FDS;
		delete env.LISTEN_PID;
		delete env.LISTEN_FDNAMES;
	}
	return taken;
};

/** The port a devtui name ends in: "8000", "0.0.0.0_8000", "[__1]_8000". */
const portOfName = (name: string | undefined): number | undefined => {
	const match = name === undefined ? null : /(?:^|_)(\d+)$/.exec(name);
	return match ? Number(match[1]) : undefined;
};

/**
 * The socket for a request: by name (a --listen spec as written, or its LISTEN_FDNAMES form);
 * else, when a port is asked for, the one for that port: by the port its name ends in when the
 * launcher names its sockets (devtui, systemd), by the port it is bound to (`boundPort`) when it
 * names none (systemfd); else the next one not used yet. Undefined: bind normally. The Python
 * client picks the same way.
 */
export const pickSocket = (
	sockets: readonly InheritedSocket[],
	{port, name}: {port?: number | undefined; name?: string | undefined},
	used: ReadonlySet<number>,
	boundPort: (fd: number) => number | undefined = () => undefined,
): InheritedSocket | undefined => {
	const free = sockets.filter(socket => !used.has(socket.fd));
	if (name !== undefined) {
		const wanted = name.replaceAll(':', '_');
		return free.find(socket => socket.name === wanted);
	}
	if (port) {
		if (free.some(socket => socket.name !== undefined)) return free.find(socket => portOfName(socket.name) === port);
		return free.find(socket => boundPort(socket.fd) === port);
	}
	return free[0];
};
