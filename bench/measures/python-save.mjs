// The single save on the Python fixture (apps/loaded.py importing src/f0..f9.py), so devtui's
// built-in Python check runs: change → READY of an instance that loaded the new content, for devtui
// with the default check and with --no-python-check beside the bare restarter and nodemon. All
// peers run at once on their own directories; saves go round-robin (A B C D A B C D ...). Also the
// app spawns each save caused (lib/spawns.mjs), devtui's own change→spawn and check time, and
// how often devtui held its restarts as a feedback loop.
import {loadedValues} from '../lib/loaded.mjs';
import {startPeer, writeWatched} from '../lib/peers.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
export const PYTHON_SAVE_PEERS = ['bare', 'nodemon', 'devtui', 'devtui-no-check'];

// Saves come at uneven gaps, as a person makes them: a steady cadence lines up with the restarts,
// which devtui's feedback-loop detector (before issue 10) took for the app's own writes.
const gaps = (gapMs, spreadMs) => {
	let seed = 1;
	return () => {
		seed = (seed * 48_271) % 2_147_483_647;
		return gapMs + (seed / 2_147_483_647) * spreadMs;
	};
};

export const measurePythonSave = async ({peers = PYTHON_SAVE_PEERS, changes, spawnWatch, settleMs = 1500, gapMs = 250, spreadMs = 400}) => {
	const handles = [];
	const nextGap = gaps(gapMs, spreadMs);
	try {
		for (const name of peers) handles.push(await startPeer(name, 'loaded-python'));
		await sleep(settleMs);
		const results = Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, ms: [], spawns: [], timeouts: 0, changeToSpawnMs: [], checkMs: [], holds: 0}]));
		// Per tool: each save's handle and start, so spawns are counted from one save to the next.
		const saves = new Map(handles.map(handle => [handle.name, []]));
		for (let round = 1; round <= changes; round++) {
			for (const [index, handle] of handles.entries()) {
				const value = `save-${round}`;
				const result = results[handle.name];
				const from = handle.notify.lines.length;
				const started = performance.now();
				writeWatched(handle, 0, value);
				const ready = await handle.notify.waitFor(line => line.kind === 'READY' && loadedValues(line.rest).get('f0') === value, {from, timeout: 10_000});
				if (ready) result.ms.push(ready.at - started);
				else result.timeouts++;
				saves.get(handle.name).push({handle, started});
				await sleep(nextGap());
				// Headless cannot release a hold: count it, and go on with a fresh devtui.
				if (handle.held()) {
					result.holds++;
					saves.get(handle.name).at(-1).end = performance.now();
					await handle.stop();
					handles[index] = await startPeer(handle.name, 'loaded-python');
					await sleep(settleMs);
				}
			}
		}
		await sleep(gapMs);
		const end = performance.now();
		for (const [name, list] of saves) {
			const result = results[name];
			if (spawnWatch?.available) {
				result.spawns = list.map((save, index) => spawnWatch.appSpawns(save.handle.rootPid(), save.handle.appScript, {from: save.started, to: save.end ?? list[index + 1]?.started ?? end, interpreter: save.handle.spawnName}).spawns.length);
			}
			for (const handle of new Set(list.map(save => save.handle))) {
				const after = list.find(save => save.handle === handle).started;
				result.changeToSpawnMs.push(...handle.events.filter(event => event.type === 'run/spawned' && event.restart > 0 && event.receivedAt >= after).map(event => event.changeToSpawnMs));
				result.checkMs.push(...handle.events.filter(event => event.type === 'check/passed' && event.receivedAt >= after).map(event => event.durationMs));
			}
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
