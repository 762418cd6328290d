// --warm as an option (flag and config key) and in the restart timeline: the warm start (go to
// ready) beside the last cold start's spawn to ready.

import {describe, expect, it} from 'vitest';
import {parseArgs} from '../../src/cli/parse-args.js';
import {configLayer, resolveOptions} from '../../src/cli/resolve-options.js';
import {formatTimeline} from '../../src/headless/format-timeline.js';
import type {EventInput, SupervisorEvent} from '../../src/supervisor/events.js';
import {foldTimeline, initialTimelineState, type TimelineState} from '../../src/timeline/restart-timeline.js';
import {UsageError} from '../../src/usage-error.js';

describe('--warm', () => {
	const resolve = (argv: string[], values: Record<string, unknown> = {}) =>
		resolveOptions({layers: [parseArgs(argv).layer, configLayer({file: 'devtui.config.json', keyPrefix: '', values})], cwd: '/p', stdoutIsTTY: false}).warm;

	it('is off unless asked, on with --warm or "warm": true, interpreter only with no-preload', () => {
		expect(resolve(['--', 'node', 'a.js'])).toBe('off');
		expect(resolve(['--warm', '--', 'node', 'a.js'])).toBe('on');
		// A switch unless given `=`: the next word is the command.
		expect(parseArgs(['--warm', 'node', 'a.js']).layer.command).toEqual(['node', 'a.js']);
		expect(resolve(['--warm=no-preload', '--', 'node', 'a.js'])).toBe('no-preload');
		expect(resolve(['--', 'node', 'a.js'], {warm: true})).toBe('on');
		expect(resolve(['--', 'node', 'a.js'], {warm: 'no-preload'})).toBe('no-preload');
		expect(resolve(['--warm', '--', 'node', 'a.js'], {warm: false})).toBe('on');
		expect(resolve(['--', 'node', 'a.js'], {warm: false})).toBe('off');
	});

	it('says what it takes when the value is wrong', () => {
		expect(() => parseArgs(['--warm=yes', 'node'])).toThrow(new UsageError('--warm expects true, false or "no-preload", got "yes"'));
		expect(() => resolve(['--', 'node'], {warm: 1})).toThrow(new UsageError('devtui.config.json: "warm" must be true, false or "no-preload", got 1'));
	});
});

describe('the timeline of a warm restart', () => {
	const fold = (events: EventInput[]): TimelineState => {
		let state = initialTimelineState;
		let at = 1000;
		for (const event of events) {
			at += 10;
			state = foldTimeline(state, {...event, at} as SupervisorEvent);
		}
		return state;
	};

	it('names the go, and puts the warm start beside the last cold start', () => {
		const cold: EventInput[] = [
			{type: 'run/spawned', pid: 1, restart: 0, command: ['node', 'a.js'], spawnMs: 5},
			{type: 'app/ready', pid: 1, restart: 0, bootMs: 10, source: 'listening', port: 3000},
		];
		const warm: EventInput[] = [
			{type: 'run/stop-requested', pid: 1, reason: 'change', files: [{path: 'a.js', kind: 'changed'}]},
			{type: 'run/exited', pid: 1, restart: 0, code: 0, signal: null, uptimeMs: 100, byDevtui: true, stopMs: 10, forced: false, restarting: true},
			{type: 'run/spawned', pid: 2, restart: 1, command: ['node', 'a.js'], spawnMs: 1, warm: {parkedMs: 900, preloaded: 120}},
			{type: 'app/ready', pid: 2, restart: 1, bootMs: 5, source: 'listening', port: 3000},
		];
		const first = fold(cold);
		expect(first.completed?.warm).toBeUndefined();
		// Spawn to ready of the cold start: the spawn's 5 ms and the 10 ms boot.
		expect(first.lastColdMs).toBe(15);
		const state = fold([...cold, ...warm]);
		const timeline = state.completed!;
		expect(timeline.phases.map(phase => phase.name)).toEqual(['go', 'boot']);
		expect(timeline.warm).toEqual({coldMs: 15, goToReadyMs: 6, preloaded: 120});
		expect(formatTimeline(timeline)).toMatch(/^restart #1 ready in \d+ ms \(listening on :3000\): stop 10 ms, go 1 ms, boot 5 ms; warm start 6 ms \(cold: 15 ms\), 120 modules preloaded$/);
	});
});
