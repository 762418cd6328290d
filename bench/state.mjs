// Benchmark of the state path: save (the atomic write recipe, in-process), validate (parse and
// digest in the worker) and snapshot (copy into the history and update the index) for 1, 10 and
// 50 MB states; then restart latency of an app that saves and restores an empty and a 10 MB state
// through the Node client (changes alternating between the two). Needs a build:
// `npm run build && node bench/state.mjs [runs, default 3] [changes, default 15]`.
// Prints the medians.

import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {writeFileSync} from 'node:fs';
import {writeStateFileAtomic} from '../dist/src/state/atomic-write.js';
import {fileContent, startPeer} from './lib/peers.mjs';
import {createStateKeeper} from '../dist/src/state/state-keeper.js';

const MB = 1024 * 1024;
const runs = Math.max(1, Number(process.argv[2] ?? 3));
const changes = Math.max(1, Number(process.argv[3] ?? 15));

const record = index => ({id: index, name: `user-${index}`, tags: ['a', 'b'], score: index * 1.5, note: 'n'.repeat(120)});
const stateOf = (bytes, round) => {
	const count = Math.round(bytes / JSON.stringify(record(100_000)).length);
	return {self_state: {users: Array.from({length: count}, (_, index) => record(index))}, event_queue: [{round}], config: {debug: true}};
};

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const measure = async megabytes => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-bench-state-'));
	const stateFile = path.join(dir, '.devtui', 'restart_state.json');
	const keeper = createStateKeeper({stateFile, emit: () => undefined});
	const rows = {save: [], validate: [], snapshot: []};
	let bytes = 0;
	try {
		// A first small stop starts the worker, so its start-up is not counted.
		await writeStateFileAtomic(stateFile, {self_state: {}});
		await keeper.afterStop({stopStartedAt: Date.now(), restart: 0, expected: true});
		for (let run = 1; run <= runs; run++) {
			const state = stateOf(megabytes * MB, run);
			const stopStartedAt = Date.now();
			const started = performance.now();
			bytes = await writeStateFileAtomic(stateFile, state);
			rows.save.push(performance.now() - started);
			const summary = await keeper.afterStop({stopStartedAt, restart: run, expected: true});
			if (summary.status !== 'valid') throw new Error(`run ${run}: the state was not valid (${summary.problem})`);
			rows.validate.push(summary.validateMs);
			rows.snapshot.push(summary.snapshotMs);
		}
	} finally {
		await keeper.close();
		await rm(dir, {recursive: true, force: true});
	}
	return {bytes, save: median(rows.save), validate: median(rows.validate), snapshot: median(rows.snapshot)};
};

const cell = (text, width) => String(text).padStart(width);
console.log(`state benchmark: median of ${runs} run(s), node ${process.version}, ${os.cpus().length} CPUs`);
console.log(`${cell('size', 10)} ${cell('save ms', 9)} ${cell('validate ms', 12)} ${cell('snapshot ms', 12)} ${cell('total ms', 9)}`);
for (const megabytes of [1, 10, 50]) {
	const {bytes, save, validate, snapshot} = await measure(megabytes);
	const ms = value => Math.round(value);
	console.log(
		`${cell(`${(bytes / MB).toFixed(1)} MiB`, 10)} ${cell(ms(save), 9)} ${cell(ms(validate), 12)} ${cell(ms(snapshot), 12)} ${cell(ms(save + validate + snapshot), 9)}`,
	);
}

// Restart latency with a state: devtui headless, the app saving its state on stop and loading it
// on start; an empty state and a 10 MB one side by side, changes alternating between them.
const withState = async () => {
	const sizes = [0, 10];
	const handles = [];
	const ms = Object.fromEntries(sizes.map(size => [size, []]));
	const p90 = values => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.9))];
	try {
		for (const size of sizes) handles.push({size, handle: await startPeer('devtui', 'stateful', {env: {BENCH_STATE_MB: String(size)}})});
		await new Promise(resolve => setTimeout(resolve, 1000));
		for (let round = 1; round <= changes; round++) {
			for (const {size, handle} of handles) {
				const value = `state-${round}`;
				const from = handle.notify.lines.length;
				const started = performance.now();
				writeFileSync(path.join(handle.src, 'f0.mjs'), fileContent(0, value));
				const ready = await handle.notify.waitFor(line => line.kind === 'READY' && line.rest.includes(JSON.stringify(value)), {from, timeout: 20_000});
				if (ready) ms[size].push(ready.at - started);
				await new Promise(resolve => setTimeout(resolve, 250));
			}
		}
	} finally {
		for (const {handle} of handles) await handle.stop();
	}
	console.log(`\nrestart latency with a state (devtui headless, change → READY of the new pid, ${changes} changes each, alternating)`);
	console.log(`${cell('state', 10)} ${cell('n', 4)} ${cell('median ms', 10)} ${cell('p90 ms', 8)}`);
	for (const size of sizes) console.log(`${cell(`${size} MB`, 10)} ${cell(ms[size].length, 4)} ${cell(median(ms[size]).toFixed(1), 10)} ${cell(p90(ms[size]).toFixed(1), 8)}`);
};
await withState();
