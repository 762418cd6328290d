// Idle cost: with the app started and idle, the tool's own CPU over a window (its process tree
// minus the app), its RSS and open file descriptors. All peers idle side by side.
import {startPeer} from '../lib/peers.mjs';
import {cpuNs, openFds, rssMb, toolProcesses} from '../lib/proc.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export const measureIdle = async ({peers, windowMs}) => {
	const handles = [];
	try {
		for (const name of peers) handles.push(await startPeer(name, 'node'));
		await sleep(2000);
		const toolPids = handle => toolProcesses(handle.rootPid(), () => false).filter(pid => !handle.appPids().has(pid));
		const before = new Map(handles.map(handle => [handle.name, cpuNs(toolPids(handle))]));
		const started = performance.now();
		await sleep(windowMs);
		const elapsedNs = (performance.now() - started) * 1e6;
		const results = {};
		for (const handle of handles) {
			const pids = toolPids(handle);
			results[handle.name] = {
				label: handle.label,
				cpuPercent: ((cpuNs(pids) - before.get(handle.name)) / elapsedNs) * 100,
				rssMb: rssMb(pids),
				fds: openFds(pids),
				processes: pids.length,
			};
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
