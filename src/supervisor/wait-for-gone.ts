// Waits until the app's process, its group and the descendants that left the group are all gone.
// A zombie counts as gone: an orphaned zombie is only waiting for PID 1 to reap it (about a
// second late on some machines), and waiting for that would delay every restart for nothing.

import {findMarkedOrphans} from './instance-marker.js';
import {hasProcfs, liveTreeAndGroup, readProcess, readProcessTable, readProcessTree, isZombie} from './process-table.js';
import {groupExists} from './signal-processes.js';
import type {AppProcess} from './spawn-app.js';

// Processes outside the app's group that descend from it, found while the tree is still connected
// (once their parent dies they are re-parented to PID 1 and the link is lost).
export const findStrays = (app: AppProcess): number[] => {
	if (!hasProcfs) return [];
	const table = readProcessTable();
	const linked = liveTreeAndGroup(table, app.pid, app.pgid)
		.filter(info => info.pgid !== app.pgid)
		.map(info => info.pid);
	const marked = app.marker ? findMarkedOrphans(table, app.marker, app.startTime, app.pgid) : [];
	return [...new Set([...linked, ...marked, ...app.strays.alive()])];
};

/**
 * The strays that must be found before the signal, cheaply: descendants outside the group, by the
 * tree's children files (a few reads, where the full table reads every process on the machine:
 * 2-6 ms with a hundred, more on a desktop, all of it between the change and the signal), and the
 * ones the tracker remembered. Orphans that were re-parented before the stop are not linked to the
 * tree by anything the signal changes, so findStrays finds them right after it. Undefined where the
 * kernel has no children files, or the app's process is gone: then findStrays must run first.
 */
export const findLinkedStrays = (app: AppProcess): number[] | undefined => {
	if (!hasProcfs) return [];
	const tree = readProcessTree(app.pid);
	if (tree === undefined) return undefined;
	const linked = tree.filter(pid => {
		const info = readProcess(pid);
		return info !== undefined && info.pgid !== app.pgid && !isZombie(info);
	});
	return [...new Set([...linked, ...app.strays.alive()])];
};

const pidAlive = (pid: number): boolean => {
	const info = readProcess(pid);
	return info !== undefined && !isZombie(info);
};

export const isGone = (app: AppProcess, strays: readonly number[]): boolean => {
	if (app.exit === undefined) return false;
	if (strays.some(pid => pidAlive(pid))) return false;
	// The kernel's answer is cheap and exact when the group is empty; only a non-empty group
	// needs the /proc scan that can tell zombies from the living.
	if (!groupExists(app.pgid)) return true;
	if (!hasProcfs) return false;
	return !readProcessTable().some(info => info.pgid === app.pgid && !isZombie(info));
};

const POLL_STEPS_MS = [1, 2, 5, 10, 20, 40];

// Resolves true once gone, or false when the abort signal fires first.
export const waitForGone = async (app: AppProcess, strays: readonly number[], abort: AbortSignal): Promise<boolean> => {
	if (abort.aborted) return isGone(app, strays);
	const aborted = new Promise<'aborted'>(resolve => abort.addEventListener('abort', () => resolve('aborted'), {once: true}));
	if ((await Promise.race([app.exited, aborted])) === 'aborted') return isGone(app, strays);
	for (let step = 0; ; step++) {
		if (isGone(app, strays)) return true;
		if (abort.aborted) return false;
		const delay = POLL_STEPS_MS[Math.min(step, POLL_STEPS_MS.length - 1)]!;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([new Promise(resolve => (timer = setTimeout(resolve, delay))), aborted]);
		clearTimeout(timer);
	}
};
