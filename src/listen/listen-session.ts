// The --listen part of a session: hold the sockets, describe them to every instance (descriptors
// and LISTEN_* variables), watch their backlog, and turn the app's `listening` message into an
// event. Without --listen it only keeps devtui's own LISTEN_* variables away from the app.

import type {ListenAddress} from '../options.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {RunParticipant} from '../supervisor/run-participant.js';
import {holdSockets} from './hold-sockets.js';
import {listenEnv, specsForFdNames, withListenPid, withoutListenEnv} from './socket-env.js';
import {watchBacklog} from './watch-backlog.js';

export interface ListenSession {
	/** Descriptors every instance inherits as 3, 4, ...; undefined without --listen. */
	fds: readonly number[] | undefined;
	/** The base environment for the app: devtui's, without LISTEN_*. */
	appEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	/**
	 * Each start inherits the sockets from fd 3 on, with LISTEN_FDS and LISTEN_FDNAMES, through the
	 * wrapper that sets LISTEN_PID to the app's own pid.
	 */
	participant: RunParticipant;
	/** Says which sockets are held (`socket/listening`): at the session's start, once views listen. */
	announce(): void;
	/** The app's `listening` message: it serves on these LISTEN_FDNAMES entries. */
	taken(pid: number, restart: number, names: readonly string[]): void;
	dispose(): void;
}

export const startListening = async (addresses: readonly ListenAddress[], bus: EventBus): Promise<ListenSession> => {
	if (addresses.length === 0) {
		return {fds: undefined, appEnv: withoutListenEnv, participant: {}, announce() {}, taken() {}, dispose() {}};
	}
	const held = await holdSockets(addresses);
	const backlog = watchBacklog({bus, inodes: held.inodes.filter((inode): inode is number => inode !== undefined)});
	const env = listenEnv(held.sockets);
	let disposed = false;
	return {
		fds: held.fds,
		appEnv: withoutListenEnv,
		participant: {
			spawnInput: (input, restart) => ({
				...input,
				env: {...input.env, ...env},
				listenFds: held.fds,
				wrap: withListenPid,
				// The wrapper hides "command not found"; looking it up once, at the first start, keeps it a clear error.
				verifyProgram: restart === 0,
			}),
		},
		announce() {
			bus.emit({type: 'socket/listening', sockets: held.sockets});
		},
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
