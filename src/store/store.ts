// The dashboard's store. Core events are queued and folded in one go at most every `intervalMs`
// (about 30 times a second, Ink's frame rate), so a flood of output is one state change and one
// render per frame, never one per line. The user's own actions skip the queue: a key press folds
// whatever is queued, then itself, and notifies at once, so keys stay quick during a flood.
// During a flood of output, frames come at most every `floodIntervalMs` instead: devtui reads the
// app's pipe on the same event loop that draws, so every frame is time the app spends blocked on a
// full pipe, and nobody reads 100,000 lines a second anyway. Any other event (the hold a key asked
// for, a restart) is drawn at the usual rate.
// A frame costs Ink ~20 ms of the one event loop devtui has, so none is drawn between the stop of
// a restart and the spawn of the new instance (up to RESTART_HOLD_MS): the restart's own steps
// (the exit, the batch closing, the spawn) would wait behind it.

import type {SupervisorEvent} from '../supervisor/events.js';
import type {UiAction} from './actions.js';
import {reduce, reduceAll} from './reducer.js';
import type {DashboardState} from './state.js';

const MAX_QUEUE = 1000;
/** More output lines than this between two frames is a flood. */
export const FLOOD_LINES = 2000;
/** The longest a restart in flight holds frames back: a slow stop still shows its countdown. */
export const RESTART_HOLD_MS = 100;

/** A store folding core events `E` in batches and dashboard actions `A` at once into a state `S`. */
export interface FoldingStore<S, E, A> {
	getState(): S;
	/** For useSyncExternalStore; returns the unsubscribe. */
	subscribe(listener: () => void): () => void;
	/** A core event: folded with the next batch. */
	ingest(event: E): void;
	/** A dashboard action: folded and announced now. */
	dispatch(action: A): void;
	/** Folds the queue now (tests, and before unmounting). */
	flush(): void;
	/** Stops the batching timer; later events are folded only on flush. */
	dispose(): void;
}

export type DashboardStore = FoldingStore<DashboardState, SupervisorEvent, UiAction>;

/** How a store folds: one action now, or a batch of queued events in one go. */
export interface Folds<S, E, A> {
	reduce(state: S, action: A): S;
	reduceAll(state: S, events: readonly E[]): S;
}

export interface StoreOptions {
	/** Minimum time between two notifications caused by events. @default 33 */
	intervalMs?: number;
	/** Minimum time between two notifications while output floods in. @default 100 */
	floodIntervalMs?: number;
	/** How long frames wait while a restart goes from stop to spawn. @default RESTART_HOLD_MS */
	restartHoldMs?: number;
	now?: () => number;
	setTimer?: (callback: () => void, ms: number) => unknown;
	clearTimer?: (timer: unknown) => void;
}

export const createStore = (initial: DashboardState, options: StoreOptions = {}): DashboardStore => createFoldingStore(initial, {reduce, reduceAll}, options);

/**
 * The batching store for any state folded from the core's events (one app's, or a stack's whose
 * events carry the service's name): the batching rules depend only on the event types.
 */
export const createFoldingStore = <S, E extends {type: string}, A>(initial: S, folds: Folds<S, E, A>, options: StoreOptions = {}): FoldingStore<S, E, A> => {
	const {
		intervalMs = 33,
		floodIntervalMs = 100,
		restartHoldMs = RESTART_HOLD_MS,
		now = () => performance.now(),
		setTimer = (callback, ms) => setTimeout(callback, ms),
		clearTimer = timer => clearTimeout(timer as NodeJS.Timeout),
	} = options;
	let state = initial;
	let queue: E[] = [];
	let timer: unknown;
	let timerDue = 0;
	let lastNotify = -Infinity;
	let holdUntil = -Infinity;
	/** Output lines since the last notification, and whether the frame before that was a flood. */
	let linesSinceNotify = 0;
	let flooding = false;
	/** An event other than output is waiting to be drawn. */
	let newsQueued = false;
	/** The state changed since the last notification. */
	let dirty = false;
	let disposed = false;
	const listeners = new Set<() => void>();

	const notify = () => {
		flooding = linesSinceNotify > FLOOD_LINES;
		linesSinceNotify = 0;
		newsQueued = false;
		dirty = false;
		lastNotify = now();
		for (const listener of listeners) listener();
	};

	const foldQueue = () => {
		if (queue.length === 0) return;
		const batch = queue;
		queue = [];
		state = folds.reduceAll(state, batch);
		dirty = true;
	};

	const cancelTimer = () => {
		if (timer === undefined) return;
		clearTimer(timer);
		timer = undefined;
	};

	const schedule = () => {
		if (disposed) return;
		const flood = !newsQueued && (flooding || linesSinceNotify > FLOOD_LINES);
		const due = Math.max(lastNotify + (flood ? floodIntervalMs : intervalMs), holdUntil);
		if (timer !== undefined) {
			if (timerDue === due) return;
			cancelTimer();
		}
		timerDue = due;
		timer = setTimer(
			() => {
				timer = undefined;
				foldQueue();
				if (dirty) notify();
			},
			Math.max(0, due - now()),
		);
	};

	// A stack's own events (stack/...) are news like any other; only the core's types matter here.
	const holdFor = (event: SupervisorEvent) => {
		if (event.type === 'run/stop-requested' && event.reason !== 'quit') holdUntil = now() + restartHoldMs;
		else if (event.type === 'run/spawned' || event.type === 'run/spawn-failed' || (event.type === 'run/exited' && !event.restarting)) holdUntil = -Infinity;
	};

	return {
		getState: () => state,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		ingest(input) {
			queue.push(input);
			const event = input as unknown as SupervisorEvent;
			holdFor(event);
			if (event.type === 'run/output') linesSinceNotify += event.lines.length;
			else newsQueued = true;
			// A long queue is folded early (without a render) so memory stays flat if frames fall behind.
			if (queue.length >= MAX_QUEUE) foldQueue();
			schedule();
		},
		dispatch(action) {
			cancelTimer();
			foldQueue();
			const next = folds.reduce(state, action);
			if (next !== state) {
				state = next;
				dirty = true;
			}
			if (dirty) notify();
		},
		flush() {
			cancelTimer();
			foldQueue();
			if (dirty) notify();
		},
		dispose() {
			disposed = true;
			cancelTimer();
		},
	};
};
