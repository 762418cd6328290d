import {describe, expect, it} from 'vitest';
import {LOG_CAP, createInitialState} from '../../src/store/state.js';
import {createStore, FLOOD_LINES} from '../../src/store/store.js';
import type {SupervisorEvent} from '../../src/supervisor/events.js';
import {waitFor} from '../helpers/wait-for.js';

const initial = () => createInitialState({command: ['app'], cwd: '/app', watch: ['.'], now: 0});
const line = (text: string, at = 1): SupervisorEvent => ({type: 'run/output', pid: 1, stream: 'stdout', lines: [text], at});

describe('the store', () => {
	it('folds a burst of events into one notification', async () => {
		const store = createStore(initial());
		let notified = 0;
		store.subscribe(() => notified++);
		for (let index = 0; index < 10_000; index++) store.ingest(line(`line ${index}`));
		expect(notified).toBe(0);
		await waitFor(() => notified > 0, {message: 'a notification'});
		expect(notified).toBe(1);
		expect(store.getState().logs.entries).toHaveLength(LOG_CAP);
		expect(store.getState().logs.entries.at(-1)?.text).toBe('line 9999');
		store.dispose();
	});

	it('notifies at most about 30 times a second under a steady stream', async () => {
		const store = createStore(initial());
		let notified = 0;
		store.subscribe(() => notified++);
		const started = performance.now();
		let sent = 0;
		const timer = setInterval(() => {
			for (let index = 0; index < 20; index++) store.ingest(line(`line ${sent++}`));
		}, 1);
		await waitFor(() => performance.now() - started > 600, {message: '600 ms of output'});
		clearInterval(timer);
		store.flush();
		const elapsed = performance.now() - started;
		expect(sent).toBeGreaterThan(100);
		expect(notified).toBeGreaterThan(1);
		// One per 33 ms at most, plus the final flush; a slow machine only lowers the count.
		expect(notified).toBeLessThanOrEqual(Math.ceil(elapsed / 33) + 2);
		expect(store.getState().logs.entries.at(-1)?.text).toBe(`line ${sent - 1}`);
		store.dispose();
	});

	it('applies a key at once, after the events that came before it', () => {
		const store = createStore(initial());
		let notified = 0;
		store.subscribe(() => notified++);
		store.ingest(line('before'));
		store.dispatch({type: 'ui/scroll', by: -1});
		expect(notified).toBe(1);
		expect(store.getState().logs.entries.map(entry => entry.text)).toEqual(['before']);
		store.dispatch({type: 'ui/focus', step: 1});
		expect(notified).toBe(2);
		expect(store.getState().ui.focus).toBe('inspector');
		store.dispose();
	});

	it('does not notify for an action that changes nothing', () => {
		const store = createStore(initial());
		let notified = 0;
		store.subscribe(() => notified++);
		store.dispatch({type: 'tick', now: -5});
		expect(notified).toBe(0);
		store.dispose();
	});

	it('folds a long queue early so memory stays flat, and still notifies once', async () => {
		const store = createStore(initial(), {intervalMs: 200});
		let notified = 0;
		store.subscribe(() => notified++);
		for (let index = 0; index < 2500; index++) store.ingest(line(`line ${index}`));
		expect(store.getState().logs.entries.length).toBeGreaterThanOrEqual(2000);
		expect(notified).toBe(0);
		await waitFor(() => notified > 0, {message: 'a notification'});
		expect(notified).toBe(1);
		expect(store.getState().logs.entries).toHaveLength(2500);
		store.dispose();
	});

	it('arms no timer once disposed; flush still folds what is queued', () => {
		let armed = 0;
		const store = createStore(initial(), {
			setTimer: (callback, ms) => {
				armed++;
				return setTimeout(callback, ms);
			},
		});
		let notified = 0;
		store.subscribe(() => notified++);
		store.dispose();
		store.ingest(line('late'));
		expect(armed).toBe(0);
		expect(notified).toBe(0);
		store.flush();
		expect(notified).toBe(1);
		expect(store.getState().logs.entries).toHaveLength(1);
	});

	describe('while a restart goes from stop to spawn', () => {
		// A hand-driven clock: which timer is armed for when is the whole point here.
		const manualClock = () => {
			let clock = 0;
			let armed: {callback: () => void; at: number} | undefined;
			return {
				options: {
					now: () => clock,
					setTimer: (callback: () => void, ms: number) => (armed = {callback, at: clock + ms}),
					clearTimer: (timer: unknown) => {
						if (armed === timer) armed = undefined;
					},
				},
				armedAt: () => armed?.at,
				advanceTo(at: number) {
					clock = at;
					const due = armed;
					if (due && due.at <= at) {
						armed = undefined;
						due.callback();
					}
				},
			};
		};
		const stopRequested: SupervisorEvent = {type: 'run/stop-requested', pid: 1, reason: 'change', files: [{path: 'a.ts', kind: 'changed'}], at: 1};
		const spawned: SupervisorEvent = {type: 'run/spawned', pid: 2, restart: 1, command: ['app'], spawnMs: 3, at: 2};

		it('draws nothing until the new instance is spawned, then at once', () => {
			const time = manualClock();
			const store = createStore(initial(), {...time.options, intervalMs: 33, restartHoldMs: 100});
			let notified = 0;
			store.subscribe(() => notified++);
			store.ingest(stopRequested);
			expect(time.armedAt()).toBe(100);
			time.advanceTo(20);
			expect(notified).toBe(0);
			store.ingest(spawned);
			expect(time.armedAt()).toBe(20);
			time.advanceTo(20);
			expect(notified).toBe(1);
		});

		it('holds frames back no longer than the cap, so a slow stop still shows its countdown', () => {
			const time = manualClock();
			const store = createStore(initial(), {...time.options, intervalMs: 33, restartHoldMs: 100});
			let notified = 0;
			store.subscribe(() => notified++);
			store.ingest(line('before the change'));
			store.ingest(stopRequested);
			time.advanceTo(99);
			expect(notified).toBe(0);
			time.advanceTo(100);
			expect(notified).toBe(1);
			expect(store.getState().logs.entries.map(entry => entry.text)).toEqual(['before the change']);
		});

		it('draws a flood of output at most every floodIntervalMs, and goes back to the usual rate after it', () => {
			const time = manualClock();
			const store = createStore(initial(), {...time.options, intervalMs: 33, floodIntervalMs: 100});
			let notified = 0;
			store.subscribe(() => notified++);
			const flood = (at: number) => store.ingest({type: 'run/output', pid: 1, stream: 'stdout', lines: Array.from({length: FLOOD_LINES + 1}, (_, index) => `line ${index}`), at});
			flood(0);
			expect(time.armedAt()).toBe(0);
			time.advanceTo(0);
			expect(notified).toBe(1);
			flood(1);
			expect(time.armedAt()).toBe(100);
			time.advanceTo(100);
			expect(notified).toBe(2);
			// A quiet frame after the flood still waits the long interval once; then the usual one.
			store.ingest(line('after'));
			expect(time.armedAt()).toBe(200);
			time.advanceTo(200);
			store.ingest(line('later'));
			expect(time.armedAt()).toBe(233);
		});

		it('draws any other event at the usual rate during a flood (the hold a key asked for)', () => {
			const time = manualClock();
			const store = createStore(initial(), {...time.options, intervalMs: 33, floodIntervalMs: 100});
			store.subscribe(() => {});
			const flood = () => store.ingest({type: 'run/output', pid: 1, stream: 'stdout', lines: Array.from({length: FLOOD_LINES + 1}, (_, index) => `line ${index}`), at: 0});
			flood();
			time.advanceTo(0);
			flood();
			expect(time.armedAt()).toBe(100);
			store.ingest({type: 'supervisor/held', held: true, pending: [], at: 1});
			expect(time.armedAt()).toBe(33);
		});

		it('does not hold frames for a quit', () => {
			const time = manualClock();
			const store = createStore(initial(), {...time.options, intervalMs: 33, restartHoldMs: 100});
			store.ingest({...stopRequested, reason: 'quit'});
			expect(time.armedAt()).toBe(0);
		});
	});
});
