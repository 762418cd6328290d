// Benchmark of the state path: save (the atomic write recipe, in-process), validate (parse and
// digest in the worker) and snapshot (copy into the history and update the index) for 1, 10 and
// 50 MB states. Needs a build: `npm run build && node bench/state.mjs [runs, default 3]`.
// Prints the median of the runs for each size.

import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {writeStateFileAtomic} from '../dist/src/state/atomic-write.js';
import {createStateKeeper} from '../dist/src/state/state-keeper.js';

const MB = 1024 * 1024;
const runs = Math.max(1, Number(process.argv[2] ?? 3));

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
