// Folds the event stream into one timeline per restart: devtui's own phases (signal, waiting for
// exit, force kill, state check, spawn, boot) beside the app's (api_server, runtime_loop, ...),
// each with its offset and duration, and the total from the change to "ready". Pure, so headless
// mode, --json and the dashboard all show the same numbers.

import type {RestartTimeline, SupervisorEvent, TimelinePhase} from '../supervisor/events.js';

export interface TimelineState {
	current: RestartTimeline | undefined;
	/** Set on the event that completed a timeline; cleared by the next event. */
	completed: RestartTimeline | undefined;
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

export const foldTimeline = (state: TimelineState, event: SupervisorEvent): TimelineState => {
	const base: TimelineState = state.completed ? {current: state.current, completed: undefined} : state;
	const timeline = base.current;
	switch (event.type) {
		case 'run/stop-requested':
			return {
				...base,
				current: {
					restart: -1,
					trigger: event.reason,
					files: event.files,
					startedAt: event.at,
					phases: [],
					forced: false,
					outcome: 'in-progress',
				},
			};
		case 'watch/changed': {
			if (!timeline || timeline.restart !== -1) return base;
			const startedAt = Math.min(timeline.startedAt, event.firstChangeAt);
			const shift = timeline.startedAt - startedAt;
			return {
				...base,
				current: {
					...timeline,
					startedAt,
					files: event.files.length > 0 ? event.files : timeline.files,
					phases: timeline.phases.map(phase => ({...phase, startMs: phase.startMs + shift})),
				},
			};
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
			if (!timeline || !event.byDevtui) return base;
			const next = closeRunning(endPhase(endPhase(timeline, 'wait for exit', event.at, 'ok'), 'force kill', event.at, 'ok'), event.at, 'interrupted');
			const stopped = {...next, stopMs: event.stopMs};
			// A stop that no start follows (a kill, quitting) ends its timeline here.
			if (!event.restarting) return complete(stopped, event.at, 'stopped');
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
			const spawn: TimelinePhase = {name: 'spawn', source: 'devtui', startMs: offset(withoutIdle, event.at - event.spawnMs), durationMs: event.spawnMs, outcome: 'ok'};
			return {...base, current: startPhase({...withoutIdle, restart: event.restart, phases: [...withoutIdle.phases, spawn]}, 'boot', 'devtui', event.at)};
		}
		case 'app/ready':
			if (!timeline || timeline.restart !== event.restart) return base;
			return complete(endPhase(timeline, 'boot', event.at, 'ok'), event.at, 'ready');
		case 'run/crashed':
			return timeline && timeline.restart !== -1 ? complete(timeline, event.at, 'crashed') : base;
		case 'run/spawn-failed':
			return timeline ? complete(timeline, event.at, 'spawn-failed') : base;
		default:
			return base;
	}
};
