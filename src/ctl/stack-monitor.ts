// Listens to a stack's events and keeps, per service, the status fold and the log ring that the
// ctl server answers from. It folds every event as it comes, whether or not a client is
// connected, so `status` and `logs` know the whole run and `wait-ready` starts from the truth.

import type {ServiceInfo, StackStream, StackStreamEvent} from '../stack/stack-types.js';
import type {LogEntry} from './ctl-protocol.js';
import {createLogRing, entriesOf, type LogRecord, type LogRing} from './log-ring.js';
import {foldServiceEvent, initialServiceFold, restartRequested, waitingFor, type ServiceFold} from './service-status.js';

export interface StackMonitor {
	/** Service names in the stack's order. */
	names(): string[];
	fold(name: string): ServiceFold | undefined;
	logs(name: string): LogRing | undefined;
	/** Called after each event is folded (and with each new log entry, for followers). */
	listen(listener: (event: StackStreamEvent, entry?: LogEntry) => void): () => void;
	/** A restart asked for through ctl: a later wait-ready waits for the instance it brings. */
	restartRequested(name: string): void;
	dispose(): void;
}

interface Service {
	fold: ServiceFold;
	logs: LogRing;
}

const logRecordOf = (event: StackStreamEvent, fold: ServiceFold): LogRecord | undefined => {
	switch (event.type) {
		case 'run/output':
			return {kind: 'lines', at: event.at, pid: event.pid, restart: fold.status.restarts, stream: event.stream, lines: event.lines};
		case 'run/spawned':
			return {kind: 'spawned', at: event.at, pid: event.pid, restart: event.restart};
		case 'run/exited':
			return {kind: 'exited', at: event.at, pid: event.pid, restart: event.restart, code: event.code, signal: event.signal, crashed: !event.byDevtui && event.code !== 0};
		default:
			return undefined;
	}
};

export const createStackMonitor = (stream: StackStream, initial: readonly ServiceInfo[]): StackMonitor => {
	const services = new Map<string, Service>();
	const listeners = new Set<(event: StackStreamEvent, entry?: LogEntry) => void>();
	const ensure = (name: string): Service => {
		let service = services.get(name);
		if (!service) {
			service = {fold: initialServiceFold(name), logs: createLogRing()};
			services.set(name, service);
		}
		return service;
	};
	for (const info of initial) ensure(info.name);
	const tell = (event: StackStreamEvent, entry?: LogEntry) => {
		for (const listener of listeners) listener(event, entry);
	};
	const stop = stream.subscribe(event => {
		if (event.type === 'stack/services') {
			for (const info of event.services) ensure(info.name);
			tell(event);
			return;
		}
		const service = ensure(event.service);
		if (event.type === 'stack/waiting') {
			service.fold = waitingFor(service.fold, event.waitingFor);
			tell(event);
			return;
		}
		if (event.type === 'stack/cascade') {
			tell(event);
			return;
		}
		// Output changes no status: during a flood the fold is skipped for it.
		if (event.type !== 'run/output') service.fold = foldServiceEvent(service.fold, event);
		const record = logRecordOf(event, service.fold);
		if (!record) return tell(event);
		service.logs.push(record);
		// Only followers need one entry per line.
		if (listeners.size === 0) return;
		for (const entry of entriesOf(record)) tell(event, entry);
	});
	return {
		names: () => [...services.keys()],
		fold: name => services.get(name)?.fold,
		logs: name => services.get(name)?.logs,
		listen(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		restartRequested(name) {
			const service = services.get(name);
			if (service) service.fold = restartRequested(service.fold);
		},
		dispose() {
			stop();
			listeners.clear();
		},
	};
};
