// Folds one core event into the view model. Pure: time comes from the event's `at`.

import type {RestartTimeline, SupervisorEvent} from '../supervisor/events.js';
import {foldTimeline} from '../timeline/restart-timeline.js';
import {displayPath, formatMs} from './format.js';
import {appendLines, cleanLine} from './log-buffer.js';
import {reduceListenCheck} from './reduce-listen-check.js';
import {addSetAside, setAsideLine, setAsideOf} from './set-aside.js';
import {HISTORY_CAP, type DashboardState, type HistoryEntry} from './state.js';
import {describeExit} from '../describe-exit.js';

const mark = (state: DashboardState, line: string): DashboardState => ({...state, logs: appendLines(state.logs, 'devtui', [line])});

/** `readinessUnknown`: nothing told when the instance served, so no start time is claimed. */
export const historyEntry = (timeline: RestartTimeline, readinessUnknown = false): HistoryEntry => {
	const spawn = timeline.phases.find(phase => phase.name === 'spawn' && phase.source === 'devtui');
	const startMs = spawn && timeline.totalMs !== undefined && !readinessUnknown ? Math.max(0, timeline.totalMs - spawn.startMs) : undefined;
	return {
		restart: timeline.restart,
		at: timeline.startedAt,
		trigger: timeline.trigger,
		...(timeline.stopMs === undefined ? {} : {stopMs: timeline.stopMs}),
		...(startMs === undefined ? {} : {startMs}),
		...(timeline.totalMs === undefined ? {} : {totalMs: timeline.totalMs}),
		...(readinessUnknown ? {readinessUnknown: true as const} : {}),
		forced: timeline.forced,
		...(timeline.interruptedPhase === undefined ? {} : {interruptedPhase: timeline.interruptedPhase}),
		outcome: timeline.outcome,
	};
};

// devtui has stopped waiting for a sign that the instance serves: for what depends on it (the socket
// backlog, the clock) the instance is up, and the header says "started", never "ready". The first
// start says why once, with the options that would tell.
const unknownReadiness = (state: DashboardState, pid: number, restart: number): DashboardState => {
	const next = {...state, readyPid: pid, readinessUnknown: {pid, restart}};
	return restart === 0
		? mark(next, `● pid ${pid} started; nothing tells when it serves (no client, no port it listens on): readiness unknown (--ready-port or --ready-pattern tell devtui)`)
		: next;
};

const reduceEvent = (state: DashboardState, event: SupervisorEvent): DashboardState => {
	switch (event.type) {
		case 'watch/ready':
			return {...state, watchPaths: event.paths.map(file => displayPath(file, state.cwd)), polling: event.polling, watchReady: true};
		case 'watch/error':
			return {...state, notice: {level: 'warn', text: `watcher: ${event.message}`, at: event.at}};
		case 'supervisor/error':
			return {...state, notice: {level: 'error', text: event.message, at: event.at}};
		case 'channel/problem':
			return {...state, notice: {level: 'warn', text: `${event.channel === 'notify' ? 'NOTIFY_SOCKET' : 'control channel'}: ${event.message}`, at: event.at}};
		case 'watch/changed':
			return {...state, batch: {files: event.files, at: event.firstChangeAt}};
		case 'supervisor/state':
			return {...state, supervisor: event.state};
		case 'supervisor/held':
			return {...state, held: event.held, pending: event.held ? event.pending : []};
		case 'run/spawned': {
			const {stop: _stop, crash: _crash, spawnFailure: _failure, readinessUnknown: _unknown, statusLine: _status, ...rest} = state;
			const line = event.restart === 0 ? `▶ started pid ${event.pid}: ${event.command.join(' ')}` : `▶ restart #${event.restart} · pid ${event.pid}`;
			return mark({...rest, pid: event.pid, startedAt: event.at, restart: event.restart}, line);
		}
		case 'run/spawn-failed':
			return mark({...state, spawnFailure: {message: event.message, at: event.at}}, `✗ cannot start ${event.command.join(' ')}: ${event.message}`);
		case 'run/signal-sent':
			return {...state, stop: {pid: event.pid, signal: event.signal, signalAt: event.at, deadline: event.deadline, timeoutMs: event.timeoutMs}};
		case 'app/extend':
			return state.stop ? {...state, stop: {...state.stop, deadline: event.deadline}} : state;
		case 'run/force-killed': {
			const stop = state.stop ?? {pid: event.pid, signal: 'SIGKILL', signalAt: event.at, deadline: event.at, timeoutMs: 0};
			return {...state, stop: {...stop, forced: {reason: event.reason, at: event.at}}};
		}
		case 'run/exited': {
			const {stop: _stop, ...rest} = state;
			const next = event.pid === state.pid ? rest : {...state};
			if (event.byDevtui) {
				return mark(next, `■ pid ${event.pid} stopped in ${formatMs(event.stopMs ?? 0)}${event.forced ? ' (force-killed)' : ''}`);
			}
			return event.code === 0 ? mark(next, `■ app exited (${describeExit(event.code, event.signal)}) after ${formatMs(event.uptimeMs)}`) : next;
		}
		case 'run/crashed': {
			const crash = {
				pid: event.pid,
				code: event.code,
				signal: event.signal,
				uptimeMs: event.uptimeMs,
				stderrTail: event.stderrTail.map(cleanLine),
				at: event.at,
				...(event.restartInMs === undefined ? {} : {restartAt: event.at + event.restartInMs}),
			};
			return mark({...state, crash}, `✗ crashed (${describeExit(event.code, event.signal)}) after ${formatMs(event.uptimeMs)}`);
		}
		case 'run/output':
			return {...state, logs: appendLines(state.logs, event.stream, event.lines)};
		case 'app/ready': {
			if (event.pid !== state.pid) return state;
			const {readinessUnknown: _unknown, ...rest} = state;
			return {...rest, readyPid: event.pid};
		}
		case 'app/readiness-unknown':
			return event.pid === state.pid ? unknownReadiness(state, event.pid, event.restart) : state;
		case 'app/status':
			return event.pid === state.pid ? {...state, statusLine: {pid: event.pid, text: cleanLine(event.status)}} : state;
		case 'app/hello':
			// As headless: the first start's connection; every restart's would only repeat it.
			return event.restart === 0 ? mark(state, `⇆ pid ${event.pid} connected (${event.client} client)`) : state;
		case 'watch/feedback-loop': {
			const entry = setAsideOf(event);
			const text = `${entry.file} set aside: the app writes it itself`;
			return mark({...state, setAside: addSetAside(state.setAside, entry), notice: {level: 'warn', text, at: event.at}}, setAsideLine(entry));
		}
		case 'warm/mode':
			return {...state, warm: {interpreter: event.interpreter, preload: event.preload}};
		case 'devtui/notice':
			return mark(state, `» ${event.message}`);
		case 'state/validated': {
			const {invalid: _invalid, ...persisted} = state.persisted;
			return {
				...state,
				persisted: {...persisted, bytes: event.bytes, keys: event.keys, changedKeys: event.changedKeys, snapshot: event.snapshot, validatedAt: event.at},
			};
		}
		case 'state/invalid': {
			const {restored: _restored, ...persisted} = state.persisted;
			return {...state, persisted: {...persisted, invalid: {reason: event.reason, message: event.message, at: event.at}}};
		}
		case 'state/restored': {
			const restored = {snapshot: event.snapshot, reason: event.reason, at: event.at};
			// The keys that changed belong to the save that was replaced; the tree now shows the snapshot.
			const next = {...state, persisted: {...state.persisted, restored, changedKeys: []}};
			if (event.reason !== 'rollback') return next;
			const {chosenSnapshot: _chosen, ...rest} = next;
			return rest;
		}
		case 'restart/completed': {
			const unknown = state.readinessUnknown?.restart === event.timeline.restart && event.timeline.outcome !== 'crashed';
			return {...state, last: event.timeline, history: [historyEntry(event.timeline, unknown), ...state.history].slice(0, HISTORY_CAP)};
		}
		case 'devtui/quitting':
			return {...state, quitting: {force: event.force || state.quitting !== undefined}};
		default:
			return state;
	}
};

export const reduceSupervisorEvent = (state: DashboardState, event: SupervisorEvent): DashboardState => {
	const timeline = foldTimeline(state.timeline, event);
	// Completed timelines arrive as their own restart/completed event; only the one in progress is kept.
	const live = timeline.completed ? {current: timeline.current, completed: undefined} : timeline;
	const next = reduceListenCheck(reduceEvent(state, event), event);
	return {...next, now: Math.max(next.now, event.at), timeline: live};
};
