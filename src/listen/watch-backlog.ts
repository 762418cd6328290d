// Watches the held sockets' accept queues and says what they show: connections waiting while the
// app restarts (`socket/waiting`, on every change of the count, with the peak and the wait on
// drain), and an app that is up but leaves them waiting, which means it never took the socket
// (`socket/not-taken`). Sampling costs nothing once the app is known to accept: it runs every
// 100 ms only while no instance is up or connections wait, and once a second while an instance
// that is up has neither been seen to take the sockets (socket/taken) nor drained the queue. An
// instance is up when it is ready, or when devtui gave up waiting for a sign
// (app/readiness-unknown): an app that is not a server at all never takes the socket either.

import type {EventBus} from '../supervisor/event-bus.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import {waitingConnections} from './accept-queue.js';

export interface BacklogPolicy {
	/** While an instance is not ready, or connections wait. */
	fastMs: number;
	/** While a ready instance has not shown that it accepts. */
	slowMs: number;
	/** How long connections may wait at an instance that is up before devtui says it did not take the socket. */
	notTakenMs: number;
}

export const DEFAULT_BACKLOG_POLICY: BacklogPolicy = {fastMs: 100, slowMs: 1000, notTakenMs: 2000};

interface Run {
	pid: number;
	/** When it became ready, or its readiness was declared unknown. */
	upAt?: number;
	exited: boolean;
	/** It said so (socket/taken) or the queue drained while it ran. */
	accepts: boolean;
	warned: boolean;
}

// Apps that bind the held port themselves die with EADDRINUSE; their last words say so.
const BIND_CONFLICT = /EADDRINUSE|address already in use/i;

export const watchBacklog = ({
	bus,
	inodes,
	policy = DEFAULT_BACKLOG_POLICY,
	read = waitingConnections,
	now = Date.now,
}: {
	bus: EventBus;
	inodes: readonly number[];
	policy?: BacklogPolicy;
	read?: (inodes: readonly number[]) => number | undefined;
	now?: () => number;
}): {dispose(): void} => {
	let run: Run | undefined;
	let waiting = 0;
	let peak = 0;
	let nonEmptySince: number | undefined;
	let timer: NodeJS.Timeout | undefined;
	let disposed = inodes.length === 0;

	const delay = (): number | undefined => {
		if (!run || run.exited || run.upAt === undefined || waiting > 0) return policy.fastMs;
		return run.accepts ? undefined : policy.slowMs;
	};

	const checkNotTaken = (at: number) => {
		if (!run || run.exited || run.warned || run.accepts || run.upAt === undefined || nonEmptySince === undefined) return;
		const waitedMs = at - Math.max(nonEmptySince, run.upAt);
		if (waitedMs < policy.notTakenMs) return;
		run.warned = true;
		bus.emit({type: 'socket/not-taken', pid: run.pid, reason: 'waiting', waiting, waitedMs: at - nonEmptySince});
	};

	const sample = () => {
		timer = undefined;
		if (disposed) return;
		const count = read(inodes);
		// No /proc: nothing to watch, ever.
		if (count === undefined) {
			disposed = true;
			return;
		}
		const at = now();
		if (count !== waiting) {
			if (count > 0) {
				nonEmptySince ??= at;
				peak = Math.max(peak, count);
				bus.emit({type: 'socket/waiting', waiting: count});
			} else {
				bus.emit({type: 'socket/waiting', waiting: 0, peak, waitedMs: at - (nonEmptySince ?? at)});
				if (run && !run.exited) run.accepts = true;
				nonEmptySince = undefined;
				peak = 0;
			}
			waiting = count;
		}
		checkNotTaken(at);
		schedule();
	};

	const schedule = () => {
		if (disposed || timer) return;
		const ms = delay();
		if (ms !== undefined) timer = setTimeout(sample, ms);
	};

	const reschedule = () => {
		clearTimeout(timer);
		timer = undefined;
		schedule();
	};

	const onEvent = (event: SupervisorEvent) => {
		switch (event.type) {
			case 'run/spawned':
				run = {pid: event.pid, exited: false, accepts: false, warned: false};
				break;
			case 'app/ready':
			case 'app/readiness-unknown':
				if (run?.pid !== event.pid || run.upAt !== undefined) return;
				run.upAt = event.at;
				break;
			case 'socket/taken':
				if (run?.pid === event.pid) run.accepts = true;
				return;
			case 'run/exited':
				if (run?.pid === event.pid) run.exited = true;
				break;
			case 'run/crashed':
				if (event.stderrTail.some(line => BIND_CONFLICT.test(line))) bus.emit({type: 'socket/not-taken', pid: event.pid, reason: 'bind-conflict'});
				return;
			default:
				return;
		}
		reschedule();
	};

	const unsubscribe = bus.subscribe(onEvent);
	schedule();
	return {
		dispose() {
			disposed = true;
			clearTimeout(timer);
			unsubscribe();
		},
	};
};
