// Whether one service is ready in the sense of `devtui ctl wait-ready`: every change it had seen
// when the wait began has reached an instance, and that instance is ready (or started, readiness
// unknown, or exited 0). Or why it cannot become so without someone acting (it crashed, its check
// failed, it is held), or what it is still waiting for. Pure.

import {formatDuration} from '../format-duration.js';
import type {ReadyFailure} from './ctl-protocol.js';
import type {ServiceFold} from './service-status.js';
import {describeExit} from '../describe-exit.js';

export type ReadyVerdict =
	| {kind: 'ready'}
	| {kind: 'waiting'; why: string}
	| {kind: 'failed'; failure: ReadyFailure};

const instance = (fold: ServiceFold): string =>
	`restart #${fold.status.restarts}${fold.status.pid === null ? '' : `, pid ${fold.status.pid}`}`;

const plural = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;

/**
 * `target`: the `seen` count the caller waits to see applied (what it was when the wait began, or
 * later while the wait still takes in changes).
 */
export const readyVerdict = (fold: ServiceFold, target: number): ReadyVerdict => {
	const {status} = fold;
	const name = status.name;
	const failed = (failure: Omit<ReadyFailure, 'service'>): ReadyVerdict => ({kind: 'failed', failure: {service: name, ...failure}});
	if (fold.applied < target) {
		if (status.collecting) return {kind: 'waiting', why: `${name} is still collecting changes`};
		if (status.checking) return {kind: 'waiting', why: `${name}'s changes are being checked`};
		const checkFailure = status.checkFailure;
		if (checkFailure && fold.checkFailedAt >= fold.seen) {
			const {failure} = checkFailure;
			return failed({
				reason: 'check-failed',
				message: `${name}: check failed (${failure.check}: ${describeExit(failure.exitCode, failure.signal)}); ${status.pid === null ? 'the app is down' : `pid ${status.pid} keeps running the code from before`}`,
				detail: failure.output,
				hint: 'fix the code and save; devtui checks it again',
			});
		}
		if (status.held) {
			return failed({
				reason: 'held',
				message: `${name}: restarts are held with ${plural(status.pending.length, 'pending change')}`,
				detail: status.pending.map(file => `${file.path} (${file.kind})`),
				hint: `devtui ctl release ${name}`,
			});
		}
		return {kind: 'waiting', why: `${name} is restarting for its changes (${status.state})`};
	}
	const waits = status.waitingFor;
	if (waits.length > 0) {
		const broken = waits.filter(wait => wait.failed);
		if (broken.length > 0) {
			return failed({
				reason: 'dependency-failed',
				message: `${name}: waits for ${broken.map(wait => wait.service).join(', ')}, which ${broken.length === 1 ? 'is' : 'are'} down`,
				detail: [],
				hint: `devtui ctl wait-ready ${broken.map(wait => wait.service).join(' ')}`,
			});
		}
		return {kind: 'waiting', why: `${name} waits for ${waits.map(wait => `${wait.service} (${wait.condition})`).join(', ')}`};
	}
	if (status.state === 'starting' || status.state === 'idle') return {kind: 'waiting', why: `${name} is starting`};
	if (status.state === 'stopping') return {kind: 'waiting', why: `${name} is stopping (${instance(fold)})`};
	if (status.spawnFailure) {
		return failed({reason: 'spawn-failed', message: `${name}: could not start: ${status.spawnFailure.message}`, detail: []});
	}
	if (status.readiness === 'ready' || status.readiness === 'started') return {kind: 'ready'};
	if (status.readiness === 'booting') return {kind: 'waiting', why: `${name} is booting (${instance(fold)})`};
	const {crash, exit} = status;
	if (crash && crash.restart === status.restarts) {
		const after = `after ${formatDuration(crash.uptimeMs)}`;
		const next = crash.restartInMs === undefined ? '' : `; devtui restarts it in ${formatDuration(crash.restartInMs)}`;
		return failed({
			reason: 'crashed',
			message: `${name}: crashed (${describeExit(crash.code, crash.signal)}) ${after}, restart #${crash.restart}, pid ${crash.pid}${next}`,
			detail: crash.stderrTail,
			hint: `devtui ctl logs ${name}`,
		});
	}
	// A service that ran to completion by itself (a migration, a build step) did what it was for.
	if (exit && !exit.byDevtui && exit.code === 0) return {kind: 'ready'};
	// A failed exit by itself is reported by run/crashed, which follows run/exited: wait for it.
	if (exit && exit.byDevtui && !exit.restarting) {
		return failed({reason: 'stopped', message: `${name}: stopped (${describeExit(exit.code, exit.signal)}) and not restarting`, detail: [], hint: `devtui ctl restart ${name}`});
	}
	return {kind: 'waiting', why: `${name} is ${status.state}`};
};
