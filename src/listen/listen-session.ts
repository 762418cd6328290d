// The --listen part of a session: hold the sockets, describe them to every instance (descriptors
// and LISTEN_* variables), watch their backlog, and turn the app's `listening` message into an
// event. Without --listen it only keeps devtui's own LISTEN_* variables away from the app.

import type {ListenAddress} from '../options.js';
import type {EventBus} from '../supervisor/event-bus.js';
import {holdSockets} from './hold-sockets.js';
import {listenEnv, specsForFdNames, withoutListenEnv} from './socket-env.js';
import {watchBacklog} from './watch-backlog.js';

export interface ListenSession {
	/** Descriptors every instance inherits as 3, 4, ...; undefined without --listen. */
	fds: readonly number[] | undefined;
	/** The base environment for the app: devtui's, without LISTEN_*. */
	appEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	/** LISTEN_FDS and LISTEN_FDNAMES for each start (LISTEN_PID is set by the spawn wrapper). */
	extraEnv(): Record<string, string>;
	/** The app's `listening` message: it serves on these LISTEN_FDNAMES entries. */
	taken(pid: number, restart: number, names: readonly string[]): void;
	dispose(): void;
}

export const startListening = async (addresses: readonly ListenAddress[], bus: EventBus): Promise<ListenSession> => {
	if (addresses.length === 0) {
		return {fds: undefined, appEnv: withoutListenEnv, extraEnv: () => ({}), taken() {}, dispose() {}};
	}
	const held = await holdSockets(addresses);
	bus.emit({type: 'socket/listening', sockets: held.sockets});
	const backlog = watchBacklog({bus, inodes: held.inodes.filter((inode): inode is number => inode !== undefined)});
	const env = listenEnv(held.sockets);
	let disposed = false;
	return {
		fds: held.fds,
		appEnv: withoutListenEnv,
		extraEnv: () => env,
		taken(pid, restart, names) {
			bus.emit({type: 'socket/taken', pid, restart, names: specsForFdNames(held.sockets, names)});
		},
		dispose() {
			if (disposed) return;
			disposed = true;
			backlog.dispose();
			held.close();
		},
	};
};
