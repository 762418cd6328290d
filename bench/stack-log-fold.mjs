// What folding a stack's output costs the dashboard's store: a flood of lines from 8 services,
// interleaved line by line (the worst case: no two neighbouring events of one process to join) and
// in chunks of 50 lines (a pipe read under load), folded in batches as the store folds them (at
// most 1000 events per batch), against the same lines from one app through the one-app reducer,
// and against appending to the merged log after every event (what a batch would cost without
// collecting its lines first). Reps interleaved; medians and ratios.
//
//   npm run build && node bench/stack-log-fold.mjs [--lines 200000] [--reps 7]

import {reduceAll} from '../dist/src/store/reducer.js';
import {reduceStackAll, reduceStackStreamEvent} from '../dist/src/store/reduce-stack.js';
import {createStackState} from '../dist/src/store/stack-state.js';
import {createInitialState} from '../dist/src/store/state.js';
import {fixed, median, ratio, table} from './lib/stats.mjs';

const arg = (name, fallback) => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const LINES = arg('lines', 200_000);
const REPS = arg('reps', 7);
const BATCH = 1000;
const SERVICES = Array.from({length: 8}, (_, index) => `service${index + 1}`);

const line = index => `GET /api/products/${index} 200 ${index % 97}ms user=${index % 13} trace=${(index * 2654435761) % 4294967296}`;
const eventsOf = chunk =>
	Array.from({length: Math.ceil(LINES / chunk)}, (_, index) => {
		const which = index % SERVICES.length;
		const lines = Array.from({length: chunk}, (_, offset) => line(index * chunk + offset));
		return {type: 'run/output', pid: 1000 + which, stream: 'stdout', lines, at: index, service: SERVICES[which]};
	});
const stackEvents = eventsOf(1);
const chunkEvents = eventsOf(50);
const appEvents = stackEvents.map(({service: _service, ...event}) => ({...event, pid: 1000}));
const infos = SERVICES.map(name => ({name, command: ['node', 'app.mjs'], cwd: '/app', dependsOn: {}}));

const batches = events => Array.from({length: Math.ceil(events.length / BATCH)}, (_, index) => events.slice(index * BATCH, (index + 1) * BATCH));
const stackBatches = batches(stackEvents);
const chunkBatches = batches(chunkEvents);
const appBatches = batches(appEvents);

const timed = run => {
	const start = performance.now();
	const state = run();
	return {ms: performance.now() - start, state};
};

const variants = {
	'one app, one process (reduceAll)': () => appBatches.reduce((state, batch) => reduceAll(state, batch), createInitialState({command: ['node'], cwd: '/app', watch: [], now: 0})),
	'8 services interleaved (reduceStackAll)': () => stackBatches.reduce((state, batch) => reduceStackAll(state, batch), createStackState({cwd: '/app', now: 0, services: infos})),
	'8 services, 50-line chunks (reduceStackAll)': () => chunkBatches.reduce((state, batch) => reduceStackAll(state, batch), createStackState({cwd: '/app', now: 0, services: infos})),
	'8 services, merged log appended per event': () =>
		stackBatches.reduce((state, batch) => batch.reduce(reduceStackStreamEvent, state), createStackState({cwd: '/app', now: 0, services: infos})),
};

const results = Object.fromEntries(Object.keys(variants).map(name => [name, []]));
for (let rep = 0; rep < REPS + 1; rep++) {
	for (const [name, run] of Object.entries(variants)) {
		const {ms, state} = timed(run);
		if (state.logs.entries.length === 0) throw new Error(`${name} folded nothing`);
		// The first rep warms the JIT up and is left out.
		if (rep > 0) results[name].push(ms);
	}
}

const base = median(results['one app, one process (reduceAll)']);
console.log(`${LINES.toLocaleString('en')} lines, batches of ${BATCH} events, ${REPS} interleaved reps (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
console.log(
	table(
		['fold', 'median ms', 'µs per line', 'vs one app'],
		Object.entries(results).map(([name, values]) => [name, fixed(median(values)), fixed((median(values) * 1000) / LINES, 2), ratio(median(values), base)]),
	),
);
