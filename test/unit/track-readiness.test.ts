// The readiness rules, with a fake /proc probe and fake timers: which sign decides, when, and the
// boot time each one gives. The same rules meet real processes in test/integration/readiness.test.ts.

import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {DEFAULT_READINESS_POLICY, trackReadiness, type ListeningProbe} from '../../src/readiness/track-readiness.js';
import type {ListeningSocket} from '../../src/readiness/proc-sockets.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {EventInput, SupervisorEvent, SupervisorEventOf, SupervisorEventType} from '../../src/supervisor/events.js';

const T0 = 1_000_000;
const socket = (port = 8000, address = '0.0.0.0'): ListeningSocket => ({pid: 10, inode: 77, address, port});

const setup = ({pattern, port, opensAt, probe}: {pattern?: RegExp; port?: number; opensAt?: () => number | undefined; probe?: ListeningProbe} = {}) => {
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	let spawnedAt = T0;
	let looks = 0;
	const fake: ListeningProbe =
		probe ??
		(() => {
			looks++;
			const at = opensAt?.();
			return at !== undefined && Date.now() - spawnedAt >= at ? [socket()] : [];
		});
	const readiness = trackReadiness({
		bus,
		pattern,
		port,
		heldSockets: [{name: '8000', address: '127.0.0.1:8000', fd: 3}],
		probe: fake,
	});
	const emit = (input: EventInput) => bus.emit(input);
	return {
		bus,
		readiness,
		emit,
		looks: () => looks,
		spawn(restart: number, pid = 10 + restart) {
			spawnedAt = Date.now();
			emit({type: 'run/spawned', pid, restart, command: ['app'], spawnMs: 3});
		},
		of: <T extends SupervisorEventType>(type: T) => events.filter(event => event.type === type) as unknown as Array<SupervisorEventOf<T>>,
	};
};

beforeEach(() => {
	vi.useFakeTimers({now: T0});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('readiness without a pattern, port or client', () => {
	it('is the first listening TCP port, with the boot time at the moment it was seen', async () => {
		const run = setup({opensAt: () => 300});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(440);
		// Seen at 300 ms; a hello could still be on its way for the grace.
		expect(run.of('app/ready')).toEqual([]);
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.helloGraceMs);
		const [ready] = run.of('app/ready');
		expect(ready).toMatchObject({pid: 10, restart: 0, source: 'listening', port: 8000, address: '0.0.0.0'});
		expect(ready!.bootMs).toBeGreaterThanOrEqual(300);
		expect(ready!.bootMs).toBeLessThanOrEqual(310);
		expect(ready!.late).toBeUndefined();
		// It stops looking once it has seen the port.
		const looks = run.looks();
		await vi.advanceTimersByTimeAsync(5000);
		expect(run.looks()).toBe(looks);
		expect(run.of('app/readiness-unknown')).toEqual([]);
	});

	it('measures a restart the same way as the first start, each from its own spawn', async () => {
		const run = setup({opensAt: () => 200});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(1000);
		run.emit({type: 'run/exited', pid: 10, restart: 0, code: null, signal: 'SIGTERM', uptimeMs: 1000, byDevtui: true, stopMs: 5, forced: false, restarting: true});
		run.spawn(1);
		await vi.advanceTimersByTimeAsync(1000);
		const boots = run.of('app/ready').map(event => [event.restart, event.source, event.bootMs]);
		expect(boots).toHaveLength(2);
		for (const [, source, bootMs] of boots) {
			expect(source).toBe('listening');
			expect(bootMs).toBeGreaterThanOrEqual(200);
			expect(bootMs).toBeLessThanOrEqual(210);
		}
	});

	it('says readiness is unknown after 10 s without a sign, and still reports a late one', async () => {
		let opensAt: number | undefined;
		const run = setup({opensAt: () => opensAt});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.unknownAfterMs);
		expect(run.of('app/readiness-unknown')).toEqual([
			expect.objectContaining({pid: 10, restart: 0, afterMs: DEFAULT_READINESS_POLICY.unknownAfterMs, waitedFor: ['listening', 'client']}),
		]);
		expect(run.of('app/ready')).toEqual([]);
		// After the threshold it looks once a second.
		const looks = run.looks();
		await vi.advanceTimersByTimeAsync(5000);
		expect(run.looks() - looks).toBeLessThanOrEqual(5);
		expect(run.looks() - looks).toBeGreaterThanOrEqual(4);
		opensAt = 15_500;
		await vi.advanceTimersByTimeAsync(2000);
		const [late] = run.of('app/ready');
		expect(late).toMatchObject({source: 'listening', late: true});
		expect(late!.bootMs).toBeGreaterThanOrEqual(15_500);
		expect(late!.bootMs).toBeLessThanOrEqual(16_500);
	});

	it('stops looking when the instance exits, and says nothing about it after', async () => {
		const run = setup();
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(100);
		run.emit({type: 'run/exited', pid: 10, restart: 0, code: 0, signal: null, uptimeMs: 100, byDevtui: false, forced: false, restarting: false});
		const looks = run.looks();
		await vi.advanceTimersByTimeAsync(20_000);
		expect(run.looks()).toBe(looks);
		expect(run.of('app/readiness-unknown')).toEqual([]);
		expect(run.of('app/ready')).toEqual([]);
	});

	it('gives up looking where it cannot see (no /proc), and still says readiness is unknown', async () => {
		let looks = 0;
		const run = setup({
			probe: () => {
				looks++;
				return undefined;
			},
		});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.unknownAfterMs + 5000);
		expect(looks).toBe(1);
		expect(run.of('app/readiness-unknown')).toHaveLength(1);
	});

	it('counts the held --listen socket once the app is seen accepting on it, not the client saying so', async () => {
		const run = setup();
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(120);
		run.emit({type: 'socket/taken', pid: 10, restart: 0, names: ['8000'], via: 'accepting'});
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.helloGraceMs);
		const [ready] = run.of('app/ready');
		expect(ready).toMatchObject({source: 'listening', held: true, address: '127.0.0.1', port: 8000});
		expect(ready!.bootMs).toBe(120);

		const other = setup();
		other.spawn(0);
		other.emit({type: 'socket/taken', pid: 10, restart: 0, names: ['8000'], via: 'client'});
		await vi.advanceTimersByTimeAsync(1000);
		expect(other.of('app/ready')).toEqual([]);
	});
});

describe('readiness with a client', () => {
	it("once it said hello, this instance's ready decides if it comes within the client's grace after the port opened", async () => {
		const run = setup({opensAt: () => 100});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(50);
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-node/0.1.0'});
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.clientGraceMs - 100);
		expect(run.of('app/ready')).toEqual([]);
		run.readiness.clientReady();
		expect(run.of('app/ready')).toEqual([expect.objectContaining({source: 'client'})]);
	});

	it('an app that uses its client only for state (no ready) is ready by its port, with the boot time the port opened', async () => {
		const run = setup({opensAt: () => 100});
		run.spawn(0);
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-python/0.1.0'});
		await vi.advanceTimersByTimeAsync(100 + DEFAULT_READINESS_POLICY.clientGraceMs + 100);
		expect(run.of('app/ready')).toEqual([expect.objectContaining({source: 'listening', port: 8000})]);
		expect(run.of('app/ready')[0]!.bootMs).toBeLessThan(200);
	});

	it('lets a hello that arrives just after the port opened decide (the first start of a Node client app)', async () => {
		const run = setup({opensAt: () => 0});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(40);
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-node/0.1.0'});
		await vi.advanceTimersByTimeAsync(1000);
		expect(run.of('app/ready')).toEqual([]);
		run.readiness.clientReady();
		expect(run.of('app/ready')).toEqual([expect.objectContaining({restart: 0, source: 'client', bootMs: 1040})]);
	});

	it('takes a hello sent before devtui announced the spawn', async () => {
		const run = setup({opensAt: () => 0});
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-python/0.1.0'});
		run.spawn(0);
		// The port is open at once, but the hello came first: the client's grace applies.
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.clientGraceMs - 100);
		expect(run.of('app/ready')).toEqual([]);
		run.readiness.clientReady();
		expect(run.of('app/ready')).toEqual([expect.objectContaining({source: 'client'})]);
	});

	it('waits longer for a hello after an earlier instance had a client, then counts the port', async () => {
		const run = setup({opensAt: () => 0});
		run.spawn(0);
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-node/0.1.0'});
		run.readiness.clientReady();
		run.emit({type: 'run/exited', pid: 10, restart: 0, code: null, signal: 'SIGTERM', uptimeMs: 1, byDevtui: true, stopMs: 1, forced: false, restarting: true});
		run.spawn(1);
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.clientGraceMs - 50);
		expect(run.of('app/ready').filter(event => event.restart === 1)).toEqual([]);
		await vi.advanceTimersByTimeAsync(100);
		const ready = run.of('app/ready').find(event => event.restart === 1);
		// The removed client is no reason to misstate the boot: the port was open at once.
		expect(ready).toMatchObject({source: 'listening'});
		expect(ready!.bootMs).toBeLessThanOrEqual(10);
	});

	it('says readiness is unknown when a client said hello but never ready, and nothing listens', async () => {
		const run = setup({opensAt: () => undefined});
		run.spawn(0);
		run.emit({type: 'app/hello', pid: 10, restart: 0, client: 'devtui-python/0.1.0'});
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.unknownAfterMs);
		expect(run.of('app/readiness-unknown')).toEqual([expect.objectContaining({waitedFor: ['listening', 'client']})]);
		run.readiness.clientReady();
		expect(run.of('app/ready')).toEqual([expect.objectContaining({source: 'client', late: true})]);
	});
});

describe('readiness with --ready-pattern or --ready-port', () => {
	it('a pattern decides, and /proc is never looked at', async () => {
		const run = setup({pattern: /^up on \d+$/, opensAt: () => 0});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(500);
		run.emit({type: 'run/output', pid: 10, stream: 'stderr', lines: ['booting', 'up on 8000']});
		expect(run.looks()).toBe(0);
		expect(run.of('app/ready')).toEqual([expect.objectContaining({source: 'pattern', bootMs: 500})]);
	});

	it('a pattern that never matches gives readiness unknown, naming what was waited for', async () => {
		const run = setup({pattern: /never/, opensAt: () => 0});
		run.spawn(0);
		await vi.advanceTimersByTimeAsync(DEFAULT_READINESS_POLICY.unknownAfterMs);
		expect(run.of('app/readiness-unknown')).toEqual([expect.objectContaining({waitedFor: ['pattern', 'client']})]);
		expect(run.looks()).toBe(0);
	});
});
