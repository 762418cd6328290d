// What a service's own events say about it as somebody's dependency, and what its dependents
// therefore wait for. Pure: the stack folds each service's events with `foldStatus` and asks
// `unmetWaits` before it starts (or cascades) a dependent.
//
// The conditions, as process-compose names them, judged on the dependency's latest instance:
// - started: it was spawned, and has not crashed since;
// - ready: it showed it is ready (app/ready), or devtui gave up looking for a sign
//   (app/readiness-unknown, 10 s after the spawn): the instance then counts as started with
//   readiness unknown, as in its own timeline, rather than holding the stack up for ever;
// - completed: it exited by itself with code 0.
// An instance that crashed (or could not be spawned) leaves its dependents waiting with
// `failed`: only a new instance of it, after a change or a restart, can meet the condition.
// An instance devtui stopped (a restart, `k`) is simply not there: its dependents wait for the next.

import type {SupervisorEvent} from '../supervisor/events.js';
import type {Dependency, DependencyCondition, DependencyWait} from './stack-types.js';

export interface DependencyStatus {
	spawned: boolean;
	ready: boolean;
	/** `ready` only because devtui stopped waiting for a sign (app/readiness-unknown). */
	readyUnknown?: boolean;
	/** How the latest instance ended by itself, if it did. */
	exit: 'clean' | 'failed' | undefined;
}

export const initialStatus: DependencyStatus = {spawned: false, ready: false, exit: undefined};

export const foldStatus = (status: DependencyStatus, event: SupervisorEvent): DependencyStatus => {
	switch (event.type) {
		case 'run/spawned':
			return {spawned: true, ready: false, exit: undefined};
		case 'app/ready':
			return status.spawned && status.exit === undefined ? {...status, ready: true, readyUnknown: false} : status;
		case 'app/readiness-unknown':
			return status.spawned && status.exit === undefined && !status.ready ? {...status, ready: true, readyUnknown: true} : status;
		case 'run/spawn-failed':
			return {spawned: false, ready: false, exit: 'failed'};
		case 'run/exited':
			if (event.byDevtui) return initialStatus;
			return {...status, exit: event.code === 0 ? 'clean' : 'failed'};
		case 'run/crashed':
			return {...status, exit: 'failed'};
		default:
			return status;
	}
};

export const conditionMet = (status: DependencyStatus, condition: DependencyCondition): boolean => {
	switch (condition) {
		case 'started':
			return status.spawned && status.exit !== 'failed';
		case 'ready':
			return status.ready && status.exit !== 'failed';
		case 'completed':
			return status.exit === 'clean';
	}
};

/** What still stands between a service and its start, in its `dependsOn` order; empty: it may start. */
export const unmetWaits = (
	dependsOn: Readonly<Record<string, Dependency>>,
	statusOf: (service: string) => DependencyStatus,
): DependencyWait[] =>
	Object.entries(dependsOn).flatMap(([service, {condition}]) => {
		const status = statusOf(service);
		if (conditionMet(status, condition)) return [];
		return [status.exit === 'failed' ? {service, condition, failed: true} : {service, condition}];
	});

export const sameWaits = (a: readonly DependencyWait[], b: readonly DependencyWait[]): boolean =>
	a.length === b.length &&
	a.every((wait, index) => wait.service === b[index]!.service && wait.condition === b[index]!.condition && Boolean(wait.failed) === Boolean(b[index]!.failed));
