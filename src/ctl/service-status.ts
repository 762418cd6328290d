// Folds one service's events into what `devtui ctl` reports about it: its state, pid, restarts,
// readiness, hold, pending changes, the last crash or failed check, and its restart timelines
// (the session's own fold, src/timeline/restart-timeline.ts, run once more per service here so the
// timeline in progress is known too). Pure: (fold, event) -> fold.
//
// Beside the status it counts changes: `seen` goes up with every batch that counts (and every
// restart asked for through ctl), and `applied` is what `seen` was when the newest instance took
// the pending changes (the supervisor hands an instance everything pending at its start). So
// "the changes seen so far have reached an instance" is `applied >= seen`.

import type {ChangedFile, CheckFailure, ReadySign, RestartTimeline, SupervisorEvent, SupervisorState} from '../supervisor/events.js';
import {mergeFiles} from '../supervisor/merge-files.js';
import type {DependencyWait} from '../stack/stack-types.js';
import {foldTimeline, initialTimelineState, type TimelineState} from '../timeline/restart-timeline.js';

/**
 * The newest instance: 'booting' until a sign of readiness; 'ready' with one; 'started' when devtui
 * stopped waiting for one (app/readiness-unknown: it runs, readiness unknown); 'down' once it exited
 * (or before the first start).
 */
export type Readiness = 'booting' | 'ready' | 'started' | 'down';

export interface CrashReport {
	at: number;
	pid: number;
	restart: number;
	code: number | null;
	signal: string | null;
	uptimeMs: number;
	stderrTail: string[];
	/** --restart-on-crash: when the next start comes. */
	restartInMs?: number;
}

export interface ServiceStatus {
	name: string;
	state: SupervisorState;
	/** The running instance's pid (also while it stops); null when none runs. */
	pid: number | null;
	/** The newest instance's restart number (0: the first start); -1 before the first start. */
	restarts: number;
	readiness: Readiness;
	/** How the newest instance showed it was ready. */
	readySign: ReadySign | null;
	/** Automatic restarts are held (`p`, `devtui ctl hold`). */
	held: boolean;
	/** Changes seen that no instance runs yet (held, being checked, or failed their check). */
	pending: ChangedFile[];
	/** A batch of changes is still being collected (the debounce has not closed it). */
	collecting: boolean;
	/** A pre-restart check is running. */
	checking: boolean;
	/** The newest check failure, until a check passes or an instance starts. */
	checkFailure: {at: number; failure: CheckFailure; files: ChangedFile[]} | null;
	/** The newest instance's crash (null once another instance starts). */
	crash: CrashReport | null;
	/** The newest start could not spawn the command at all. */
	spawnFailure: {at: number; message: string} | null;
	/** The newest instance's exit, when it exited (a crash, a clean exit, a kill). */
	exit: {at: number; code: number | null; signal: string | null; byDevtui: boolean; restarting: boolean} | null;
	/** When the newest instance was spawned. */
	startedAt: number | null;
	/** What the service waits for before it can start (a stack's dependencies). */
	waitingFor: DependencyWait[];
	/** The newest restart that finished (ready, started, crashed, check failed...). */
	lastRestart: RestartTimeline | null;
	/** The restart under way, if one is. */
	restartInProgress: RestartTimeline | null;
}

export interface ServiceFold {
	status: ServiceStatus;
	/** Batches that counted, plus restarts asked for through ctl. */
	seen: number;
	/** `seen` as it was when the newest instance took the pending changes. */
	applied: number;
	/** `seen` when the newest start began (it becomes `applied` once that start is reported). */
	starting: number;
	/** `seen` when the newest check failure came: it still stands only while no change followed. */
	checkFailedAt: number;
	timeline: TimelineState;
}

export const initialServiceFold = (name: string): ServiceFold => ({
	status: {
		name,
		state: 'idle',
		pid: null,
		restarts: -1,
		readiness: 'down',
		readySign: null,
		held: false,
		pending: [],
		collecting: false,
		checking: false,
		checkFailure: null,
		crash: null,
		spawnFailure: null,
		exit: null,
		startedAt: null,
		waitingFor: [],
		lastRestart: null,
		restartInProgress: null,
	},
	seen: 0,
	applied: 0,
	starting: 0,
	checkFailedAt: -1,
	timeline: initialTimelineState,
});

/** A restart asked for through ctl: like a change, the next instance is what the caller waits for. */
export const restartRequested = (fold: ServiceFold): ServiceFold => ({...fold, seen: fold.seen + 1});

const withTimeline = (fold: ServiceFold, event: SupervisorEvent): ServiceFold => {
	const timeline = foldTimeline(fold.timeline, event);
	if (timeline === fold.timeline) return fold;
	return {
		...fold,
		timeline,
		status: {
			...fold.status,
			...(timeline.completed ? {lastRestart: timeline.completed} : {}),
			restartInProgress: timeline.current ?? null,
		},
	};
};

const foldStatus = (fold: ServiceFold, event: SupervisorEvent): ServiceFold => {
	const status = fold.status;
	const set = (patch: Partial<ServiceStatus>, counts: Partial<Omit<ServiceFold, 'status' | 'timeline'>> = {}): ServiceFold => ({
		...fold,
		...counts,
		status: {...status, ...patch},
	});
	switch (event.type) {
		case 'supervisor/state':
			// The start takes everything pending now; a batch that closes while it spawns is for the next one.
			if (event.state === 'starting') return set({state: event.state}, {starting: fold.seen});
			return set({state: event.state});
		case 'supervisor/held':
			return set({held: event.held, pending: mergeFiles(status.pending, event.pending)});
		case 'watch/batch':
			return set({collecting: event.open});
		case 'watch/changed':
			return set({pending: mergeFiles(status.pending, event.files)}, {seen: fold.seen + 1});
		case 'check/started':
			return set({checking: true});
		case 'check/passed':
			return set({checking: false, checkFailure: null});
		case 'check/cancelled':
			return set({checking: false});
		case 'check/failed':
			return set({checking: false, checkFailure: {at: event.at, failure: event.failure, files: event.files}}, {checkFailedAt: fold.seen});
		case 'run/spawned':
			return set(
				{
					pid: event.pid,
					restarts: event.restart,
					readiness: 'booting',
					readySign: null,
					pending: [],
					checkFailure: null,
					crash: null,
					spawnFailure: null,
					exit: null,
					startedAt: event.at,
				},
				{applied: fold.starting},
			);
		case 'run/spawn-failed':
			return set({pid: null, readiness: 'down', pending: [], spawnFailure: {at: event.at, message: event.message}, crash: null, exit: null}, {applied: fold.starting});
		case 'app/ready': {
			if (event.restart !== status.restarts || status.readiness === 'down') return fold;
			const {source, port, address, held} = event;
			return set({readiness: 'ready', readySign: {source, ...(port === undefined ? {} : {port}), ...(address === undefined ? {} : {address}), ...(held ? {held} : {})}});
		}
		case 'app/readiness-unknown':
			return event.restart === status.restarts && status.readiness === 'booting' ? set({readiness: 'started'}) : fold;
		case 'run/exited':
			if (event.pid !== status.pid) return fold;
			return set({pid: null, readiness: 'down', exit: {at: event.at, code: event.code, signal: event.signal, byDevtui: event.byDevtui, restarting: event.restarting}});
		case 'run/crashed':
			return set({
				crash: {
					at: event.at,
					pid: event.pid,
					restart: status.restarts,
					code: event.code,
					signal: event.signal,
					uptimeMs: event.uptimeMs,
					stderrTail: event.stderrTail,
					...(event.restartInMs === undefined ? {} : {restartInMs: event.restartInMs}),
				},
			});
		default:
			return fold;
	}
};

export const foldServiceEvent = (fold: ServiceFold, event: SupervisorEvent): ServiceFold => withTimeline(foldStatus(fold, event), event);

/** A stack's word on what the service waits for (an empty list: nothing any more). */
export const waitingFor = (fold: ServiceFold, waits: DependencyWait[]): ServiceFold => ({...fold, status: {...fold.status, waitingFor: waits}});
