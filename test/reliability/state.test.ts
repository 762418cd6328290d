// State: whatever happens to the state file between two runs, the next run starts from a valid
// state (the new one, or the last valid snapshot put back), devtui says what went wrong in one
// line, and snapshots are never pruned down to nothing valid. The real state keeper, real files.

import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {writeStateFileAtomic} from '../../src/state/atomic-write.js';
import {createStateKeeper, type StateKeeper} from '../../src/state/state-keeper.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent} from '../../src/supervisor/events.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const readPid = (file: string): number | undefined => {
	try {
		return (JSON.parse(readFileSync(file, 'utf8')) as {config?: {pid?: number}}).config?.pid;
	} catch {
		return undefined;
	}
};

const isRoot = process.getuid?.() === 0;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const setup = async () => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-rel-state-'));
	const stateFile = path.join(dir, '.devtui', 'restart_state.json');
	const events: SupervisorEvent[] = [];
	const bus = createEventBus();
	bus.subscribe(event => events.push(event));
	const keeper: StateKeeper = createStateKeeper({stateFile, emit: bus.emit});
	cleanups.push(async () => {
		await keeper.close();
		spawnSync('chattr', ['-i', path.dirname(stateFile)], {stdio: 'ignore'});
		await rm(dir, {recursive: true, force: true});
	});
	let restart = 0;
	const stop = async (write: () => Promise<unknown>) => {
		const stopStartedAt = Date.now();
		await write();
		return keeper.afterStop({stopStartedAt, restart: ++restart, expected: true});
	};
	const of = <T extends SupervisorEvent['type']>(type: T) => events.filter(event => event.type === type) as Array<Extract<SupervisorEvent, {type: T}>>;
	return {dir, stateFile, keeper, events, stop, of};
};

describe('state: a writer SIGKILLed at random moments', () => {
	it('100 kills during state writes: the file is always the old or the new state, never neither', async () => {
		const s = await setup();
		await s.stop(() => writeStateFileAtomic(s.stateFile, {restart_marker: true, self_state: {round: 0}, config: {pid: 0}}));
		let previousPid = 0;
		let kept = 0;
		let replaced = 0;
		const outcomes = new Map<string, number>();
		for (let round = 1; round <= 100; round++) {
			const stopStartedAt = Date.now();
			const child = spawn(process.execPath, [fixture('state-writer.mjs'), s.stateFile, '300000'], {stdio: 'ignore'});
			const exited = new Promise(resolve => child.once('exit', resolve));
			cleanups.push(async () => void child.kill('SIGKILL'));
			// The random delay is the stimulus (where in a write the kill lands), not a wait. On a
			// loaded machine the writer may not even have started within it, so every fourth kill
			// waits for a completed write first: both outcomes are then certain to be exercised.
			// And every fourth is killed at once, before its first write can have finished.
			if (round % 4 === 2) await waitFor(() => readPid(s.stateFile) === child.pid, {timeout: 30_000, message: `a completed write by pid ${child.pid}`});
			else if (round % 4 !== 0) await new Promise(resolve => setTimeout(resolve, Math.random() * 150));
			child.kill('SIGKILL');
			await exited;
			const state = JSON.parse(await readFile(s.stateFile, 'utf8')) as {restart_marker: boolean; config: {pid: number}};
			expect(state.restart_marker, `round ${round}`).toBe(true);
			// Old: the last state seen (maybe one devtui put back); new: one this writer completed.
			expect([previousPid, child.pid], `round ${round}`).toContain(state.config.pid);
			if (state.config.pid === child.pid) replaced++;
			else kept++;
			const summary = await s.keeper.afterStop({stopStartedAt, restart: round + 1, expected: true});
			const outcome = summary.status === 'valid' ? 'valid' : `${summary.status}/${summary.problem}`;
			outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
			// A kept old file is stale (the app did not save); devtui puts the same state back.
			expect(['valid', 'invalid/stale'], `round ${round}`).toContain(outcome);
			const after = JSON.parse(await readFile(s.stateFile, 'utf8')) as {config: {pid: number}};
			previousPid = after.config.pid;
		}
		const temps = (await readdir(path.dirname(s.stateFile))).filter(name => name.includes('.tmp-')).length;
		console.log(`[reliability] state/100-kills: ${replaced} kills after a completed write (new state), ${kept} before (old state), 0 torn; keeper verdicts ${JSON.stringify(Object.fromEntries(outcomes))}; ${temps} half-written temp files left by the kills`);
		expect(replaced).toBeGreaterThan(0);
		expect(kept).toBeGreaterThan(0);
	}, 120_000);
});

describe('state: a bad file is reported in one line and the last valid snapshot is used', () => {
	const good = {restart_marker: true, self_state: {good: true}};
	const cases: Array<[string, RegExp, (file: string) => Promise<void>]> = [
		['a truncated file', /truncated|corrupt/, async file => writeFile(file, JSON.stringify({...good, pad: 'x'.repeat(500)}).slice(0, 200))],
		['a file of invalid UTF-8', /corrupt|utf/i, async file => writeFile(file, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))],
		['a 50 MB file cut short', /truncated|corrupt/, async file => writeFile(file, `{"restart_marker": true, "blob": "${'y'.repeat(50 * 1024 * 1024)}`)],
		['a directory in place of the file', /not-a-file|directory/, async file => rm(file).then(() => mkdir(file))],
	];
	for (const [name, reason, breakIt] of cases) {
		it(name, async () => {
			const s = await setup();
			await s.stop(() => writeStateFileAtomic(s.stateFile, good));
			const before = await readFile(s.stateFile);
			const startedAt = Date.now();
			const summary = await s.stop(() => breakIt(s.stateFile));
			const ms = Date.now() - startedAt;
			expect(summary.status).toBe('invalid');
			const [invalid] = s.of('state/invalid');
			expect(`${invalid!.reason} ${invalid!.message}`).toMatch(reason);
			expect(invalid!.message).not.toContain('\n');
			expect(invalid!.message).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
			expect(s.of('state/restored')).toHaveLength(1);
			expect(await readFile(s.stateFile)).toEqual(before);
			console.log(`[reliability] state/${name}: ${ms} ms, "${invalid!.reason}: ${invalid!.message}"`);
		}, 60_000);
	}

	it('a valid 50 MB file is validated and snapshotted', async () => {
		const s = await setup();
		const startedAt = Date.now();
		const summary = await s.stop(() => writeStateFileAtomic(s.stateFile, {restart_marker: true, blob: 'z'.repeat(50 * 1024 * 1024)}));
		console.log(`[reliability] state/valid-50MB: validated and snapshotted in ${Date.now() - startedAt} ms (validate ${summary.validateMs} ms, snapshot ${summary.snapshotMs} ms)`);
		expect(summary.status).toBe('valid');
	}, 60_000);

	it('a state directory without write permission: one-line messages, no crash, the file left as it is (chattr +i as root)', async ({skip}) => {
		const s = await setup();
		await s.stop(() => writeStateFileAtomic(s.stateFile, good));
		const stateDir = path.dirname(s.stateFile);
		const summary = await s.stop(async () => {
			await writeFile(s.stateFile, 'garbage');
			if (isRoot) {
				if (spawnSync('chattr', ['+i', stateDir], {stdio: 'ignore'}).status !== 0) skip('running as root on a filesystem without chattr +i: no way to make a directory unwritable');
			} else await import('node:fs/promises').then(fs => fs.chmod(stateDir, 0o555));
			const blocked = await writeFile(path.join(stateDir, 'probe'), '').then(() => false, () => true);
			if (!blocked) skip('the state directory could not be made unwritable here');
		});
		expect(summary).toMatchObject({status: 'invalid', problem: 'corrupt'});
		const errors = s.of('supervisor/error').map(event => event.message);
		expect(errors).toHaveLength(1);
		expect(errors[0]).not.toContain('\n');
		expect(await readFile(s.stateFile, 'utf8')).toBe('garbage');
		console.log(`[reliability] state/unwritable-dir: "${s.of('state/invalid')[0]!.message}" then "${errors[0]}"`);
	});

	it('snapshots are never pruned below one valid state: 1 valid save, then 30 bad stops', async () => {
		const s = await setup();
		await s.stop(() => writeStateFileAtomic(s.stateFile, good));
		const before = await readFile(s.stateFile);
		for (let round = 0; round < 30; round++) await s.stop(() => writeFile(s.stateFile, `{"broken": ${round}`));
		const snapshots = await s.keeper.list();
		expect(snapshots.filter(snapshot => snapshot.valid)).toHaveLength(1);
		expect(s.of('state/restored')).toHaveLength(30);
		expect(await readFile(s.stateFile)).toEqual(before);
		expect(existsSync(s.stateFile)).toBe(true);
		console.log(`[reliability] state/pruning: after 30 bad stops ${snapshots.length} snapshot(s), ${snapshots.filter(snapshot => snapshot.valid).length} valid, restored 30 times`);
	}, 60_000);
});
