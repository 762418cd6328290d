// Idle cost: with the app started and idle, the tool's own CPU over a window (its process tree
// minus the app), its RSS and open file descriptors. All peers idle side by side. Two windows: one
// 2 s after the start, which still holds the tools' settling (V8's memory-reducing GC ~8-16 s in,
// the dashboard's uptime counting seconds), and one past the first minute, the steady state of a
// dashboard left open.
import {startPeer} from '../lib/peers.mjs';
import {cpuNs, openFds, rssMb, toolProcesses} from '../lib/proc.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const SETTLED_FROM_MS = 65_000;

const measureWindow = async (handles, windowMs) => {
	const toolPids = handle => toolProcesses(handle.rootPid(), () => false).filter(pid => !handle.appPids().has(pid));
	const before = new Map(handles.map(handle => [handle.name, cpuNs(toolPids(handle))]));
	const started = performance.now();
	await sleep(windowMs);
	const elapsedNs = (performance.now() - started) * 1e6;
	return Object.fromEntries(
		handles.map(handle => {
			const pids = toolPids(handle);
			return [handle.name, {cpuPercent: ((cpuNs(pids) - before.get(handle.name)) / elapsedNs) * 100, rssMb: rssMb(pids), fds: openFds(pids), processes: pids.length}];
		}),
	);
};

export const measureIdle = async ({peers, windowMs}) => {
	const handles = [];
	try {
		for (const name of peers) handles.push(await startPeer(name, 'node'));
		const allStartedAt = performance.now();
		await sleep(2000);
		const early = await measureWindow(handles, windowMs);
		// Counted from the last peer's start: the window begins more than a minute after every start.
		await sleep(Math.max(0, allStartedAt + SETTLED_FROM_MS - performance.now()));
		const settledFromS = Math.round((performance.now() - allStartedAt) / 1000);
		const settled = await measureWindow(handles, windowMs);
		return {settledFromS, tools: Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, early: early[handle.name], settled: settled[handle.name]}]))};
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
