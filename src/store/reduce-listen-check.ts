// Folds the socket handoff (`--listen`) and pre-restart check events into the view model. Runs
// after reduceEvent on every event, so it also sees the spawns and stops that reset what it keeps.
// Pure: time comes from the event's `at`.

import {describeNotTaken} from '../listen/listen-advice.js';
import type {SupervisorEvent, SupervisorEventOf} from '../supervisor/events.js';
import {appendLines, cleanLine} from './log-buffer.js';
import type {CheckState, DashboardState, SocketState} from './state.js';
import {describeExit} from '../describe-exit.js';

/** Whether connections that wait now are waiting for a restart: no instance is serving yet. */
const restartUnderway = (state: DashboardState): boolean =>
	state.supervisor !== 'running' || state.stop !== undefined || state.readyPid === undefined || state.readyPid !== state.pid;

const foldSockets = (state: DashboardState, sockets: SocketState, event: SupervisorEvent): SocketState => {
	switch (event.type) {
		case 'socket/taken':
			return {...sockets, takenBy: {pid: event.pid, names: event.names, at: event.at}};
		case 'socket/waiting':
			return {
				...sockets,
				waiting: event.waiting,
				peakWaiting: restartUnderway(state) ? Math.max(sockets.peakWaiting, event.waiting) : sockets.peakWaiting,
			};
		case 'socket/not-taken':
			return {...sockets, notTakenBy: {pid: event.pid, reason: event.reason}};
		case 'run/spawned': {
			// Each instance says for itself that it took the sockets.
			const {takenBy: _taken, notTakenBy: _notTaken, ...rest} = sockets;
			return rest;
		}
		case 'run/stop-requested':
			// A new restart: its own peak, counting whatever already waits.
			return {...sockets, peakWaiting: sockets.waiting};
		default:
			return sockets;
	}
};

const failedLine = ({failure}: SupervisorEventOf<'check/failed'>): string => {
	const blamed = failure.blamed.length > 0 ? ` · ${failure.blamed.join(', ')}` : '';
	const interpreter = failure.interpreter ? ` with ${failure.interpreter}` : '';
	return `✗ check failed: ${failure.check}${interpreter} (${describeExit(failure.exitCode, failure.signal)})${blamed}`;
};

const notTakenLine = (event: SupervisorEventOf<'socket/not-taken'>): string => `✗ ${describeNotTaken(event)}`;

const foldCheck = (check: CheckState | undefined, event: SupervisorEvent): CheckState | undefined => {
	switch (event.type) {
		case 'check/started':
			return {status: 'running', checks: event.checks, files: event.files, startedAt: event.at};
		case 'check/passed':
			return {
				status: 'passed',
				checks: check?.checks ?? [],
				files: check?.files ?? [],
				startedAt: check?.startedAt ?? event.at - event.durationMs,
				durationMs: event.durationMs,
			};
		case 'check/failed':
			return {
				status: 'failed',
				checks: check?.checks ?? [event.failure.check],
				files: event.files,
				startedAt: check?.startedAt ?? event.at - event.durationMs,
				durationMs: event.durationMs,
				failure: {...event.failure, output: event.failure.output.map(cleanLine)},
				at: event.at,
				appStopped: event.appStopped ?? false,
			};
		case 'check/cancelled':
			return check?.status === 'running' ? {...check, status: 'cancelled', reason: event.reason} : check;
		case 'run/spawned':
			// A new instance runs: a finished check (a failure included) belongs to the code before it.
			return check?.status === 'running' ? check : undefined;
		default:
			return check;
	}
};

export const reduceListenCheck = (state: DashboardState, event: SupervisorEvent): DashboardState => {
	if (event.type === 'socket/listening') {
		const line = `⇄ holding ${event.sockets.map(socket => `${socket.address} (fd ${socket.fd})`).join(', ')} for the app`;
		return {...state, sockets: {held: event.sockets, waiting: 0, peakWaiting: 0}, logs: appendLines(state.logs, 'devtui', [line])};
	}
	let next = state;
	if (state.sockets) {
		const sockets = foldSockets(state, state.sockets, event);
		if (sockets !== state.sockets) next = {...next, sockets};
	}
	const check = foldCheck(state.check, event);
	if (check !== state.check) {
		const {check: _old, ...rest} = next;
		next = check === undefined ? rest : {...rest, check};
	}
	if (event.type === 'socket/not-taken') return {...next, logs: appendLines(next.logs, 'devtui', [notTakenLine(event)])};
	return event.type === 'check/failed' ? {...next, logs: appendLines(next.logs, 'devtui', [failedLine(event)])} : next;
};
