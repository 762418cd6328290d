import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {StateProblem, SupervisorEvent} from '../../src/supervisor/events.js';
import {writeStateFileAtomic} from '../../src/state/atomic-write.js';
import {createStateKeeper, type StateKeeper, type StateKeeperOptions} from '../../src/state/state-keeper.js';
import {defaultWorkerUrl} from '../../src/state/state-validator.js';
import {waitFor} from '../helpers/wait-for.js';

const writerApp = fileURLToPath(new URL('../fixtures/apps/state-writer.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;

interface Setup {
	dir: string;
	stateFile: string;
	snapshots: string;
	events: SupervisorEvent[];
	keeper: StateKeeper;
	/** A fresh keeper on the same files, as after a devtui restart. */
	reopen(extra?: Partial<StateKeeperOptions>): Promise<void>;
	/** Runs afterStop for a stop that began just now (so files written after this call are fresh). */
	stop(write: () => Promise<unknown>, options?: {expected?: boolean; restart?: number}): ReturnType<StateKeeper['afterStop']>;
	of<T extends SupervisorEvent['type']>(type: T): Array<Extract<SupervisorEvent, {type: T}>>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let restartCounter = 0;
const setup = async (extra: Partial<StateKeeperOptions> = {}): Promise<Setup> => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-state-'));
	const stateFile = path.join(dir, '.devtui', 'restart_state.json');
	const events: SupervisorEvent[] = [];
	const bus = createEventBus();
	bus.subscribe(event => events.push(event));
	const context = {dir, stateFile, snapshots: path.join(dir, '.devtui', 'snapshots'), events} as Setup;
	context.reopen = async (more = {}) => {
		await context.keeper?.close();
		context.keeper = createStateKeeper({stateFile, emit: bus.emit, ...extra, ...more});
	};
	await context.reopen();
	context.stop = async (write, {expected = true, restart = ++restartCounter} = {}) => {
		const stopStartedAt = Date.now();
		await write();
		return context.keeper.afterStop({stopStartedAt, restart, expected});
	};
	context.of = type => events.filter(event => event.type === type) as never;
	cleanups.push(async () => {
		await context.keeper.close();
		await rm(dir, {recursive: true, force: true});
	});
	return context;
};

const save = (s: Setup, state: Record<string, unknown>) => () => writeStateFileAtomic(s.stateFile, state);
const snapshotFiles = async (s: Setup) => (await readdir(s.snapshots)).filter(name => name.endsWith('.json') && name !== 'index.json').sort();

beforeAll(() => {
	const worker = fileURLToPath(defaultWorkerUrl());
	if (!existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
});

describe('state keeper: valid state', () => {
	it('snapshots a valid file and reports which keys changed across stops and devtui restarts', async () => {
		const s = await setup();
		const first = await s.stop(save(s, {self_state: {n: 1}, event_queue: [], config: {a: 1}}), {restart: 1});
		expect(first.status).toBe('valid');
		const [validated] = s.of('state/validated');
		expect(validated).toMatchObject({keys: ['self_state', 'event_queue', 'config'], changedKeys: ['self_state', 'event_queue', 'config']});
		expect(validated!.snapshot).toMatch(/^\.devtui\/snapshots\/\d{8}T\d{6}\.\d{3}Z-r000001\.json$/);
		expect(await readFile(path.join(s.dir, validated!.snapshot))).toEqual(await readFile(s.stateFile));
		expect(validated!.bytes).toBe((await readFile(s.stateFile)).length);

		await s.stop(save(s, {self_state: {n: 2}, event_queue: [], config: {a: 1}}));
		expect(s.of('state/validated')[1]!.changedKeys).toEqual(['self_state']);

		await s.reopen();
		await s.stop(save(s, {self_state: {n: 2}, event_queue: [1], extra: true}));
		expect(s.of('state/validated')[2]!.changedKeys).toEqual(['event_queue', 'extra', 'config']);
		await s.stop(save(s, {self_state: {n: 2}, event_queue: [1], extra: true}));
		expect(s.of('state/validated')[3]!.changedKeys).toEqual([]);
		expect(s.of('state/invalid')).toEqual([]);
		expect(await snapshotFiles(s)).toHaveLength(4);
	});

	it('keeps the newest 20 snapshots and lists them newest first', async () => {
		const s = await setup();
		for (let restart = 1; restart <= 23; restart++) await s.stop(save(s, {self_state: {restart}}), {restart});
		expect(await snapshotFiles(s)).toHaveLength(20);
		const list = await s.keeper.list();
		expect(list.map(info => info.restart)).toEqual(Array.from({length: 20}, (_, index) => 23 - index));
		expect(list[0]).toMatchObject({valid: true, keys: ['self_state'], changedKeys: ['self_state']});
	});

	it('never loses the index: snapshot files are indexed again when index.json is gone', async () => {
		const s = await setup({keep: 3});
		for (let restart = 1; restart <= 3; restart++) await s.stop(save(s, {self_state: {restart}}), {restart});
		await rm(path.join(s.snapshots, 'index.json'));
		await s.reopen();
		expect((await s.keeper.list()).map(info => info.restart)).toEqual([3, 2, 1]);
		await s.stop(save(s, {self_state: {restart: 3}}), {restart: 4});
		expect(s.of('state/validated').at(-1)!.changedKeys).toEqual([]);
		expect((await s.keeper.list()).map(info => info.restart)).toEqual([4, 3, 2]);
	});
});

type Breaker = (s: Setup) => Promise<unknown>;
const breakers: Array<[StateProblem, string, Breaker, {setAside?: boolean}?]> = [
	['missing', 'no file at all', async s => rm(s.stateFile), {setAside: false}],
	['stale', 'a file written before the stop began', async s => {
		await writeStateFileAtomic(s.stateFile, {self_state: 'edited by hand earlier'});
		const old = new Date(Date.now() - 60_000);
		await utimes(s.stateFile, old, old);
	}],
	['truncated', 'a file cut in half', async s => {
		await writeStateFileAtomic(s.stateFile, {self_state: {text: 'y'.repeat(5000)}});
		const bytes = await readFile(s.stateFile);
		await writeFile(s.stateFile, bytes.subarray(0, bytes.length / 2));
	}],
	['corrupt', 'garbage', async s => writeFile(s.stateFile, 'this is not json at all')],
	['corrupt', 'invalid UTF-8 bytes', async s => {
		const parts = ['{"restart_marker": true, "timestamp": 1, "a": "', '"}'].map(text => Buffer.from(text));
		await writeFile(s.stateFile, Buffer.concat([parts[0]!, Buffer.from([0xc3, 0x28, 0xff]), parts[1]!]));
	}],
	['no-marker', 'an object without restart_marker', async s => writeFile(s.stateFile, '{"timestamp": 1, "self_state": {}}')],
	['not-a-file', 'a directory in its place', async s => {
		await rm(s.stateFile);
		await mkdir(path.join(s.stateFile, 'inside'), {recursive: true});
	}],
	['too-large', 'a file over the size cap', async s => writeStateFileAtomic(s.stateFile, {self_state: 'z'.repeat(5000)})],
];

describe('state keeper: a bad state file is reported and the last valid snapshot put back', () => {
	it.each(breakers)('%s: %s', async (problem, _, breakIt, {setAside = true} = {}) => {
		const s = await setup({maxBytes: 4096});
		await s.stop(save(s, {self_state: {good: 1}}));
		await s.stop(save(s, {self_state: {good: 2}}));
		const good = await readFile(s.stateFile);
		const summary = await s.stop(() => breakIt(s));
		expect(summary).toMatchObject({status: 'invalid', problem});
		const [invalid] = s.of('state/invalid');
		expect(invalid).toMatchObject({reason: problem});
		expect(invalid!.message).not.toContain('\n');
		expect(invalid!.message).toContain('.devtui/restart_state.json');
		expect(s.of('state/restored')).toEqual([expect.objectContaining({reason: problem, snapshot: s.of('state/validated')[1]!.snapshot})]);
		expect(await readFile(s.stateFile)).toEqual(good);
		if (setAside) {
			expect(summary.setAside).toMatch(new RegExp(`^\\.devtui/restart_state\\.json\\.${problem}-\\d{8}T`));
			expect(existsSync(path.join(s.dir, summary.setAside!))).toBe(true);
		} else expect(summary.setAside).toBeUndefined();
		expect(s.of('supervisor/error')).toEqual([]);
	});

	it('stale: an unchanged copy of the last snapshot (the app did not save) is put back without a set-aside copy', async () => {
		const s = await setup();
		await s.stop(save(s, {self_state: 1}));
		const good = await readFile(s.stateFile);
		const old = new Date(Date.now() - 60_000);
		await utimes(s.stateFile, old, old);
		const summary = await s.stop(async () => undefined);
		expect(summary).toMatchObject({status: 'invalid', problem: 'stale'});
		expect(summary.setAside).toBeUndefined();
		expect(s.of('state/restored')).toHaveLength(1);
		expect(await readFile(s.stateFile)).toEqual(good);
		expect((await readdir(path.dirname(s.stateFile))).sort()).toEqual(['restart_state.json', 'snapshots']);
	});

	it('skips a snapshot damaged since it was taken and puts back the newest intact one', async () => {
		const s = await setup();
		await s.stop(save(s, {self_state: 'older'}));
		const older = await readFile(s.stateFile);
		await s.stop(save(s, {self_state: 'newer'}));
		await truncate(path.join(s.dir, s.of('state/validated')[1]!.snapshot), 10);
		await s.stop(() => writeFile(s.stateFile, '{"restart_marker": tr'));
		expect(s.of('state/restored')[0]!.snapshot).toBe(s.of('state/validated')[0]!.snapshot);
		expect(await readFile(s.stateFile)).toEqual(older);
		expect((await s.keeper.list()).map(info => info.valid)).toEqual([false, true]);
	});

	it('unreadable: a file the user cannot read', async ({skip}) => {
		if (isRoot) skip('running as root: chmod cannot make a file unreadable (the errno mapping is unit-tested)');
		const s = await setup();
		await s.stop(save(s, {self_state: 1}));
		const good = await readFile(s.stateFile);
		await s.stop(async () => {
			await writeStateFileAtomic(s.stateFile, {self_state: 2});
			await chmod(s.stateFile, 0o000);
		});
		expect(s.of('state/invalid')[0]).toMatchObject({reason: 'unreadable'});
		expect(await readFile(s.stateFile)).toEqual(good);
	});
});

describe('state keeper: without any snapshot', () => {
	it('stays quiet when the app never saved state and none was expected', async () => {
		const s = await setup();
		expect(await s.stop(async () => undefined, {expected: false})).toMatchObject({status: 'quiet'});
		expect(s.events).toEqual([]);
	});

	it('reports a missing file when the app announced a save', async () => {
		const s = await setup();
		expect(await s.stop(async () => undefined, {expected: true})).toMatchObject({status: 'invalid', problem: 'missing'});
		expect(s.events.map(event => event.type)).toEqual(['state/invalid']);
	});

	it('reports a missing file, unannounced, when snapshots exist from an earlier session', async () => {
		const s = await setup();
		await s.stop(save(s, {self_state: 1}));
		await s.reopen();
		await rm(s.stateFile);
		await s.stop(async () => undefined, {expected: false});
		expect(s.of('state/invalid')).toEqual([expect.objectContaining({reason: 'missing'})]);
		expect(s.of('state/restored')).toHaveLength(1);
	});

	it('sets a corrupt file aside so the app starts clean, keeping its bytes', async () => {
		const s = await setup();
		const summary = await s.stop(() => mkdir(path.dirname(s.stateFile), {recursive: true}).then(() => writeFile(s.stateFile, '{"restart_marker": true, oops')));
		expect(summary).toMatchObject({status: 'invalid', problem: 'corrupt'});
		expect(existsSync(s.stateFile)).toBe(false);
		expect(await readFile(path.join(s.dir, summary.setAside!), 'utf8')).toBe('{"restart_marker": true, oops');
		expect(s.of('state/invalid')[0]!.message).toMatch(/set aside as \.devtui\/restart_state\.json\.corrupt-.* so the app starts clean$/);
		expect(s.of('state/restored')).toEqual([]);
	});
});

describe('state keeper: rollback', () => {
	it('puts a chosen snapshot back and refuses unknown names', async () => {
		const s = await setup();
		await s.stop(save(s, {self_state: 'first'}));
		const first = await readFile(s.stateFile);
		await s.stop(save(s, {self_state: 'second'}));
		const [, oldest] = await s.keeper.list();
		await s.keeper.restore(oldest!.file);
		expect(await readFile(s.stateFile)).toEqual(first);
		expect(s.of('state/restored')).toEqual([expect.objectContaining({snapshot: oldest!.file, reason: 'rollback'})]);
		// The replaced state was the newest snapshot already, so nothing needed setting aside.
		expect((await readdir(path.dirname(s.stateFile))).sort()).toEqual(['restart_state.json', 'snapshots']);
		await expect(s.keeper.restore('nope.json')).rejects.toThrow(/no snapshot named nope\.json/);
	});
});

/** Makes `dir` unwritable for this user: chmod, or as root the immutable attribute. */
const lockDirectory = async (dir: string): Promise<() => Promise<void>> => {
	if (!isRoot) {
		await chmod(dir, 0o555);
		return () => chmod(dir, 0o755);
	}
	const locked = spawnSync('chattr', ['+i', dir], {stdio: 'ignore'});
	if (locked.status !== 0) throw new Error(`chattr +i ${dir} failed`);
	return async () => void spawnSync('chattr', ['-i', dir], {stdio: 'ignore'});
};

/** Whether lockDirectory can work here: as root only the immutable attribute stops writes, if the filesystem has it. */
const canLockDirectories = async (): Promise<boolean> => {
	const probe = await mkdtemp(path.join(os.tmpdir(), 'devtui-lock-'));
	try {
		const unlock = await lockDirectory(probe).catch(() => undefined);
		if (unlock === undefined) return false;
		const blocked = await writeFile(path.join(probe, 'x'), '').then(
			() => false,
			() => true,
		);
		await unlock();
		return blocked;
	} finally {
		await rm(probe, {recursive: true, force: true});
	}
};

describe('state keeper: a state directory that cannot be written', () => {
	const skipReason = 'running as root where chattr +i is unavailable: no way to make a directory unwritable';

	it('reports the problem and the failed repair instead of throwing', async ({skip}) => {
		if (!(await canLockDirectories())) skip(skipReason);
		const s = await setup();
		await s.stop(save(s, {self_state: 1}));
		const summary = await s.stop(async () => {
			await writeFile(s.stateFile, 'garbage');
			cleanups.push(await lockDirectory(path.dirname(s.stateFile)));
		});
		expect(summary).toMatchObject({status: 'invalid', problem: 'corrupt'});
		expect(s.of('state/invalid')).toHaveLength(1);
		expect(s.of('state/restored')).toEqual([]);
		expect(s.of('supervisor/error')[0]!.message).toMatch(/^Could not put the last valid state back in place of \.devtui\/restart_state\.json: /);
		expect(await readFile(s.stateFile, 'utf8')).toBe('garbage');
	});

	it('still reports a valid state when its snapshot cannot be written', async ({skip}) => {
		if (!(await canLockDirectories())) skip(skipReason);
		const s = await setup();
		await s.stop(save(s, {self_state: 1}));
		cleanups.push(await lockDirectory(s.snapshots));
		await s.stop(save(s, {self_state: 2}));
		expect(s.of('state/validated')[1]).toMatchObject({snapshot: '', changedKeys: ['self_state']});
		expect(s.of('supervisor/error')[0]!.message).toMatch(/^The state is valid but could not be snapshotted: /);
	});
});

describe('state keeper: an app killed while writing its state', () => {
	it('never sees a torn state file: 20 SIGKILLs at random moments of an atomic writer', async () => {
		const s = await setup();
		const stateDir = path.dirname(s.stateFile);
		let present = 0;
		let torn = 0;
		for (let round = 1; round <= 20; round++) {
			for (const name of await readdir(stateDir).catch(() => [])) {
				if (name.startsWith('restart_state.json')) await rm(path.join(stateDir, name), {force: true});
			}
			const stopStartedAt = Date.now();
			const child = spawn(process.execPath, [writerApp, s.stateFile, '2000000'], {stdio: 'ignore'});
			const exited = new Promise(resolve => child.once('exit', resolve));
			cleanups.push(async () => void child.kill('SIGKILL'));
			// Half the kills land any time after the start (maybe before the first write), half after
			// at least one complete write; the random delay is the stimulus here, not a wait.
			if (round % 2 === 0) await waitFor(() => existsSync(s.stateFile), {timeout: 20_000, message: 'the first state write'});
			if (round % 4 === 0) {
				// Every fourth round kills the moment a write is seen in progress, so some kills surely land mid-write.
				const writing = async () => (await readdir(stateDir).catch(() => [])).some(name => name.includes('.tmp-'));
				await waitFor(writing, {timeout: 20_000, interval: 1, message: 'a state write in progress'});
			} else {
				await new Promise(resolve => setTimeout(resolve, Math.random() * 300));
			}
			child.kill('SIGKILL');
			await exited;
			if ((await readdir(stateDir).catch(() => [])).some(name => name.includes('.tmp-'))) torn++;
			const existed = existsSync(s.stateFile);
			if (existed) {
				present++;
				const state = JSON.parse(await readFile(s.stateFile, 'utf8')) as {restart_marker?: unknown};
				expect(state.restart_marker).toBe(true);
			}
			const summary = await s.keeper.afterStop({stopStartedAt, restart: round, expected: true});
			expect(summary, `round ${round}`).toMatchObject(existed ? {status: 'valid'} : {status: 'invalid', problem: 'missing'});
		}
		expect(present).toBeGreaterThanOrEqual(10);
		// Proof that kills really landed in the middle of writes.
		expect(torn).toBeGreaterThan(0);
		expect(s.of('state/invalid').every(event => event.reason === 'missing')).toBe(true);
	}, 120_000);
});
