// Remembers the app's descendants that left its process group (setsid, daemonizing double forks).
// A process group signal cannot reach them, and once their parent exits they are re-parented to
// PID 1, so at stop time nothing links them to the app any more. Looking a few times early in the
// app's life, when daemons detach, and then rarely, catches them while the link still exists,
// without costing an idle app any measurable CPU. The start time guards against pid reuse.

import {hasProcfs, isZombie, liveTreeAndGroup, readProcess, readProcessTable} from './process-table.js';

const SCAN_AFTER_MS = [100, 500, 2000, 5000];
const SCAN_EVERY_MS = 15_000;

export interface StrayTracker {
	/** Live remembered strays (pid and start time still match). */
	alive(): number[];
	/** Looks now (also called right before a stop). */
	scan(): void;
	stop(): void;
}

export const trackStrays = (root: number, pgid: number): StrayTracker => {
	const known = new Map<number, number>();
	let timer: NodeJS.Timeout | undefined;
	let step = 0;
	const scan = () => {
		if (!hasProcfs) return;
		for (const info of liveTreeAndGroup(readProcessTable(), root, pgid)) {
			if (info.pgid !== pgid) known.set(info.pid, info.startTime);
		}
	};
	const schedule = () => {
		const delay = step < SCAN_AFTER_MS.length ? SCAN_AFTER_MS[step]! - (SCAN_AFTER_MS[step - 1] ?? 0) : SCAN_EVERY_MS;
		step++;
		timer = setTimeout(() => {
			scan();
			schedule();
		}, delay);
		timer.unref();
	};
	if (hasProcfs) schedule();
	return {
		alive() {
			const live: number[] = [];
			for (const [pid, startTime] of known) {
				const info = readProcess(pid);
				if (info && info.startTime === startTime && !isZombie(info)) live.push(pid);
				else known.delete(pid);
			}
			return live;
		},
		scan,
		stop() {
			clearTimeout(timer);
		},
	};
};
