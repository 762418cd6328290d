// What the restart timeline and the headless lines make of readiness: a boot that ends where the
// sign was seen, "started, readiness unknown" with no boot time when there was no sign, and the
// lines that say how devtui knew. --json carries the same events, one JSON object per line.

import {describe, expect, it} from 'vitest';
import {attachHeadless} from '../../src/headless/attach-headless.js';
import {formatEvent} from '../../src/headless/format-event.js';
import {formatTimeline} from '../../src/headless/format-timeline.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {EventInput, RestartTimeline, SupervisorEvent} from '../../src/supervisor/events.js';
import {foldTimeline, initialTimelineState, type TimelineState} from '../../src/timeline/restart-timeline.js';

const files = [{path: 'app.py', kind: 'changed' as const}];

const fold = (steps: Array<[number, EventInput]>, state: TimelineState = initialTimelineState) => {
	const completed: RestartTimeline[] = [];
	for (const [at, input] of steps) {
		state = foldTimeline(state, {...input, at} as SupervisorEvent);
		if (state.completed) completed.push(state.completed);
	}
	return {state, completed};
};

const spawned = (restart: number, pid = 10 + restart): EventInput => ({type: 'run/spawned', pid, restart, command: ['x'], spawnMs: 5});
const stop = (pid: number): Array<[number, EventInput]> => [
	[1000, {type: 'run/stop-requested', pid, reason: 'change', files}],
	[1001, {type: 'run/signal-sent', pid, signal: 'SIGTERM', deadline: 11_001, timeoutMs: 10_000}],
	[1030, {type: 'run/exited', pid, restart: pid - 10, code: null, signal: 'SIGTERM', uptimeMs: 1, byDevtui: true, stopMs: 30, forced: false, restarting: true}],
];

describe('the timeline of an instance that shows it is ready', () => {
	it('ends the boot where the port was seen, not where the grace for a hello ended', () => {
		const {completed} = fold([
			[0, spawned(0)],
			[465, {type: 'app/ready', pid: 10, restart: 0, source: 'listening', port: 8000, address: '0.0.0.0', bootMs: 310}],
		]);
		expect(completed[0]).toMatchObject({restart: 0, outcome: 'ready', totalMs: 315, readiness: {source: 'listening', port: 8000, address: '0.0.0.0'}});
		expect(completed[0]!.phases.find(phase => phase.name === 'boot')).toMatchObject({durationMs: 310, outcome: 'ok'});
		expect(formatTimeline(completed[0]!)).toBe('first start ready in 315 ms (listening on :8000): spawn 5 ms, boot 310 ms');
	});

	it('says how devtui knew, for every sign', () => {
		const ready = (sign: Partial<Extract<EventInput, {type: 'app/ready'}>>) =>
			formatTimeline(fold([[0, spawned(1)], [200, {type: 'app/ready', pid: 11, restart: 1, source: 'client', bootMs: 195, ...sign}]]).completed[0]!);
		expect(ready({source: 'listening', address: '127.0.0.1', port: 5000})).toBe('restart #1 ready in 200 ms (listening on 127.0.0.1:5000): spawn 5 ms, boot 195 ms');
		expect(ready({source: 'listening', address: '::1', port: 5000})).toMatch(/\(listening on \[::1\]:5000\)/);
		expect(ready({source: 'listening', address: '127.0.0.1', port: 8000, held: true})).toMatch(/\(accepting on the held 127\.0\.0\.1:8000\)/);
		expect(ready({source: 'port', port: 3000})).toMatch(/\(port 3000 open\)/);
		expect(ready({source: 'pattern'})).toMatch(/\(output matched --ready-pattern\)/);
		expect(ready({source: 'client'})).toMatch(/^restart #1 ready in 200 ms \(client said ready\): /);
	});
});

describe('the timeline of an instance with no sign of readiness', () => {
	it('completes as started on app/readiness-unknown, with no boot and the total up to the spawn', () => {
		const {completed, state} = fold([
			[0, spawned(0)],
			...stop(10),
			[1066, spawned(1)],
			[11_066, {type: 'app/readiness-unknown', pid: 11, restart: 1, afterMs: 10_000, waitedFor: ['listening', 'client']}],
		]);
		const restart = completed.find(timeline => timeline.restart === 1)!;
		expect(restart).toMatchObject({outcome: 'started', totalMs: 66, stopMs: 30});
		expect(restart.phases.map(phase => phase.name)).toEqual(['signal', 'wait for exit', 'spawn']);
		expect(formatTimeline(restart)).toBe('restart #1 started in 66 ms; readiness unknown: stop 30 ms, spawn 5 ms');
		expect(state.current).toBeUndefined();
	});

	it('completes as started when it is stopped (or exits cleanly) before any sign', () => {
		const stopped = fold([[0, spawned(0)], ...stop(10), [1066, spawned(1)]]);
		expect(stopped.completed.map(timeline => [timeline.restart, timeline.outcome, timeline.totalMs])).toEqual([[0, 'started', 5]]);
		expect(formatTimeline(stopped.completed[0]!)).toBe('app started in 5 ms; readiness unknown: spawn 5 ms');
		// The restart that superseded it goes on as usual.
		expect(stopped.state.current).toMatchObject({restart: 1, trigger: 'change', stopMs: 30});

		const exited = fold([
			[0, spawned(0)],
			[900, {type: 'run/exited', pid: 10, restart: 0, code: 0, signal: null, uptimeMs: 900, byDevtui: false, forced: false, restarting: false}],
		]);
		expect(exited.completed.map(timeline => timeline.outcome)).toEqual(['started']);
		// A crash is still a crash.
		const crashed = fold([
			[0, spawned(0)],
			[900, {type: 'run/exited', pid: 10, restart: 0, code: 1, signal: null, uptimeMs: 900, byDevtui: false, forced: false, restarting: false}],
			[900, {type: 'run/crashed', pid: 10, code: 1, signal: null, uptimeMs: 900, stderrTail: []}],
		]);
		expect(crashed.completed.map(timeline => timeline.outcome)).toEqual(['crashed']);
	});

	it('leaves a completed "started" timeline alone when a late sign comes', () => {
		const {completed, state} = fold([
			[0, spawned(0)],
			[10_000, {type: 'app/readiness-unknown', pid: 10, restart: 0, afterMs: 10_000, waitedFor: ['listening', 'client']}],
			[14_000, {type: 'app/ready', pid: 10, restart: 0, source: 'listening', port: 8000, address: '0.0.0.0', bootMs: 13_990, late: true}],
		]);
		expect(completed.map(timeline => timeline.outcome)).toEqual(['started']);
		expect(state.current).toBeUndefined();
	});
});

describe('headless lines for readiness', () => {
	it('says once, on the first start, what it waited for and how to name a sign', () => {
		expect(formatEvent({type: 'app/readiness-unknown', at: 0, pid: 7, restart: 0, afterMs: 10_000, waitedFor: ['listening', 'client']})).toBe(
			'pid 7 gave no sign of readiness in 10.0 s (no TCP port listening, no ready from a client): counted as started, readiness unknown; if it serves, --ready-pattern or --ready-port can tell devtui how to see it',
		);
		expect(formatEvent({type: 'app/readiness-unknown', at: 0, pid: 7, restart: 0, afterMs: 10_000, waitedFor: ['pattern', 'client']})).toBe(
			'pid 7 gave no sign of readiness in 10.0 s (no line matching --ready-pattern, no ready from a client): counted as started, readiness unknown',
		);
		expect(formatEvent({type: 'app/readiness-unknown', at: 0, pid: 8, restart: 3, afterMs: 10_000, waitedFor: ['listening', 'client']})).toBeUndefined();
	});

	it('prints a late sign, and leaves a timely one to the timeline line', () => {
		expect(formatEvent({type: 'app/ready', at: 0, pid: 7, restart: 0, source: 'listening', port: 8000, address: '0.0.0.0', bootMs: 14_200, late: true})).toBe(
			'pid 7 is ready after 14.2 s (listening on :8000)',
		);
		expect(formatEvent({type: 'app/ready', at: 0, pid: 7, restart: 0, source: 'listening', port: 8000, address: '0.0.0.0', bootMs: 200})).toBeUndefined();
		expect(formatEvent({type: 'socket/taken', at: 0, pid: 7, restart: 0, names: ['8000'], via: 'accepting'})).toBe('app pid 7 serves on the held socket 8000');
	});

	it('keeps --json valid NDJSON with the new events', () => {
		const bus = createEventBus();
		const chunks: string[] = [];
		const stdout = {write: (text: string) => chunks.push(text) > 0} as unknown as NodeJS.WritableStream;
		const stop = attachHeadless(bus, {json: true}, {stdout, stderr: stdout, color: false});
		bus.emit({type: 'app/readiness-unknown', pid: 7, restart: 0, afterMs: 10_000, waitedFor: ['listening', 'client']});
		bus.emit({type: 'app/ready', pid: 7, restart: 0, source: 'listening', port: 8000, address: '::', bootMs: 14_200, late: true});
		bus.emit({type: 'socket/taken', pid: 7, restart: 0, names: ['8000'], via: 'accepting'});
		stop();
		const lines = chunks.join('').split('\n');
		expect(lines.pop()).toBe('');
		expect(lines.map(line => JSON.parse(line) as {type: string})).toEqual([
			expect.objectContaining({type: 'app/readiness-unknown', waitedFor: ['listening', 'client']}),
			expect.objectContaining({type: 'app/ready', source: 'listening', address: '::', late: true}),
			expect.objectContaining({type: 'socket/taken', via: 'accepting'}),
		]);
	});
});
