import {describe, expect, it} from 'vitest';
import {formatEvent, formatFiles} from '../../src/headless/format-event.js';
import {formatDuration} from '../../src/format-duration.js';

describe('headless lines', () => {
	it('formats durations for people', () => {
		expect([formatDuration(12.4), formatDuration(1500), formatDuration(15_000), formatDuration(125_000)]).toEqual([
			'12 ms',
			'1.50 s',
			'15.0 s',
			'2 min 5 s',
		]);
	});

	it('lists at most five files', () => {
		const files = Array.from({length: 7}, (_, i) => ({path: `f${i}.py`, kind: 'changed' as const}));
		expect(formatFiles(files)).toBe('f0.py (changed), f1.py (changed), f2.py (changed), f3.py (changed), f4.py (changed) and 2 more');
	});

	it('says what happened in one line per step', () => {
		const at = 0;
		expect(formatEvent({type: 'run/spawned', at, pid: 7, restart: 0, command: ['python3', 'app.py'], spawnMs: 3})).toBe(
			'started pid 7: python3 app.py',
		);
		expect(formatEvent({type: 'run/spawned', at, pid: 8, restart: 2, command: ['x'], spawnMs: 3, changeToSpawnMs: 61})).toBe(
			'restart #2: started pid 8 (61 ms after the change)',
		);
		expect(formatEvent({type: 'run/exited', at, pid: 7, restart: 0, code: null, signal: 'SIGTERM', uptimeMs: 1, byDevtui: true, stopMs: 12, forced: false, restarting: true})).toBe(
			'pid 7 stopped in 12 ms',
		);
		expect(formatEvent({type: 'run/crashed', at, pid: 7, code: 3, signal: null, uptimeMs: 80, stderrTail: []})).toBe(
			'app crashed (exit code 3) after 80 ms; waiting for changes',
		);
		expect(formatEvent({type: 'run/crashed', at, pid: 7, code: null, signal: 'SIGSEGV', uptimeMs: 80, stderrTail: [], restartInMs: 1000})).toBe(
			'app crashed (killed by SIGSEGV) after 80 ms; restarting in 1.00 s',
		);
		expect(formatEvent({type: 'supervisor/state', at, state: 'running', previous: 'starting'})).toBeUndefined();
	});

	it('prints a notice as its one line', () => {
		expect(formatEvent({type: 'devtui/notice', at: 0, message: 'django runserver runs its own reloader: devtui adds --noreload'})).toBe(
			'django runserver runs its own reloader: devtui adds --noreload',
		);
	});
});
