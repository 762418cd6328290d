// Bursts: 20 writes to 10 files (f0..f9, f0..f9), a fixed gap apart (10 ms: a formatter or a code
// generator; 30 ms: a save-all on a slow disk), with and without two busy loops on the cores. For
// each burst and tool: how many app instances were spawned (from the kernel, lib/spawns.mjs, so
// instances killed before they reported anything count too), how many reached READY, the time from
// the last write to the last READY, and whether that last instance loaded the final content of
// every file (apps/loaded.* report the value each module held when imported).
//
// All peers run at once on their own directories; bursts go round-robin (A B C A B C ...). Each
// burst's window runs from its first write to the same tool's next burst, so a late restart counts
// against the burst that caused it; before moving on the bench waits until the tool is quiet.
import {loadedValues} from '../lib/loaded.mjs';
import {startLoad} from '../lib/load.mjs';
import {startPeer, writeWatched} from '../lib/peers.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const FINAL_TIMEOUT_MS = 10_000;
const QUIET_MS = 500;
const QUIET_CAP_MS = 4000;
const TAIL_MS = 1500;

export const BURST_SHAPES = [
	{key: 'g10', label: '10 ms gaps', gapMs: 10, load: false},
	{key: 'g30', label: '30 ms gaps', gapMs: 30, load: false},
	{key: 'g10L', label: '10 ms gaps, under load', gapMs: 10, load: true},
	{key: 'g30L', label: '30 ms gaps, under load', gapMs: 30, load: true},
];

const lastActivity = (handle, spawnWatch, since) => {
	const line = handle.notify.lines.at(-1);
	let latest = line && line.at >= since ? line.at : since;
	if (spawnWatch?.available) {
		const {spawns} = spawnWatch.appSpawns(handle.rootPid(), handle.appScript, {from: since, interpreter: handle.spawnName});
		if (spawns.length) latest = Math.max(latest, spawns.at(-1).at);
	}
	return latest;
};

/** One burst on one tool: the writes, then a wait for the final content and for quiet. */
const runBurst = async (handle, shape, rep, {writes, files, spawnWatch}) => {
	const from = handle.notify.lines.length;
	const start = performance.now();
	const writeTimes = [];
	const final = new Map();
	for (let write = 0; write < writes; write++) {
		// Against a schedule from the start, so timer lateness does not add up over the burst.
		const due = start + write * shape.gapMs;
		if (due > performance.now()) await sleep(due - performance.now());
		const index = write % files;
		const value = `${shape.key}.${rep}.${write}`;
		writeWatched(handle, index, value);
		writeTimes.push(performance.now());
		final.set(`f${index}`, value);
	}
	const isFinal = line => {
		if (line.kind !== 'READY') return false;
		const loaded = loadedValues(line.rest);
		return [...final].every(([name, value]) => loaded.get(name) === value);
	};
	await handle.notify.waitFor(isFinal, {from, timeout: FINAL_TIMEOUT_MS});
	const quietFrom = performance.now();
	while (performance.now() - quietFrom < QUIET_CAP_MS && performance.now() - lastActivity(handle, spawnWatch, start) < QUIET_MS) await sleep(50);
	return {start, from, writeTimes, final, isFinal};
};

/** What one burst did, from everything recorded in its window [start, end). */
const judge = (handle, burst, end, spawnWatch) => {
	const lastWrite = burst.writeTimes.at(-1);
	const lines = handle.notify.lines.filter(line => line.at >= burst.start && line.at < end);
	const readies = lines.filter(line => line.kind === 'READY');
	const last = readies.at(-1);
	const kernel = spawnWatch?.available ? spawnWatch.appSpawns(handle.rootPid(), handle.appScript, {from: burst.start, to: end, interpreter: handle.spawnName}) : undefined;
	const started = new Set(lines.filter(line => line.kind === 'START').map(line => line.pid));
	const devtuiSpawned = handle.events.filter(event => event.type === 'run/spawned' && event.receivedAt >= burst.start && event.receivedAt < end);
	const gaps = burst.writeTimes.slice(1).map((at, index) => at - burst.writeTimes[index]);
	return {
		// Without the kernel's view, the instances that ran the app's first line: a lower bound.
		spawns: kernel ? kernel.spawns.length : started.size,
		spawnSource: kernel ? 'kernel' : 'app START lines',
		spawnPids: kernel?.spawns.map(spawn => spawn.pid),
		// Spawns gone before their command line could be read, known by their name or place only.
		spawnsInferred: kernel?.spawns.filter(spawn => spawn.inferred).length ?? 0,
		unresolvedExecs: kernel?.unresolved ?? 0,
		started: started.size,
		readies: readies.length,
		devtuiSpawned: handle.events.length ? devtuiSpawned.length : undefined,
		lastWriteToReadyMs: last ? last.at - lastWrite : undefined,
		finalSeen: last ? burst.isFinal(last) : false,
		// The last instance spawned is not the one that said READY last (it died, or never got there).
		finalInstanceNotReady: Boolean(kernel?.spawns.length && last && kernel.spawns.at(-1).pid !== spawnWatch.spawnPidOf(last.pid, handle.rootPid(), handle.appScript)),
		held: handle.events.some(event => event.type === 'supervisor/held' && event.held && event.receivedAt >= burst.start && event.receivedAt < end),
		feedbackLoops: handle.events.filter(event => event.type === 'watch/feedback-loop' && event.receivedAt >= burst.start && event.receivedAt < end).map(event => event.file),
		strays: burst.strays,
		writeSpanMs: lastWrite - burst.writeTimes[0],
		maxGapMs: Math.max(...gaps),
	};
};

/**
 * Runs every shape on `fixture` ('node' or 'python') for `peers`, `reps` bursts per tool and shape.
 * Returns {[shape.key]: {shape, load, tools: {[peer]: {label, bursts: [judged burst, ...]}}}}.
 */
export const measureBurst = async ({fixture, peers, reps, shapes = BURST_SHAPES, writes = 20, files = 10, spawnWatch, log = () => undefined}) => {
	const app = fixture === 'python' ? 'loaded-python' : 'loaded-node';
	const handles = [];
	const results = {};
	try {
		for (const name of peers) handles.push(await startPeer(name, app, {files}));
		await sleep(1000);
		for (const shape of shapes) {
			const load = shape.load ? await startLoad() : undefined;
			const runs = new Map(handles.map(handle => [handle.name, []]));
			const restartedAfterHold = {};
			try {
				for (let rep = 1; rep <= reps; rep++) {
					for (const [index, handle] of handles.entries()) {
						const burst = await runBurst(handle, shape, rep, {writes, files, spawnWatch});
						// An instance the tool lost track of would serve on beside the new one, and count nowhere.
						burst.strays = handle.killStrays().length;
						runs.get(handle.name).push({handle, burst});
						// Headless has no key to release a hold: a held devtui would stay held for every later
						// burst. Count it, and go on with a fresh one.
						if (handle.held()) {
							restartedAfterHold[handle.name] = (restartedAfterHold[handle.name] ?? 0) + 1;
							await sleep(TAIL_MS);
							const fresh = await startPeer(handle.name, app, {files});
							runs.get(handle.name).at(-1).end = performance.now();
							await handle.stop();
							handles[index] = fresh;
							await sleep(500);
						}
					}
					log(`burst ${fixture} ${shape.label}: ${rep}/${reps}`);
				}
				await sleep(TAIL_MS);
			} finally {
				await load?.stop();
			}
			const end = performance.now();
			const tools = {};
			for (const [name, list] of runs) {
				tools[name] = {
					label: list[0].handle.label,
					restartedAfterHold: restartedAfterHold[name] ?? 0,
					bursts: list.map((run, index) => judge(run.handle, run.burst, run.end ?? list[index + 1]?.burst.start ?? end, spawnWatch)),
				};
			}
			results[shape.key] = {shape, writes, load: Boolean(load), loadLoops: load?.pids().length, loadPinned: load?.pinned, tools};
		}
		return results;
	} finally {
		for (const handle of handles) await handle.stop();
	}
};
