// Watches the held sockets' accept queues and says what they show: connections waiting while the
// app restarts (`socket/waiting`, on every change of the count, with the peak and the wait on
// drain), and an app that is up but leaves them waiting, which means it never took the socket
// (`socket/not-taken`). Sampling costs nothing once the app is known to accept: it runs every
// 100 ms only while no instance is up or connections wait, and once a second while an instance
// that is up has neither been seen to take the sockets (socket/taken) nor shortened the queue. An
// instance is up when it is ready, or when devtui gave up waiting for a sign
// (app/readiness-unknown): an app that is not a server at all never takes the socket either.
//
// Connections must not wait for nothing: when no instance will take them, devtui resets them
// (drain-connections.ts) until one might. That is, from the not-taken line on, while an instance
// that is up has left connections waiting for `notTakenMs` and /proc shows none of its processes
// accepting on the sockets (`provenIdle`: without that proof nothing is reset), and while the app
// is down after dying on EADDRINUSE. Resetting ends as soon as a stop or a new instance begins
// (connections wait for it, as across any restart) or the instance takes the socket. An app that
// merely crashed is not reset for: the next save may fix it, and its connections are then served.

import type {EventBus} from '../supervisor/event-bus.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import {waitingConnections} from './accept-queue.js';
import type {Drainer} from './drain-connections.js';

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
	restart: number;
	/** When it became ready, or its readiness was declared unknown. */
	upAt?: number;
	exited: boolean;
	/** It said so (socket/taken), or the queue got shorter while it ran and nothing else accepted. */
	accepts: boolean;
	warned: boolean;
}

// Apps that bind the held port themselves die with EADDRINUSE; their last words say so: Node,
// Python and uvicorn name the error, Django says "That port is already in use", gunicorn
// "Connection in use: ('127.0.0.1', 8000)".
const BIND_CONFLICT = /EADDRINUSE|address already in use|port is already in use|connection in use:/i;

export const watchBacklog = ({
	bus,
	inodes,
	policy = DEFAULT_BACKLOG_POLICY,
	read = waitingConnections,
	now = Date.now,
	drainer,
	provenIdle = () => false,
}: {
	bus: EventBus;
	inodes: readonly number[];
	policy?: BacklogPolicy;
	read?: (inodes: readonly number[]) => number | undefined;
	now?: () => number;
	/** Resets connections while no instance will take them; without one, they only wait. */
	drainer?: Drainer;
	/** Whether /proc shows that no process of the instance `pid` accepts on the sockets (false when it cannot tell). */
	provenIdle?: (pid: number) => boolean;
}): {dispose(): void} => {
	let run: Run | undefined;
	let waiting = 0;
	let peak = 0;
	let nonEmptySince: number | undefined;
	let timer: NodeJS.Timeout | undefined;
	let disposed = inodes.length === 0;
	let draining = false;

	const startDraining = (): boolean => {
		if (!drainer) return false;
		draining = true;
		drainer.start();
		return true;
	};
	const stopDraining = () => {
		if (!draining) return;
		draining = false;
		drainer?.stop();
	};

	const delay = (): number | undefined => {
		if (!run || run.exited || run.upAt === undefined || waiting > 0) return policy.fastMs;
		return run.accepts ? undefined : policy.slowMs;
	};

	const checkNotTaken = (at: number) => {
		if (!run || run.exited || run.warned || run.accepts || run.upAt === undefined || nonEmptySince === undefined) return;
		const waitedMs = at - Math.max(nonEmptySince, run.upAt);
		if (waitedMs < policy.notTakenMs) return;
		run.warned = true;
		const resetting = provenIdle(run.pid) && startDraining();
		bus.emit({type: 'socket/not-taken', pid: run.pid, reason: 'waiting', waiting, waitedMs: at - nonEmptySince, resetting});
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
		if (draining) {
			// devtui's own resets empty the queue: that says nothing about the app.
			if (count !== waiting) bus.emit({type: 'socket/waiting', waiting: count});
			waiting = count;
			nonEmptySince = undefined;
			peak = 0;
		} else if (count !== waiting) {
			// Only an accept takes a connection off the queue (one its client gave up on stays there).
			if (count < waiting && run && !run.exited) run.accepts = true;
			if (count > 0) {
				nonEmptySince ??= at;
				peak = Math.max(peak, count);
				bus.emit({type: 'socket/waiting', waiting: count});
			} else {
				bus.emit({type: 'socket/waiting', waiting: 0, peak, waitedMs: at - (nonEmptySince ?? at)});
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
				stopDraining();
				run = {pid: event.pid, restart: event.restart, exited: false, accepts: false, warned: false};
				break;
			case 'run/stop-requested':
				// A restart: connections wait for the next instance.
				stopDraining();
				return;
			case 'app/ready':
			case 'app/readiness-unknown':
				if (run?.pid !== event.pid || run.upAt !== undefined) return;
				run.upAt = event.at;
				break;
			case 'socket/taken':
				// The client's pid may be a process below the one devtui started (sh -c, a worker).
				if (run && (event.restart === undefined ? run.pid === event.pid : run.restart === event.restart)) {
					run.accepts = true;
					stopDraining();
				}
				return;
			case 'run/exited':
				if (run?.pid === event.pid) run.exited = true;
				break;
			case 'run/crashed':
				// It binds the port itself: the same code never takes the socket, so nothing waits for it.
				if (event.stderrTail.some(line => BIND_CONFLICT.test(line))) {
					bus.emit({type: 'socket/not-taken', pid: event.pid, reason: 'bind-conflict', resetting: startDraining()});
				}
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
			stopDraining();
			unsubscribe();
		},
	};
};
