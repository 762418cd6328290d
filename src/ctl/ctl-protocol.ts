// The wire format between `devtui ctl` and a running devtui: one NDJSON request per connection,
// then NDJSON responses until the server ends the connection. The client imports this file and
// the status types only, so it starts without loading any of devtui's core.

import type {ServiceStatus} from './service-status.js';

export const CTL_PROTOCOL = 1;

export type CtlRequest =
	| {v: number; verb: 'status'}
	| {v: number; verb: 'restart'; services: string[]; all: boolean}
	| {v: number; verb: 'hold'; service: string}
	| {v: number; verb: 'release'; service: string}
	| {v: number; verb: 'logs'; service: string; lines: number; follow: boolean}
	| {v: number; verb: 'wait-ready'; services: string[]; timeoutMs: number};

export type CtlVerb = CtlRequest['verb'];

export const CTL_VERBS: readonly CtlVerb[] = ['status', 'restart', 'hold', 'release', 'logs', 'wait-ready'];

/** One line of a service's output (or a mark devtui put between instances) as `logs` sends it. */
export type LogEntry =
	| {kind: 'line'; at: number; pid: number; restart: number; stream: 'stdout' | 'stderr'; line: string}
	| {kind: 'spawned'; at: number; pid: number; restart: number}
	| {kind: 'exited'; at: number; pid: number; restart: number; code: number | null; signal: string | null; crashed: boolean}
	/** A follower read slower than the service wrote: this many entries were skipped. */
	| {kind: 'dropped'; at: number; count: number};

/** Why a service is not ready, when waiting cannot make it so. */
export interface ReadyFailure {
	service: string;
	reason: 'crashed' | 'spawn-failed' | 'check-failed' | 'held' | 'stopped' | 'dependency-failed';
	/** One line: what happened. */
	message: string;
	/** What to read: the stderr tail, or the check's output. */
	detail: string[];
	/** What to run about it, when there is one thing to run. */
	hint?: string;
}

export type CtlResponse =
	/**
	 * `unknown-service` names the service asked for and the stack's services, so the client can
	 * suggest the closest one; `timeout` says what was still awaited.
	 */
	| {type: 'error'; code: 'unknown-service' | 'bad-request' | 'timeout' | 'quitting'; message: string; service?: string; services?: string[]}
	| {type: 'status'; pid: number; cwd: string; services: ServiceStatus[]}
	| {type: 'done'; message: string}
	| {type: 'log'; entry: LogEntry}
	| {type: 'end'}
	| {type: 'ready'; services: ServiceStatus[]}
	| {type: 'not-ready'; failures: ReadyFailure[]; services: ServiceStatus[]};
