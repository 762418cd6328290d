// The dashboard's clock: coarse spans, and when the next tick is due for each kind of screen.

import {describe, expect, it} from 'vitest';
import {coarseSpanStep, formatCoarseSpan, nextTickAt, NOTICE_MS, STOPPING_TICK_MS} from '../../src/store/clock.js';
import {reduceAll} from '../../src/store/reducer.js';
import {createInitialState, type DashboardState} from '../../src/store/state.js';
import {COMMAND, CWD, createScript, ready, setState, spawn, T0, type Script} from '../fixtures/dashboard-script.js';

const fold = (script: Script): DashboardState =>
	reduceAll(createInitialState({command: COMMAND, cwd: CWD, watch: ['src'], now: T0}), script.events);

/** An app that started and reported ready: nothing moves on screen but its uptime. */
const idleApp = () => {
	const script = createScript();
	spawn(script, 4242, 0);
	ready(script, 4242, 0, 100);
	const state = fold(script);
	return {script, state, startedAt: state.startedAt!};
};

describe('coarse spans', () => {
	it('show under a minute as such, then minutes, then hours and minutes', () => {
		expect([0, 999, 59_999, 60_000, 192_000, 3_599_999, 3_720_000].map(formatCoarseSpan)).toEqual(['<1m', '<1m', '<1m', '1m', '3m', '59m', '1h 02m']);
	});

	it('know how long until they show something else', () => {
		for (const ms of [0, 1500, 59_500, 60_000, 192_000, 3_599_999, 3_720_000, 7_250_000]) {
			const step = coarseSpanStep(ms);
			expect(step).toBeGreaterThan(0);
			expect(formatCoarseSpan(ms + step)).not.toBe(formatCoarseSpan(ms));
			expect(formatCoarseSpan(ms + step - 1)).toBe(formatCoarseSpan(ms));
		}
	});
});

describe('the next tick', () => {
	it('is the end of the first minute of uptime during it: no tick each second', () => {
		const {state, startedAt} = idleApp();
		expect(nextTickAt(state, startedAt + 1500)).toBe(startedAt + 60_000 + 5);
		expect(nextTickAt(state, startedAt + 59_000)).toBe(startedAt + 60_000 + 5);
	});

	it('is the next whole minute of uptime after that: an idle dashboard draws once a minute', () => {
		const {state, startedAt} = idleApp();
		expect(nextTickAt(state, startedAt + 61_000)).toBe(startedAt + 120_000 + 5);
		expect(nextTickAt(state, startedAt + 3_600_000 + 30_000)).toBe(startedAt + 3_660_000 + 5);
	});

	it('is not needed when nothing shown depends on the time', () => {
		expect(nextTickAt(createInitialState({command: COMMAND, cwd: CWD, watch: ['src'], now: T0}), T0 + 5000)).toBeUndefined();
	});

	it('comes every wall-clock second while a start is in progress (its durations grow)', () => {
		const script = createScript();
		spawn(script, 4242, 0);
		const state = fold(script);
		expect(state.timeline.current).toBeDefined();
		expect(nextTickAt(state, T0 + 1234)).toBe(T0 + 2000 + 5);
	});

	it('comes every quarter second while the app is being stopped (the countdown)', () => {
		const {script} = idleApp();
		script.wait(90_000);
		setState(script, 'stopping');
		const now = script.now() + 10;
		expect(nextTickAt(fold(script), now)).toBe(now + STOPPING_TICK_MS);
	});

	it('comes when a notice expires, if that is sooner than the uptime changes', () => {
		const {script, startedAt} = idleApp();
		script.wait(65_000);
		script.emit({type: 'supervisor/error', message: 'something to read'});
		const noticeAt = script.now();
		const state = fold(script);
		expect(nextTickAt(state, noticeAt + 1000)).toBe(Math.min(noticeAt + NOTICE_MS, startedAt + 120_000) + 5);
		// Once it has gone, only the uptime is left.
		expect(nextTickAt(state, noticeAt + NOTICE_MS + 10)).toBe(startedAt + 120_000 + 5);
	});
});
