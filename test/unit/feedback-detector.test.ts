import {describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEventOf} from '../../src/supervisor/events.js';
import {createFeedbackDetector} from '../../src/watcher/feedback-detector.js';

// The detector hears spawns and readiness on the bus; a hand-driven clock stamps the events.
const setup = ({writer}: {writer?: (file: string) => number | undefined} = {}) => {
	let clock = 0;
	const bus = createEventBus({now: () => clock});
	const loops: Array<SupervisorEventOf<'watch/feedback-loop'>> = [];
	bus.subscribe(event => {
		if (event.type === 'watch/feedback-loop') loops.push(event);
	});
	let draws = 0;
	const detector = createFeedbackDetector({
		bus,
		cwd: '/app',
		// A fixed sequence, so the shifted starts are the same on every run.
		random: () => [0.3, 0.9, 0.1, 0.6][draws++ % 4]!,
		findWriter: file => writer?.(file),
	});
	let restart = 0;
	const spawn = (at: number) => {
		clock = at;
		bus.emit({type: 'run/spawned', pid: 1000 + restart, restart: restart++, command: ['app'], spawnMs: 1});
	};
	const stop = (at: number) => {
		clock = at;
		bus.emit({type: 'run/stop-requested', pid: 1000 + restart - 1, reason: 'change', files: []});
	};
	const ready = (at: number) => {
		clock = at;
		bus.emit({type: 'app/ready', pid: 1000 + restart - 1, restart: restart - 1, source: 'port', bootMs: 1});
	};
	return {detector, loops, spawn, stop, ready};
};

// Runs an app that rewrites `file` `delay` ms after each start, restarting on each write as
// devtui would (the next start `restartMs` after the write, later by any probe's delay).
const runLoop = (delays: readonly number[], restartMs = 60) => {
	const {detector, loops, spawn, stop} = setup();
	let at = 0;
	let starts = 0;
	for (const delay of delays) {
		spawn(at);
		starts++;
		const changeAt = at + delay;
		const appWrite = detector.appWrite('cache.json', changeAt);
		if (appWrite) return {loops, starts, detector, last: at};
		// The write begins the stop at once (early stop); its batch closes a moment later.
		stop(changeAt);
		const {probeDelayMs = 0} = detector.batchClosed(['cache.json'], changeAt, false);
		at = changeAt + restartMs + probeDelayMs;
	}
	return {loops, starts, detector, last: at};
};

describe('feedback loop detector', () => {
	it('catches an app that rewrites a file right after every start, within four starts, and names it', () => {
		const {loops, starts} = runLoop([120, 118, 121, 119, 122, 120]);
		expect(loops).toEqual([expect.objectContaining({file: 'cache.json', evidence: 'restart-timing', restarts: 4})]);
		// The fifth start's write is recognised as the app's and restarts nothing.
		expect(starts).toBe(5);
	});

	it('sets aside only the writes soon after a start: an edit of that file later restarts as usual', () => {
		const {detector, last} = runLoop([120, 118, 121, 119, 120]);
		expect(detector.appWrite('cache.json', last + 119)).toBe(true);
		expect(detector.appWrite('cache.json', last + 5000)).toBe(false);
		expect(detector.appWrite('app.py', last + 119)).toBe(false);
	});

	it('catches a loop whose timing is jittery at first, once the starts line up', () => {
		const {loops} = runLoop([40, 400, 900, 130, 131, 129, 130]);
		expect(loops.map(loop => loop.file)).toEqual(['cache.json']);
	});

	it('never sets aside a developer saving the same file every second, with no readiness signal', () => {
		const {detector, loops, spawn, stop} = setup();
		// Saves exactly 1 s apart (a script, an auto-save); each restart takes 100 ms, plus any probe.
		spawn(0);
		let startAt: number | undefined;
		let probes = 0;
		for (let save = 1; save <= 20; save++) {
			const saveAt = save * 1000;
			if (startAt !== undefined && startAt <= saveAt) {
				spawn(startAt);
				startAt = undefined;
			}
			expect(detector.appWrite('app.py', saveAt)).toBe(false);
			if (startAt === undefined) stop(saveAt);
			const {probeDelayMs} = detector.batchClosed(['app.py'], saveAt, false);
			if (probeDelayMs !== undefined) probes++;
			startAt = Math.max(startAt ?? 0, saveAt + 100 + (probeDelayMs ?? 0));
		}
		expect(loops).toEqual([]);
		// The experiment ran (the saves did line up with the starts), and each time it cleared them.
		expect(probes).toBeGreaterThan(0);
	});

	it.each([
		{gaps: [30, 400], restart: [130, 170]},
		{gaps: [30, 400], restart: [40, 80]},
		{gaps: [100, 1200], restart: [100, 300]},
		{gaps: [900, 1100], restart: [150, 160]},
	])('never sets aside scripted runs of 20 saves $gaps.0-$gaps.1 ms apart to an app restarting in $restart.0-$restart.1 ms', ({gaps, restart}) => {
		// 1000 runs from a seeded generator, each save restarting the app as devtui does: the stop
		// begins at the save, the next start follows (later by a probe's delay); a save while that
		// start is still to come joins it.
		let seed = 7;
		const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
		const between = ([low, high]: number[]) => low! + Math.round(next() * (high! - low!));
		for (let run = 0; run < 1000; run++) {
			const {detector, loops, spawn, stop} = setup();
			spawn(0);
			let saveAt = 1000;
			let startAt: number | undefined;
			for (let save = 0; save < 20; save++) {
				saveAt += between(gaps);
				if (startAt !== undefined && startAt <= saveAt) {
					spawn(startAt);
					startAt = undefined;
				}
				detector.appWrite('mod.py', saveAt);
				if (startAt === undefined) stop(saveAt);
				const {probeDelayMs = 0} = detector.batchClosed(['mod.py'], saveAt, false);
				startAt = Math.max(startAt ?? 0, saveAt + between(restart) + probeDelayMs);
			}
			expect(loops, `run ${run}`).toEqual([]);
		}
	});

	it('does not count changes made after the app reported ready', () => {
		const {detector, loops, spawn, ready} = setup();
		for (let i = 0; i < 6; i++) {
			spawn(i * 1000);
			ready(i * 1000 + 50);
			const {probeDelayMs} = detector.batchClosed(['app.py'], i * 1000 + 120, false);
			expect(probeDelayMs).toBeUndefined();
		}
		expect(loops).toEqual([]);
	});

	it('a burst still being written while no instance runs is not the app, however its batches line up', () => {
		const {detector, loops, spawn} = setup();
		for (let i = 0; i < 6; i++) {
			spawn(i * 1000);
			// A formatter's writes that straddle the restarts: same files, same moments after each start.
			expect(detector.batchClosed(['f0.py', 'f1.py'], i * 1000 + 15, true)).toEqual({});
		}
		expect(loops).toEqual([]);
	});

	it('needs the same file every time', () => {
		const {detector, loops, spawn} = setup();
		const files = ['a.json', 'b.json', 'c.json', 'a.json', 'b.json', 'c.json'];
		files.forEach((file, index) => {
			spawn(index * 1000);
			expect(detector.batchClosed([file], index * 1000 + 100, false)).toEqual({});
		});
		expect(loops).toEqual([]);
	});

	it('takes a file one of the app processes has open for writing as the app’s own write, and says so once', () => {
		const {detector, loops, spawn} = setup({writer: file => (file === '/app/logs/app.log' ? 4242 : undefined)});
		spawn(0);
		expect(detector.appWrite('logs/app.log', 10)).toBe(true);
		expect(detector.appWrite('logs/app.log', 5000)).toBe(true);
		expect(detector.appWrite('app.py', 5000)).toBe(false);
		expect(loops).toEqual([expect.objectContaining({file: 'logs/app.log', evidence: 'open-for-writing', pid: 4242})]);
	});
});
