// Tells from what the app does whether it took the held sockets: an app process with the socket
// open that accepts on it (src/listen/proc-accepting.ts) is reported once per instance (the listen
// session makes it `socket/taken` with via 'accepting'), for apps that take fd 3 on their own (`uvicorn --fd 3`, `hypercorn --bind
// fd://3`, `server.listen({fd: 3})`) without devtui's client. It looks only while the current
// instance has not taken them (by its client's `listening` or an earlier look), on the readiness
// poll schedule, and never once the instance is gone.

import type {EventBus} from '../supervisor/event-bus.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import {instanceProcessIds} from '../supervisor/process-table.js';
import {DEFAULT_POLL_POLICY, startPolling, type Poller, type PollPolicy} from '../readiness/poll-schedule.js';
import {findAccepting} from './proc-accepting.js';

export interface WatchedSocket {
	/** The --listen spec, as socket/taken names it. */
	name: string;
	inode: number;
}

export const watchAccepting = ({
	bus,
	sockets,
	report,
	find = findAccepting,
	processes = instanceProcessIds,
	policy = DEFAULT_POLL_POLICY,
}: {
	bus: EventBus;
	sockets: readonly WatchedSocket[];
	/** An instance was seen accepting on these sockets (their names); the listen session says so. */
	report: (pid: number, restart: number, names: string[]) => void;
	find?: typeof findAccepting;
	processes?: (root: number) => number[];
	policy?: PollPolicy;
}): {dispose(): void} => {
	const inodes = new Set(sockets.map(socket => socket.inode));
	let poller: Poller | undefined;
	let current: {pid: number; restart: number} | undefined;

	const stop = () => {
		poller?.stop();
		poller = undefined;
	};

	const look = (run: {pid: number; restart: number}): boolean => {
		const accepting = find({pids: processes(run.pid), inodes});
		// No /proc, or the instance is gone: nothing more to learn from it.
		if (!accepting) return true;
		if (accepting.size === 0) return false;
		const names = sockets.filter(socket => accepting.has(socket.inode)).map(socket => socket.name);
		poller = undefined;
		report(run.pid, run.restart, names);
		return true;
	};

	const onEvent = (event: SupervisorEvent) => {
		switch (event.type) {
			case 'run/spawned': {
				stop();
				const run = {pid: event.pid, restart: event.restart};
				current = run;
				if (inodes.size > 0) poller = startPolling({look: () => look(run), since: event.at, policy});
				return;
			}
			case 'socket/taken':
				// The client said so first: nothing left to find out about this instance.
				if (current && (event.restart ?? current.restart) === current.restart) stop();
				return;
			case 'run/exited':
				if (current?.pid === event.pid) stop();
				return;
			default:
		}
	};

	const unsubscribe = bus.subscribe(onEvent);
	return {
		dispose() {
			stop();
			unsubscribe();
		},
	};
};
