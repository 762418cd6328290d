// Bursts: 20 writes to 10 files within 200 ms. Counts the restarts each burst caused, the time from
// the last write to the last READY, and whether that last instance saw the last write of every file.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileContent, startPeer} from '../lib/peers.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const QUIET_MS = 2000;

export const measureBurst = async ({peers, bursts, writes = 20, files = 10, spanMs = 200}) => {
	const handles = [];
	try {
		for (const name of peers) handles.push(await startPeer(name, 'node', {files}));
		await sleep(1000);
		const results = Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, restarts: [], lastWriteToReadyMs: [], sawLastWrite: 0, bursts: 0}]));
		for (let burst = 1; burst <= bursts; burst++) {
			for (const handle of handles) {
				const from = handle.notify.lines.length;
				const finalValues = new Map();
				for (let write = 0; write < writes; write++) {
					const index = write % files;
					const value = `b${burst}-w${write}`;
					writeFileSync(path.join(handle.src, `f${index}.mjs`), fileContent(index, value));
					finalValues.set(index, value);
					if (write < writes - 1) await sleep(spanMs / (writes - 1));
				}
				const lastWrite = performance.now();
				// Collect READY lines until none came for QUIET_MS (late restarts count too).
				let seen = from;
				for (;;) {
					const next = await handle.notify.waitFor(line => line.kind === 'READY', {from: seen, timeout: QUIET_MS});
					if (!next) break;
					seen = handle.notify.lines.indexOf(next) + 1;
				}
				const readies = handle.notify.lines.slice(from).filter(line => line.kind === 'READY');
				const result = results[handle.name];
				result.bursts++;
				result.restarts.push(readies.length);
				const last = readies.at(-1);
				if (last) {
					result.lastWriteToReadyMs.push(last.at - lastWrite);
					const expected = [...finalValues.entries()].sort(([a], [b]) => a - b).map(([index, value]) => fileContent(index, value).trim()).join('|');
					if (last.rest === expected) result.sawLastWrite++;
				}
			}
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
