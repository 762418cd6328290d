// Restart latency: write one watched file, time until a new pid reports READY with the new content.
// All peers run at once on their own directories; changes go round-robin (A B C A B C ...), so drift
// in machine load lands on every peer alike. Also the tool's CPU per restart, from /proc.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileContent, startPeer} from '../lib/peers.mjs';
import {cpuNs, toolProcesses} from '../lib/proc.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export const measureLatency = async ({peers, app, changes, settleMs = 1000, gapMs = 250}) => {
	const handles = [];
	try {
		for (const name of peers) handles.push(await startPeer(name, app));
		await sleep(settleMs);
		const results = Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, ms: [], changeToSpawnMs: [], timeouts: 0, cpuNs: 0}]));
		const cpuAt = handle => cpuNs(toolProcesses(handle.rootPid(), cmd => false).filter(pid => !handle.appPids().has(pid)));
		const cpuStart = Object.fromEntries(handles.map(handle => [handle.name, cpuAt(handle)]));
		for (let round = 1; round <= changes; round++) {
			for (const handle of handles) {
				const value = `${app}-${round}`;
				const from = handle.notify.lines.length;
				const started = performance.now();
				writeFileSync(path.join(handle.src, 'f0.mjs'), fileContent(0, value));
				const ready = await handle.notify.waitFor(line => line.kind === 'READY' && line.rest.includes(JSON.stringify(value)), {from, timeout: 10_000});
				if (ready) results[handle.name].ms.push(ready.at - started);
				else results[handle.name].timeouts++;
				await sleep(gapMs);
			}
		}
		for (const handle of handles) {
			const result = results[handle.name];
			result.cpuNs = cpuAt(handle) - cpuStart[handle.name];
			result.restarts = result.ms.length;
			result.changeToSpawnMs = handle.events.filter(event => event.type === 'run/spawned' && event.restart > 0).map(event => event.changeToSpawnMs);
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
