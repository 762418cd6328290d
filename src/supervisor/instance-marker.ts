// Every process the app starts inherits its environment, including DEVTUI_INSTANCE. A descendant
// that daemonized (setsid and a double fork, re-parented to PID 1 within milliseconds) can no
// longer be found through the process tree or group, but it still carries the marker. Only orphans
// started after the app are read, so the scan stays cheap on a busy machine.

import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {isZombie, type ProcessInfo} from './process-table.js';

export const INSTANCE_ENV = 'DEVTUI_INSTANCE';

export const newInstanceMarker = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

const carriesMarker = (pid: number, marker: string): boolean => {
	try {
		return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`${INSTANCE_ENV}=${marker}\0`);
	} catch {
		return false;
	}
};

// Orphans (parent is PID 1, or a subreaper that is not in the app's tree) that carry the marker.
export const findMarkedOrphans = (table: readonly ProcessInfo[], marker: string, appStartTime: number, pgid: number): number[] =>
	table
		.filter(info => info.pgid !== pgid && info.ppid === 1 && info.startTime >= appStartTime && !isZombie(info))
		.filter(info => carriesMarker(info.pid, marker))
		.map(info => info.pid);
