// What `devtui ctl wait-ready` and `logs` print for a person: a line per ready service, the
// reason a service cannot be ready with what to read (its stderr tail, the check's output) and
// what to run; a log line as the app wrote it, and devtui's marks between instances.

import type {LogEntry, ReadyFailure} from '../ctl/ctl-protocol.js';
import type {ServiceStatus} from '../ctl/service-status.js';
import {formatDuration} from '../format-duration.js';
import {describeExit} from '../describe-exit.js';

export const formatReadyService = (status: ServiceStatus): string => {
	const instance = `restart #${Math.max(0, status.restarts)}${status.pid === null ? '' : `, pid ${status.pid}`}`;
	const timeline = status.lastRestart && status.lastRestart.restart === status.restarts ? status.lastRestart : undefined;
	const took = timeline?.totalMs === undefined ? '' : ` in ${formatDuration(timeline.totalMs)}`;
	if (status.readiness === 'started') return `${status.name}: started${took}, readiness unknown (${instance})`;
	if (status.readiness === 'down') return `${status.name}: completed (${instance}, exit code 0)`;
	return `${status.name}: ready${took} (${instance})`;
};

export const formatFailure = (failure: ReadyFailure): string[] => [
	failure.message,
	...failure.detail.map(line => `  ${line}`),
	...(failure.hint ? [`  next: ${failure.hint}`] : []),
];

export const formatLogEntry = (entry: LogEntry): string => {
	switch (entry.kind) {
		case 'line':
			return entry.line;
		case 'spawned':
			return `[devtui] ${entry.restart === 0 ? 'started' : `restart #${entry.restart}:`} pid ${entry.pid}${entry.restart === 0 ? '' : ' started'}`;
		case 'exited':
			return `[devtui] pid ${entry.pid} ${entry.crashed ? 'crashed' : 'exited'} (${describeExit(entry.code, entry.signal)})`;
		case 'dropped':
			return `[devtui] ${entry.count} line${entry.count === 1 ? '' : 's'} skipped: this reader was slower than the app`;
	}
};
