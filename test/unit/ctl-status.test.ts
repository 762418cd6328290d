// The status fold behind `devtui ctl status` and the verdict behind `wait-ready`, on event
// sequences as the supervisor emits them.

import {describe, expect, it} from 'vitest';
import {foldServiceEvent, initialServiceFold, restartRequested, waitingFor, type ServiceFold} from '../../src/ctl/service-status.js';
import {readyVerdict} from '../../src/ctl/ready-verdict.js';
import {createLogRing} from '../../src/ctl/log-ring.js';
import type {EventInput, SupervisorEvent} from '../../src/supervisor/events.js';

let clock = 1000;
const fold = (events: EventInput[], from: ServiceFold = initialServiceFold('app')): ServiceFold =>
	events.reduce((state, input) => foldServiceEvent(state, {...input, at: (clock += 10)} as SupervisorEvent), from);

const file = {path: 'app.py', kind: 'changed'} as const;
const start = (restart: number, pid: number): EventInput[] => [
	{type: 'supervisor/state', state: 'starting', previous: restart === 0 ? 'idle' : 'exited'},
	{type: 'run/spawned', pid, restart, command: ['python3', 'app.py'], spawnMs: 5},
	{type: 'supervisor/state', state: 'running', previous: 'starting'},
];
const ready = (restart: number, pid: number): EventInput => ({type: 'app/ready', pid, restart, bootMs: 40, source: 'listening', port: 8000, address: '127.0.0.1'});
const change: EventInput[] = [
	{type: 'watch/batch', open: true},
	{type: 'watch/changed', batch: 1, files: [file], firstChangeAt: clock},
	{type: 'watch/batch', open: false},
];
const stop = (pid: number, restart: number): EventInput[] => [
	{type: 'supervisor/state', state: 'stopping', previous: 'running'},
	{type: 'run/stop-requested', pid, reason: 'change', files: [file]},
	{type: 'run/signal-sent', pid, signal: 'SIGTERM', deadline: clock + 5000, timeoutMs: 5000},
	{type: 'run/exited', pid, restart, code: 0, signal: null, uptimeMs: 100, byDevtui: true, stopMs: 12, forced: false, restarting: true},
	{type: 'supervisor/state', state: 'exited', previous: 'stopping'},
];

describe('the status fold', () => {
	it('follows an instance from spawn to ready, with its timeline', () => {
		const booting = fold(start(0, 100));
		expect(booting.status).toMatchObject({state: 'running', pid: 100, restarts: 0, readiness: 'booting', lastRestart: null});
		expect(booting.status.restartInProgress?.outcome).toBe('in-progress');
		const up = fold([ready(0, 100)], booting);
		expect(up.status).toMatchObject({readiness: 'ready', readySign: {source: 'listening', port: 8000, address: '127.0.0.1'}, restartInProgress: null});
		expect(up.status.lastRestart).toMatchObject({restart: 0, outcome: 'ready', trigger: 'start'});
	});

	it('counts a change as seen, pending until the next instance takes it', () => {
		const seen = fold(change, fold([...start(0, 100), ready(0, 100)]));
		expect(seen).toMatchObject({seen: 1, applied: 0, status: {pending: [file], collecting: false}});
		expect(readyVerdict(seen, seen.seen).kind).toBe('waiting');
		const restarted = fold([...stop(100, 0), ...start(1, 101)], seen);
		expect(restarted).toMatchObject({seen: 1, applied: 1, status: {pending: [], pid: 101, restarts: 1, readiness: 'booting'}});
		expect(readyVerdict(restarted, 1)).toEqual({kind: 'waiting', why: 'app is booting (restart #1, pid 101)'});
		const done = fold([ready(1, 101)], restarted);
		expect(readyVerdict(done, 1)).toEqual({kind: 'ready'});
		expect(done.status.lastRestart).toMatchObject({restart: 1, trigger: 'change', outcome: 'ready', stopMs: 12});
	});

	it('a batch that closes while the next instance spawns waits for the one after', () => {
		const up = fold([...start(0, 100), ready(0, 100), ...change, ...stop(100, 0)]);
		const racing = fold(
			[
				{type: 'supervisor/state', state: 'starting', previous: 'exited'},
				{type: 'watch/changed', batch: 2, files: [{path: 'b.py', kind: 'changed'}], firstChangeAt: clock},
				{type: 'run/spawned', pid: 101, restart: 1, command: ['x'], spawnMs: 5},
				{type: 'supervisor/state', state: 'running', previous: 'starting'},
				ready(1, 101),
			],
			up,
		);
		expect(racing).toMatchObject({seen: 2, applied: 1});
		expect(readyVerdict(racing, 2).kind).toBe('waiting');
		expect(readyVerdict(racing, 1).kind).toBe('ready');
	});

	it('readiness unknown counts as started, and so ready for wait-ready', () => {
		const started = fold([...start(0, 100), {type: 'app/readiness-unknown', pid: 100, restart: 0, afterMs: 10_000, waitedFor: ['listening', 'client']}]);
		expect(started.status.readiness).toBe('started');
		expect(started.status.lastRestart?.outcome).toBe('started');
		expect(readyVerdict(started, 0)).toEqual({kind: 'ready'});
	});

	it('a crash of the newest instance fails with its exit and stderr tail', () => {
		const crashed = fold([
			...start(0, 100),
			{type: 'run/exited', pid: 100, restart: 0, code: 3, signal: null, uptimeMs: 50, byDevtui: false, forced: false, restarting: false},
			{type: 'run/crashed', pid: 100, code: 3, signal: null, uptimeMs: 50, stderrTail: ['Traceback: line 42', 'boom']},
			{type: 'supervisor/state', state: 'crashed', previous: 'running'},
		]);
		expect(crashed.status).toMatchObject({state: 'crashed', pid: null, readiness: 'down', crash: {code: 3, stderrTail: ['Traceback: line 42', 'boom']}});
		const verdict = readyVerdict(crashed, 0);
		expect(verdict).toMatchObject({kind: 'failed', failure: {service: 'app', reason: 'crashed', detail: ['Traceback: line 42', 'boom'], hint: 'devtui ctl logs app'}});
		if (verdict.kind === 'failed') expect(verdict.failure.message).toBe('app: crashed (exit code 3) after 50 ms, restart #0, pid 100');
		// A change after the crash starts a new instance: the caller waits for that one, not the crash.
		const edited = fold(change, crashed);
		expect(readyVerdict(edited, edited.seen).kind).toBe('waiting');
	});

	it('a failed check fails while no newer change came, with its output', () => {
		const checked = fold([
			...start(0, 100),
			ready(0, 100),
			...change,
			{type: 'check/started', checks: ['python compile'], files: [file]},
		]);
		expect(readyVerdict(checked, 1)).toEqual({kind: 'waiting', why: "app's changes are being checked"});
		const failed = fold(
			[
				{
					type: 'check/failed',
					durationMs: 3,
					files: [file],
					failure: {check: 'python compile', exitCode: 1, signal: null, output: ['  File "app.py", line 3', 'SyntaxError: invalid syntax'], blamed: ['app.py']},
				},
			],
			checked,
		);
		expect(readyVerdict(failed, 1)).toMatchObject({
			kind: 'failed',
			failure: {reason: 'check-failed', message: 'app: check failed (python compile: exit code 1); pid 100 keeps running the code from before', detail: ['  File "app.py", line 3', 'SyntaxError: invalid syntax']},
		});
		// The fix is saved: the old failure no longer answers for it.
		expect(readyVerdict(fold(change, failed), 2).kind).toBe('waiting');
	});

	it('held with pending changes fails with how to release; held without any is just ready', () => {
		const up = fold([...start(0, 100), ready(0, 100), {type: 'supervisor/held', held: true, pending: []}]);
		expect(readyVerdict(up, 0)).toEqual({kind: 'ready'});
		const piled = fold([...change, {type: 'supervisor/held', held: true, pending: [file]}], up);
		expect(readyVerdict(piled, 1)).toMatchObject({kind: 'failed', failure: {reason: 'held', message: 'app: restarts are held with 1 pending change', hint: 'devtui ctl release app'}});
	});

	it('a restart asked for through ctl is waited for like a change', () => {
		const up = fold([...start(0, 100), ready(0, 100)]);
		const asked = restartRequested(up);
		expect(readyVerdict(asked, asked.seen).kind).toBe('waiting');
		const again = fold([...stop(100, 0), ...start(1, 101), ready(1, 101)], asked);
		expect(readyVerdict(again, asked.seen)).toEqual({kind: 'ready'});
	});

	it('a dependency that is down fails the wait; one still coming is waited for', () => {
		const up = fold([]);
		expect(readyVerdict(waitingFor(up, [{service: 'db', condition: 'ready'}]), 0)).toEqual({kind: 'waiting', why: 'app waits for db (ready)'});
		expect(readyVerdict(waitingFor(up, [{service: 'db', condition: 'ready', failed: true}]), 0)).toMatchObject({kind: 'failed', failure: {reason: 'dependency-failed'}});
	});

	it('a kill that no start follows fails; a clean exit by itself completes', () => {
		const killed = fold([...start(0, 100), ready(0, 100), {type: 'run/exited', pid: 100, restart: 0, code: null, signal: 'SIGKILL', uptimeMs: 9, byDevtui: true, forced: true, restarting: false}, {type: 'supervisor/state', state: 'exited', previous: 'stopping'}]);
		expect(readyVerdict(killed, 0)).toMatchObject({kind: 'failed', failure: {reason: 'stopped', hint: 'devtui ctl restart app'}});
		const finished = fold([...start(0, 100), {type: 'run/exited', pid: 100, restart: 0, code: 0, signal: null, uptimeMs: 9, byDevtui: false, forced: false, restarting: false}, {type: 'supervisor/state', state: 'exited', previous: 'running'}]);
		expect(readyVerdict(finished, 0)).toEqual({kind: 'ready'});
	});
});

describe('the log ring', () => {
	const chunk = (at: number, lines: string[]) => ({kind: 'lines', at, pid: 1, restart: 0, stream: 'stdout', lines}) as const;
	const texts = (entries: ReturnType<ReturnType<typeof createLogRing>['last']>) => entries.map(entry => (entry.kind === 'line' ? entry.line : entry.kind));
	it('keeps the newest lines, bounded by count, trimming the oldest chunk', () => {
		const ring = createLogRing({maxEntries: 3});
		ring.push(chunk(1, ['a', 'b']));
		ring.push({kind: 'spawned', at: 2, pid: 2, restart: 1});
		ring.push(chunk(3, ['c', 'd']));
		expect(texts(ring.last(10))).toEqual(['spawned', 'c', 'd']);
		expect(texts(ring.last(2))).toEqual(['c', 'd']);
		expect(ring.last(0)).toEqual([]);
		ring.push(chunk(4, ['e', 'f', 'g', 'h']));
		expect(texts(ring.last(10))).toEqual(['f', 'g', 'h']);
		expect(ring.last(1)[0]).toEqual({kind: 'line', at: 4, pid: 1, restart: 0, stream: 'stdout', line: 'h'});
	});

	it('and by bytes', () => {
		const ring = createLogRing({maxEntries: 100, maxBytes: 1000});
		for (let n = 1; n <= 10; n++) ring.push(chunk(n, ['x'.repeat(300)]));
		expect(ring.last(100).map(entry => entry.at)).toEqual([8, 9, 10]);
	});

	it('a flood costs bounded memory and time', () => {
		const ring = createLogRing({maxEntries: 5000});
		const lines = Array.from({length: 500}, (_, n) => `line ${n}`);
		for (let n = 0; n < 4000; n++) ring.push(chunk(n, lines));
		expect(ring.last(6000)).toHaveLength(5000);
		expect(texts(ring.last(1))).toEqual(['line 499']);
	});
});
