import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent} from '../../src/supervisor/events.js';
import {writeStateFileAtomic} from '../../src/state/atomic-write.js';
import {createStateKeeper, type StateKeeper} from '../../src/state/state-keeper.js';
import {defaultWorkerUrl} from '../../src/state/state-validator.js';
import {measureLoop} from '../helpers/measure-loop.js';

const MB = 1024 * 1024;
/** A correctness bound, not a benchmark: a blocked event loop would show gaps of seconds. */
const MAX_GAP_MS = 200;

/** An app-like state of about `bytes`: many small records, a queue and a little config. */
const bigState = (bytes: number, round: number) => {
	const record = (index: number) => ({id: index, name: `user-${index}`, tags: ['a', 'b'], score: index * 1.5, note: 'n'.repeat(120)});
	const count = Math.round(bytes / JSON.stringify(record(100_000)).length);
	return {
		self_state: {users: Array.from({length: count}, (_, index) => record(index))},
		event_queue: [{round}],
		config: {debug: true},
	};
};

describe('state keeper with a 50 MB state', () => {
	let dir: string;
	let stateFile: string;
	let keeper: StateKeeper;
	const events: SupervisorEvent[] = [];

	beforeAll(async () => {
		const worker = fileURLToPath(defaultWorkerUrl());
		if (!existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
		dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-state-large-'));
		stateFile = path.join(dir, '.devtui', 'restart_state.json');
		const bus = createEventBus();
		bus.subscribe(event => events.push(event));
		keeper = createStateKeeper({stateFile, emit: bus.emit});
	});

	afterAll(async () => {
		await keeper?.close();
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	it('validates, snapshots and restores it without blocking the main event loop', async () => {
		const timings: Record<string, string> = {};
		const stop = async (label: string, write: () => Promise<unknown>, restart: number) => {
			const stopStartedAt = Date.now();
			const saveStarted = performance.now();
			await write();
			timings[`${label} save`] = `${Math.round(performance.now() - saveStarted)} ms`;
			const {result, maxGapMs, ms} = await measureLoop(() => keeper.afterStop({stopStartedAt, restart, expected: true}));
			timings[`${label} afterStop`] = `${Math.round(ms)} ms (validate ${Math.round(result.validateMs)} ms, snapshot/restore ${Math.round(result.snapshotMs)} ms, longest loop gap ${Math.round(maxGapMs)} ms)`;
			expect(maxGapMs, `${label}: longest event-loop gap`).toBeLessThan(MAX_GAP_MS);
			return result;
		};

		const first = await stop('first', () => writeStateFileAtomic(stateFile, bigState(50 * MB, 1)), 1);
		expect(first.status).toBe('valid');
		const validated = events.filter(event => event.type === 'state/validated');
		expect(validated[0]!.bytes).toBeGreaterThan(50 * MB);
		// Buffer.equals: vitest's deep equality walks a 50 MB buffer element by element.
		expect((await readFile(path.join(dir, validated[0]!.snapshot))).equals(await readFile(stateFile))).toBe(true);

		const second = await stop('second', () => writeStateFileAtomic(stateFile, bigState(50 * MB, 2)), 2);
		expect(second.status).toBe('valid');
		expect(events.filter(event => event.type === 'state/validated')[1]!.changedKeys).toEqual(['event_queue']);
		const good = await readFile(stateFile);

		const third = await stop(
			'truncated',
			async () => writeFile(stateFile, good.subarray(0, good.length - 1000)),
			3,
		);
		expect(third).toMatchObject({status: 'invalid', problem: 'truncated'});
		expect((await readFile(stateFile)).equals(good)).toBe(true);

		console.log(`state-large (${(good.length / MB).toFixed(1)} MiB):\n${Object.entries(timings).map(([key, value]) => `  ${key}: ${value}`).join('\n')}`);
	}, 180_000);
});
