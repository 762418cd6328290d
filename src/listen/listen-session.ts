// The --listen part of a session: hold the sockets, describe them to every instance (descriptors
// and LISTEN_* variables, LISTEN_PID as the plan says), watch their backlog, reset connections no
// instance will take, and say when an instance takes them: its client's `listening` message, or an
// app process seen accepting on them. Without --listen it only keeps devtui's own LISTEN_*
// variables away from the app.

import type {ListenAddress} from '../options.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {HeldSocket} from '../supervisor/events.js';
import type {RunParticipant} from '../supervisor/run-participant.js';
import {instanceProcessIds} from '../supervisor/process-table.js';
import {drainInChild} from './drain-connections.js';
import {holdSockets} from './hold-sockets.js';
import type {ListenPlan} from './plan-listen.js';
import {listenEnv, specsForFdNames, withListenPid, withoutListenEnv} from './socket-env.js';
import {findAccepting, seesBlockedCalls} from './proc-accepting.js';
import {watchAccepting} from './watch-accepting.js';
import {watchBacklog} from './watch-backlog.js';

export interface ListenSession {
	/** Descriptors every instance inherits as 3, 4, ...; undefined without --listen. */
	fds: readonly number[] | undefined;
	/** The held sockets (empty without --listen). */
	sockets: readonly HeldSocket[];
	/** Their inodes (where /proc tells them): an app that inherits one is not listening by itself. */
	inodes: readonly number[];
	/** The base environment for the app: devtui's, without LISTEN_*. */
	appEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	/**
	 * Each start inherits the sockets from fd 3 on, with LISTEN_FDS and LISTEN_FDNAMES, through the
	 * wrapper that sets LISTEN_PID to the app's own pid (unless the plan leaves it unset).
	 */
	participant: RunParticipant;
	/** Says which sockets are held (`socket/listening`) and what devtui did about the command: at the session's start, once views listen. */
	announce(): void;
	/** The app's `listening` message: it serves on these LISTEN_FDNAMES entries. */
	taken(pid: number, restart: number, names: readonly string[]): void;
	dispose(): void;
}

export const startListening = async (
	addresses: readonly ListenAddress[],
	bus: EventBus,
	plan: Omit<ListenPlan, 'command'> = {setPid: true, notices: []},
): Promise<ListenSession> => {
	if (addresses.length === 0) {
		return {fds: undefined, sockets: [], inodes: [], appEnv: withoutListenEnv, participant: {}, announce() {}, taken() {}, dispose() {}};
	}
	const held = await holdSockets(addresses);
	const inodes = held.inodes.filter((inode): inode is number => inode !== undefined);
	const inodeSet = new Set(inodes);
	const drainer = drainInChild(held.fds);
	const backlog = watchBacklog({
		bus,
		inodes,
		drainer,
		// Only when /proc can show every way of accepting (a blocked accept/poll/select as well as an
		// epoll set) and shows none, in any process of the instance.
		provenIdle: pid => seesBlockedCalls() && findAccepting({pids: instanceProcessIds(pid), inodes: inodeSet})?.size === 0,
	});
	const watched = held.sockets.flatMap((socket, index) => {
		const inode = held.inodes[index];
		return inode === undefined ? [] : [{name: socket.name, inode}];
	});
	// One socket/taken per instance: whichever comes first, the client's word or the app seen accepting.
	const takenBy = new Set<number>();
	const reportTaken = (pid: number, restart: number, names: string[], via: 'client' | 'accepting') => {
		if (takenBy.has(restart)) return;
		takenBy.add(restart);
		bus.emit({type: 'socket/taken', pid, restart, names, via});
	};
	const accepting = watchAccepting({bus, sockets: watched, report: (pid, restart, names) => reportTaken(pid, restart, names, 'accepting')});
	const env = listenEnv(held.sockets);
	let disposed = false;
	return {
		fds: held.fds,
		sockets: held.sockets,
		inodes,
		appEnv: withoutListenEnv,
		participant: {
			spawnInput: (input, restart) =>
				plan.setPid
					? {
							...input,
							env: {...input.env, ...env},
							listenFds: held.fds,
							wrap: withListenPid,
							// The wrapper hides "command not found"; looking it up once, at the first start, keeps it a clear error.
							verifyProgram: restart === 0,
						}
					: {...input, env: {...input.env, ...env}, listenFds: held.fds},
		},
		announce() {
			bus.emit({type: 'socket/listening', sockets: held.sockets});
			for (const message of plan.notices) bus.emit({type: 'devtui/notice', message});
		},
		taken(pid, restart, names) {
			reportTaken(pid, restart, specsForFdNames(held.sockets, names), 'client');
		},
		dispose() {
			if (disposed) return;
			disposed = true;
			backlog.dispose();
			accepting.dispose();
			held.close();
		},
	};
};
