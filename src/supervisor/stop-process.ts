// Stops the app: the configured signal to its whole process group (and to descendants that left
// the group), a wait for everything to be gone, and SIGKILL at the deadline. The deadline can move
// (the app may ask for more time) and the user can force the kill at any moment; whichever reason
// comes first is the one recorded, as execa records its termination reason once.

import {findLinkedStrays, findStrays, waitForGone} from './wait-for-gone.js';
import {readProcess} from './process-table.js';
import {signalGroup, signalPid} from './signal-processes.js';
import type {AppProcess} from './spawn-app.js';
import type {EventInput, ForceKillReason} from './events.js';

/** How long a SIGKILLed group may take to vanish before devtui gives up waiting and says so. */
export const KILL_GRACE_MS = 5000;

export class StopControl {
	deadline = 0;
	/** The deadline before any extension (0 until the stop has begun). */
	firstDeadline = 0;
	forceReason: ForceKillReason | undefined;
	private wake: (() => void) | undefined;

	/** Forces the kill now; the first reason given is the one recorded. */
	force(reason: ForceKillReason): void {
		this.forceReason ??= reason;
		this.wake?.();
	}

	/** Moves the deadline to `deadline` (epoch ms) and re-arms the timer. */
	moveDeadline(deadline: number): void {
		this.deadline = deadline;
		this.wake?.();
	}

	/**
	 * The app asks for more time (its `extend`): the deadline moves to at most `requestedMs` from
	 * `now`, never earlier than it was and never past the first deadline plus `capMs`, so an app that
	 * keeps asking still cannot hang a restart for ever. Undefined when there is nothing to extend
	 * (the stop has not begun, or it is being forced).
	 */
	extend(requestedMs: number, now: number, capMs: number): {grantedMs: number; deadline: number} | undefined {
		if (this.deadline === 0 || this.forceReason) return undefined;
		this.firstDeadline ||= this.deadline;
		const deadline = Math.max(this.deadline, Math.min(now + Math.max(0, requestedMs), this.firstDeadline + capMs));
		const grantedMs = deadline - this.deadline;
		this.moveDeadline(deadline);
		return {grantedMs, deadline};
	}

	/** @internal the stop loop's way to be woken. */
	onWake(wake: (() => void) | undefined): void {
		this.wake = wake;
	}
}

export interface StopResult {
	stopMs: number;
	forced: boolean;
	forceReason: ForceKillReason | undefined;
}

const signalAll = (app: AppProcess, strays: readonly number[], signal: NodeJS.Signals): void => {
	signalGroup(app.pgid, signal);
	signalStrays(strays, signal);
};

const signalStrays = (strays: readonly number[], signal: NodeJS.Signals): void => {
	for (const pid of strays) {
		// A stray that made itself a group leader (setsid) takes its own children along.
		if (readProcess(pid)?.pgid === pid) signalGroup(pid, signal);
		else signalPid(pid, signal);
	}
};

const waitUntil = async (app: AppProcess, strays: readonly number[], control: StopControl, now: () => number) => {
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), Math.max(0, control.deadline - now()));
	control.onWake(() => abort.abort());
	try {
		return await waitForGone(app, strays, abort.signal);
	} finally {
		clearTimeout(timer);
		control.onWake(undefined);
	}
};

export const stopProcess = async ({
	app,
	signal,
	timeoutMs,
	control,
	emit,
	beforeSignal,
	now = Date.now,
}: {
	app: AppProcess;
	signal: NodeJS.Signals;
	timeoutMs: number;
	control: StopControl;
	emit: (event: EventInput) => void;
	/** Runs right before the signal (the control channel's `shutdown` message goes out here). */
	beforeSignal?: (deadline: number) => void;
	now?: () => number;
}): Promise<StopResult> => {
	const startedAt = now();
	// The signal goes out first, to the group and to the strays only the living tree links to it;
	// the full scan for orphans marked as the app's follows (see findLinkedStrays).
	const linked = findLinkedStrays(app);
	let strays = linked ?? findStrays(app);
	control.deadline = startedAt + timeoutMs;
	if (control.forceReason === undefined) {
		beforeSignal?.(control.deadline);
		signalAll(app, strays, signal);
		emit({type: 'run/signal-sent', pid: app.pid, signal, deadline: control.deadline, timeoutMs});
	}
	if (linked !== undefined) {
		const later = findStrays(app).filter(pid => !strays.includes(pid));
		if (later.length > 0 && control.forceReason === undefined) signalStrays(later, signal);
		strays = [...strays, ...later];
	}
	for (;;) {
		if (control.forceReason === undefined && (await waitUntil(app, strays, control, now))) {
			return {stopMs: now() - startedAt, forced: false, forceReason: undefined};
		}
		// Woken early without a force: the deadline moved, so wait again with the new one.
		if (control.forceReason === undefined && now() < control.deadline) continue;
		break;
	}
	const reason = (control.forceReason ??= 'timeout');
	strays = [...new Set([...strays, ...findStrays(app)])];
	signalAll(app, strays, 'SIGKILL');
	emit({type: 'run/force-killed', pid: app.pid, reason, afterMs: now() - startedAt});
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), KILL_GRACE_MS);
	const gone = await waitForGone(app, strays, abort.signal);
	clearTimeout(timer);
	if (!gone) {
		emit({
			type: 'supervisor/error',
			message: `process group ${app.pgid} survived SIGKILL for ${KILL_GRACE_MS} ms (a process stuck in the kernel?); starting anyway`,
		});
	}
	return {stopMs: now() - startedAt, forced: true, forceReason: reason};
};
