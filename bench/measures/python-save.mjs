// The single save on the Python fixture (apps/loaded.py importing src/f0..f9.py), so devtui's
// built-in Python check runs: change → READY of an instance that loaded the new content, for devtui
// with the default check and with --no-python-check beside the bare restarter and nodemon. All
// peers run at once on their own directories; saves go round-robin (A B C D A B C D ...). Also the
// app spawns each save caused (lib/spawns.mjs), devtui's own change→spawn and check time.
import {loadedValues} from '../lib/loaded.mjs';
import {startPeer, writeWatched} from '../lib/peers.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
export const PYTHON_SAVE_PEERS = ['bare', 'nodemon', 'devtui', 'devtui-no-check'];

export const measurePythonSave = async ({peers = PYTHON_SAVE_PEERS, changes, spawnWatch, settleMs = 1500, gapMs = 250}) => {
	const handles = [];
	try {
		for (const name of peers) handles.push(await startPeer(name, 'loaded-python'));
		await sleep(settleMs);
		const results = Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, ms: [], spawns: [], timeouts: 0, changeToSpawnMs: [], checkMs: []}]));
		const windows = new Map(handles.map(handle => [handle.name, []]));
		for (let round = 1; round <= changes; round++) {
			for (const handle of handles) {
				const value = `save-${round}`;
				const from = handle.notify.lines.length;
				const started = performance.now();
				writeWatched(handle, 0, value);
				const ready = await handle.notify.waitFor(line => line.kind === 'READY' && loadedValues(line.rest).get('f0') === value, {from, timeout: 10_000});
				if (ready) results[handle.name].ms.push(ready.at - started);
				else results[handle.name].timeouts++;
				windows.get(handle.name).push(started);
				await sleep(gapMs);
			}
		}
		await sleep(gapMs);
		const end = performance.now();
		for (const handle of handles) {
			const result = results[handle.name];
			const starts = windows.get(handle.name);
			if (spawnWatch?.available) {
				result.spawns = starts.map((start, index) => spawnWatch.appSpawns(handle.rootPid(), handle.appScript, {from: start, to: starts[index + 1] ?? end, interpreter: handle.spawnName}).spawns.length);
			}
			const after = starts[0];
			result.changeToSpawnMs = handle.events.filter(event => event.type === 'run/spawned' && event.restart > 0 && event.receivedAt >= after).map(event => event.changeToSpawnMs);
			result.checkMs = handle.events.filter(event => event.type === 'check/passed' && event.receivedAt >= after).map(event => event.durationMs);
			// The feedback-loop detector taking these saves for the app's own writes (issue 10, point 1).
			result.holds = handle.events.filter(event => event.type === 'supervisor/held' && event.held && event.receivedAt >= after).length;
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
