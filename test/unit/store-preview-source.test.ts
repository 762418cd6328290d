// The state preview's wiring to the store, with the real worker-thread loader, real files and a real bus.

import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createInitialState} from '../../src/store/state.js';
import {createStore} from '../../src/store/store.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import {connectPreview} from '../../src/tui/connect-preview.js';
import {createCommands} from '../../src/tui/create-commands.js';
import {createStatePreviewSource} from '../../src/state/state-preview.js';
import {loadDashboard} from '../../src/tui/load-dashboard.js';
import {waitFor} from '../helpers/wait-for.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-preview-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const newStore = () => createStore(createInitialState({command: ['app'], cwd: dir, watch: [dir], now: 0}), {intervalMs: 1});

describe('connectPreview', () => {
	it('loads the state at once and again after each validation', async () => {
		const file = path.join(dir, 'state.json');
		await writeFile(file, JSON.stringify({counter: 1}));
		const bus = createEventBus();
		const store = newStore();
		const source = createStatePreviewSource();
		const stop = connectPreview({bus, store, source, stateFile: file});
		await waitFor(() => store.getState().preview.status === 'ready', {message: 'the first preview'});
		expect(store.getState().preview.preview?.root.children?.[0]?.text).toBe('1');

		await writeFile(file, JSON.stringify({counter: 2}));
		bus.emit({type: 'state/validated', bytes: 13, keys: ['counter'], changedKeys: ['counter'], snapshot: 's.json', durationMs: 1});
		await waitFor(() => store.getState().preview.preview?.root.children?.[0]?.text === '2', {message: 'the reloaded preview'});

		// A file that is gone is no error but "no state" (the invalid save says what happened).
		await rm(file);
		bus.emit({type: 'state/invalid', reason: 'missing', message: 'gone'});
		await waitFor(() => store.getState().preview.status === 'none', {message: 'the reload of a missing file'});

		// One that cannot be read is an error, with the reason.
		await writeFile(file, '{"counter": ');
		bus.emit({type: 'state/invalid', reason: 'truncated', message: 'cut'});
		await waitFor(() => store.getState().preview.status === 'error', {message: 'the failed reload'});
		stop();
		store.dispose();
		await source.close();
	});
});

describe('createCommands', () => {
	it('turns commands into session calls and puts the snapshot list in the store', async () => {
		const calls: string[] = [];
		let held = false;
		const session = {
			supervisor: {
				restart: () => calls.push('restart'),
				hold: (value: boolean) => {
					calls.push(`hold ${value}`);
					held = value;
					store.ingest({type: 'supervisor/held', held: value, pending: [], at: 1});
				},
				get held() {
					return held;
				},
				forceKill: () => calls.push('forceKill'),
			},
			stateKeeper: {
				list: async () => [{file: 'a.json', path: '/x/a.json', restart: 1, bytes: 10, keys: ['k'], changedKeys: ['k'], savedAt: 5, valid: true}],
			},
			loadSnapshotOnNextStart: (file: string | undefined) => calls.push(`load ${file}`),
		};
		const store = newStore();
		const commands = createCommands({session, store, quit: () => calls.push('quit')});
		let notified = 0;
		store.subscribe(() => notified++);
		commands.restart();
		commands.togglePostpone();
		// What the core reported while carrying the command out is drawn at once, not at the next frame.
		await new Promise(resolve => setImmediate(resolve));
		expect(store.getState().held).toBe(true);
		expect(notified).toBe(1);
		commands.togglePostpone();
		commands.forceKill();
		commands.loadSnapshot('/x/a.json');
		commands.quit();
		expect(calls).toEqual(['restart', 'hold true', 'hold false', 'forceKill', 'load /x/a.json', 'quit']);
		commands.listSnapshots();
		expect(store.getState().snapshots.status).toBe('loading');
		await waitFor(() => store.getState().snapshots.status === 'ready', {message: 'the snapshot list'});
		expect(store.getState().snapshots.items).toEqual([{file: 'a.json', path: '/x/a.json', restart: 1, bytes: 10, changedKeys: ['k'], savedAt: 5, valid: true}]);
		store.dispose();
	});
});

describe('loadDashboard', () => {
	it("puts the user's NODE_ENV back after loading React", async () => {
		const set = {NODE_ENV: 'development'};
		await loadDashboard(set);
		expect(set).toEqual({NODE_ENV: 'development'});
		const unset: NodeJS.ProcessEnv = {};
		const module = await loadDashboard(unset);
		expect(Object.hasOwn(unset, 'NODE_ENV')).toBe(false);
		expect(typeof module.mountDashboard).toBe('function');
	});
});
