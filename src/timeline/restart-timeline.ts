// Folds the event stream into one timeline per restart: devtui's own phases (check, signal, waiting
// for exit, force kill, state check, spawn, boot) beside the app's (api_server, runtime_loop, ...),
// each with its offset and duration, and the total from the change to "ready". Pure, so headless
// mode, --json and the dashboard all show the same numbers.
//
// An instance that gives no sign of readiness completes as 'started' (readiness unknown) when
// devtui stops waiting (app/readiness-unknown), or when it is stopped or exits cleanly before any
// sign: its total ends at the spawn and it has no boot phase, since nobody saw it boot.

import type {RestartTimeline, SupervisorEvent, TimelinePhase} from '../supervisor/events.js';
import {describeExit} from '../describe-exit.js';

export interface TimelineState {
	current: RestartTimeline | undefined;
	/** Set on the event that completed a timeline; cleared by the next event. */
	completed: RestartTimeline | undefined;
	/**
	 * A restart whose checks run while `current` (the previous restart) is still booting; it becomes
	 * `current` when that one completes, so it is never set together with `completed`.
	 */
	next?: RestartTimeline;
	/** --warm: spawn to ready of the last cold start, shown beside each warm one. */
	lastColdMs?: number;
}

export const initialTimelineState: TimelineState = {current: undefined, completed: undefined};

const offset = (timeline: RestartTimeline, at: number): number => Math.max(0, at - timeline.startedAt);

const startPhase = (timeline: RestartTimeline, name: string, source: TimelinePhase['source'], at: number): RestartTimeline => ({
	...timeline,
	phases: [...timeline.phases, {name, source, startMs: offset(timeline, at), durationMs: undefined, outcome: 'running'}],
});

// Ends the latest running phase with this name (or every running devtui phase when name is '*').
const endPhase = (
	timeline: RestartTimeline,
	name: string,
	at: number,
	outcome: TimelinePhase['outcome'],
	error?: string,
): RestartTimeline => {
	const index = timeline.phases.findLastIndex(phase => phase.name === name && phase.outcome === 'running');
	if (index === -1) return timeline;
	const phases = [...timeline.phases];
	const phase = phases[index]!;
	phases[index] = {...phase, durationMs: offset(timeline, at) - phase.startMs, outcome, ...(error ? {error} : {})};
	return {...timeline, phases};
};

const closeRunning = (timeline: RestartTimeline, at: number, outcome: TimelinePhase['outcome']): RestartTimeline => ({
	...timeline,
	phases: timeline.phases.map(phase =>
		phase.outcome === 'running' ? {...phase, durationMs: offset(timeline, at) - phase.startMs, outcome} : phase,
	),
});

const complete = (timeline: RestartTimeline, at: number, outcome: RestartTimeline['outcome']): TimelineState => {
	const done = {...closeRunning(timeline, at, outcome === 'ready' ? 'ok' : 'failed'), totalMs: offset(timeline, at), outcome};
	return {current: undefined, completed: done};
};

// Started, readiness unknown: no boot phase (nobody saw it end), the total up to the spawn.
const completeStarted = (timeline: RestartTimeline, at: number): RestartTimeline => {
	const phases = timeline.phases.filter(phase => !(phase.name === 'boot' && phase.source === 'devtui' && phase.outcome === 'running'));
	const spawn = phases.findLast(phase => phase.name === 'spawn' && phase.source === 'devtui');
	const totalMs = spawn ? spawn.startMs + (spawn.durationMs ?? 0) : offset(timeline, at);
	return {...timeline, phases, totalMs, outcome: 'started'};
};

// The new instance of this timeline runs and has not shown it is ready yet.
const booting = (timeline: RestartTimeline | undefined): timeline is RestartTimeline =>
	timeline !== undefined && timeline.restart !== -1 && timeline.phases.some(phase => phase.name === 'boot' && phase.outcome === 'running');

const newTimeline = (trigger: RestartTimeline['trigger'], files: RestartTimeline['files'], startedAt: number): RestartTimeline => ({
	restart: -1,
	trigger,
	files,
	startedAt,
	phases: [],
	forced: false,
	outcome: 'in-progress',
});

// Moves the start earlier (to the first change), keeping every phase where it was in time.
const startEarlier = (timeline: RestartTimeline, at: number): RestartTimeline => {
	const startedAt = Math.min(timeline.startedAt, at);
	const shift = timeline.startedAt - startedAt;
	return shift === 0 ? timeline : {...timeline, startedAt, phases: timeline.phases.map(phase => ({...phase, startMs: phase.startMs + shift}))};
};

// A restart that has not started its new instance yet (the checks, the stop): it may take a check.
const preparing = (timeline: RestartTimeline | undefined): timeline is RestartTimeline => timeline !== undefined && timeline.restart === -1;

// Where the checks' phase goes: the restart being prepared, or `next` while `current` still boots.
const checkTarget = (state: TimelineState): 'current' | 'next' => (state.current && !preparing(state.current) ? 'next' : 'current');

const foldCheck = (state: TimelineState, event: SupervisorEvent): TimelineState => {
	const where = state.next ? 'next' : 'current';
	const timeline = state[where];
	switch (event.type) {
		case 'check/started': {
			const into = checkTarget(state);
			const at = event.firstChangeAt ?? event.at;
			const base = startEarlier(state[into] ?? newTimeline('change', event.files, at), at);
			return {...state, [into]: startPhase({...base, files: event.files}, 'check', 'devtui', event.at)};
		}
		case 'check/passed':
			return timeline ? {...state, [where]: endPhase(timeline, 'check', event.at, 'ok')} : state;
		case 'check/cancelled':
			return timeline ? {...state, [where]: endPhase(timeline, 'check', event.at, 'interrupted')} : state;
		case 'check/failed': {
			if (!timeline) return state;
			const exit = describeExit(event.failure.exitCode ?? null, event.failure.signal ?? null);
			const failed = endPhase(timeline, 'check', event.at, 'failed', `${event.failure.check}: ${exit}`);
			const {completed} = complete(failed, event.at, 'check-failed');
			const {next: _next, ...keep} = state;
			return where === 'next' ? {...keep, current: state.current, completed} : {...keep, current: undefined, completed};
		}
		default:
			return state;
	}
};

export const foldTimeline = (state: TimelineState, event: SupervisorEvent): TimelineState => {
	const folded = foldEvent(state, event);
	// The restart that waited behind a booting one takes its place as soon as that one is done.
	if (folded.next && !folded.current) {
		const {next, ...rest} = folded;
		return {...rest, current: next};
	}
	return folded;
};

const foldEvent = (state: TimelineState, event: SupervisorEvent): TimelineState => {
	const base: TimelineState = state.completed ? {...state, completed: undefined} : state;
	const timeline = base.current;
	switch (event.type) {
		case 'check/started':
		case 'check/passed':
		case 'check/cancelled':
		case 'check/failed':
			return foldCheck(base, event);
		case 'run/stop-requested': {
			// The stop that follows a passed check continues that restart's timeline.
			const {next, ...rest} = base;
			const checked = next ?? (preparing(timeline) && timeline.stopMs === undefined && timeline.phases.some(phase => phase.name === 'check') ? timeline : undefined);
			// An instance stopped before it showed any sign of readiness: it started, nothing more is known.
			const superseded = booting(timeline) ? {completed: completeStarted(timeline, event.at)} : {};
			return {
				...rest,
				...superseded,
				current: checked
					? {...checked, trigger: event.reason, files: event.files.length > 0 ? event.files : checked.files}
					: newTimeline(event.reason, event.files, event.at),
			};
		}
		case 'watch/changed': {
			if (!preparing(timeline)) return base;
			const moved = startEarlier(timeline, event.firstChangeAt);
			return {...base, current: {...moved, files: event.files.length > 0 ? event.files : timeline.files}};
		}
		case 'run/signal-sent':
			if (!timeline) return base;
			return {...base, current: startPhase(endPhase(startPhase(timeline, 'signal', 'devtui', event.at), 'signal', event.at, 'ok'), 'wait for exit', 'devtui', event.at)};
		case 'app/phase': {
			if (!timeline) return base;
			if (event.event === 'start') return {...base, current: startPhase(timeline, event.name, 'app', event.at)};
			return {...base, current: endPhase(timeline, event.name, event.at, event.ok === false ? 'failed' : 'ok', event.error)};
		}
		case 'run/force-killed': {
			if (!timeline) return base;
			const interrupted = timeline.phases.findLast(phase => phase.source === 'app' && phase.outcome === 'running');
			let next = endPhase(timeline, 'wait for exit', event.at, event.reason === 'timeout' ? 'interrupted' : 'ok');
			if (interrupted) next = endPhase(next, interrupted.name, event.at, 'interrupted');
			next = startPhase(next, 'force kill', 'devtui', event.at);
			return {...base, current: {...next, forced: true, ...(interrupted ? {interruptedPhase: interrupted.name} : {})}};
		}
		case 'run/exited': {
			// An app that exits cleanly before any sign of readiness (a script, a one-off job) started, and that is all.
			if (!event.byDevtui && event.code === 0 && event.signal === null && booting(timeline) && timeline.restart === event.restart) {
				return {...base, current: undefined, completed: completeStarted(timeline, event.at)};
			}
			if (!timeline || !event.byDevtui) return base;
			const next = closeRunning(endPhase(endPhase(timeline, 'wait for exit', event.at, 'ok'), 'force kill', event.at, 'ok'), event.at, 'interrupted');
			const stopped = {...next, stopMs: event.stopMs};
			// A stop that no start follows (a kill, quitting) ends its timeline here.
			if (!event.restarting) return {...base, ...complete(stopped, event.at, 'stopped')};
			return {...base, current: startPhase(stopped, 'state check', 'devtui', event.at)};
		}
		case 'state/validated':
			return timeline ? {...base, current: endPhase(timeline, 'state check', event.at, 'ok')} : base;
		case 'state/invalid':
			return timeline ? {...base, current: endPhase(timeline, 'state check', event.at, 'failed', event.reason)} : base;
		case 'run/spawned': {
			const current: RestartTimeline = timeline ?? {
				restart: event.restart,
				trigger: 'start',
				files: [],
				startedAt: event.at - event.spawnMs,
				phases: [],
				forced: false,
				outcome: 'in-progress',
			};
			// A state check nobody reported (no state in use) is not a phase worth showing.
			const withoutIdle = {...current, phases: current.phases.filter(phase => !(phase.name === 'state check' && phase.outcome === 'running'))};
			const spawn: TimelinePhase = {name: event.warm ? 'go' : 'spawn', source: 'devtui', startMs: offset(withoutIdle, event.at - event.spawnMs), durationMs: event.spawnMs, outcome: 'ok'};
			const warm = event.warm
				? {warm: {...(base.lastColdMs === undefined ? {} : {coldMs: base.lastColdMs}), ...(event.warm.preloaded > 0 ? {preloaded: event.warm.preloaded} : {})}}
				: {};
			return {...base, current: startPhase({...withoutIdle, ...warm, restart: event.restart, phases: [...withoutIdle.phases, spawn]}, 'boot', 'devtui', event.at)};
		}
		case 'app/ready': {
			if (!timeline || timeline.restart !== event.restart) return base;
			// The boot ends where the sign was seen (bootMs after the spawn), which can be a little before
			// the event: a listening port seen before any hello waits a short grace for one.
			const boot = timeline.phases.findLast(phase => phase.name === 'boot' && phase.outcome === 'running');
			const readyAt = boot ? Math.min(event.at, timeline.startedAt + boot.startMs + event.bootMs) : event.at;
			const {source, port, address, held} = event;
			const readiness = {source, ...(port === undefined ? {} : {port}), ...(address === undefined ? {} : {address}), ...(held ? {held} : {})};
			// From the spawn (or the go) to ready: a cold start's cost, or a warm one's.
			const started = timeline.phases.findLast(phase => (phase.name === 'spawn' || phase.name === 'go') && phase.source === 'devtui');
			const startToReady = started ? Math.max(0, offset(timeline, readyAt) - started.startMs) : undefined;
			const warm = timeline.warm && startToReady !== undefined ? {warm: {...timeline.warm, goToReadyMs: startToReady}} : {};
			const lastColdMs = !timeline.warm && startToReady !== undefined ? startToReady : base.lastColdMs;
			return {
				...base,
				...(lastColdMs === undefined ? {} : {lastColdMs}),
				...complete({...endPhase(timeline, 'boot', readyAt, 'ok'), ...warm, readiness}, readyAt, 'ready'),
			};
		}
		case 'app/readiness-unknown':
			if (!booting(timeline) || timeline.restart !== event.restart) return base;
			return {...base, current: undefined, completed: completeStarted(timeline, event.at)};
		case 'run/crashed':
			return timeline && timeline.restart !== -1 ? {...base, ...complete(timeline, event.at, 'crashed')} : base;
		case 'run/spawn-failed':
			return timeline ? {...base, ...complete(timeline, event.at, 'spawn-failed')} : base;
		default:
			return base;
	}
};
