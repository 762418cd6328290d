// The pure parts of --listen: /proc/net/tcp parsing, the LISTEN_* environment on both sides, the
// `listening` message, the headless lines, and the backlog watcher's decisions (fed counts instead
// of /proc, with real timers).

import {describe, expect, it} from 'vitest';
import {parseListenEnv, pickSocket} from '../../src/client/inherited-sockets.js';
import {formatEvent} from '../../src/headless/format-event.js';
import {parseListenQueues} from '../../src/listen/accept-queue.js';
import {LISTEN_FIXES} from '../../src/listen/listen-advice.js';
import {fdName, listenEnv, specsForFdNames, withListenPid, withoutListenEnv} from '../../src/listen/socket-env.js';
import {watchBacklog} from '../../src/listen/watch-backlog.js';
import {parseAppMessage} from '../../src/protocol/parse-message.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent} from '../../src/supervisor/events.js';
import {waitFor} from '../helpers/wait-for.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F41 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F40 0100007F:D2F0 01 00000000:00000010 00:00000000 00000000     0        0 4242 1 0000000000000000 20 4 30 10 -1
`;

describe('accept queues from /proc/net/tcp', () => {
	it('reads rx_queue of the wanted LISTEN sockets only', () => {
		expect(parseListenQueues(TCP, new Set([4242]))).toEqual(new Map([[4242, 3]]));
		expect(parseListenQueues(TCP, new Set([4242, 4343, 1]))).toEqual(new Map([[4242, 3], [4343, 1]]));
		expect(parseListenQueues('', new Set([4242]))).toEqual(new Map());
	});
});

describe('the LISTEN_* environment', () => {
	const sockets = [
		{name: '8000', address: '127.0.0.1:8000', fd: 3},
		{name: '0.0.0.0:9000', address: '0.0.0.0:9000', fd: 4},
	];

	it('names sockets without the separator, and maps the names back to specs', () => {
		expect(fdName('[::1]:8000')).toBe('[__1]_8000');
		expect(listenEnv(sockets)).toEqual({LISTEN_FDS: '2', LISTEN_FDNAMES: '8000:0.0.0.0_9000'});
		expect(specsForFdNames(sockets, ['0.0.0.0_9000', '8000', 'other'])).toEqual(['0.0.0.0:9000', '8000', 'other']);
	});

	it("keeps devtui's own LISTEN_* from the app", () => {
		expect(withoutListenEnv({PATH: '/bin', LISTEN_FDS: '1', LISTEN_PID: '9'})).toEqual({PATH: '/bin'});
		const plain = {PATH: '/bin'};
		expect(withoutListenEnv(plain)).toBe(plain);
	});

	it('execs the command through sh so that LISTEN_PID is the app pid', () => {
		expect(withListenPid(['node', 'a b.js'])).toEqual(['/bin/sh', '-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', 'devtui-listen', 'node', 'a b.js']);
	});

	it('hands sockets only to the pid they are meant for', () => {
		const env = {LISTEN_FDS: '2', LISTEN_PID: '77', LISTEN_FDNAMES: '8000:0.0.0.0_9000'};
		expect(parseListenEnv(env, 77)).toEqual({sockets: [{fd: 3, name: '8000'}, {fd: 4, name: '0.0.0.0_9000'}], otherPid: undefined});
		expect(parseListenEnv(env, 78)).toEqual({sockets: [], otherPid: 77});
		expect(parseListenEnv({LISTEN_FDS: '1'}, 5).sockets).toEqual([{fd: 3, name: undefined}]);
		expect(parseListenEnv({LISTEN_FDS: 'x', LISTEN_PID: '5'}, 5).sockets).toEqual([]);
	});

	it('picks by spec, then by port (named, else bound), then the next one', () => {
		const named = [{fd: 3, name: '8000'}, {fd: 4, name: '0.0.0.0_9000'}];
		expect(pickSocket(named, {name: '0.0.0.0:9000'}, new Set())?.fd).toBe(4);
		expect(pickSocket(named, {port: 9000}, new Set())?.fd).toBe(4);
		expect(pickSocket(named, {port: 7000}, new Set())).toBeUndefined();
		expect(pickSocket(named, {}, new Set([3]))?.fd).toBe(4);
		// Unnamed (systemfd): the one bound to the port, as the Python client picks it; none when none is.
		const unnamed = [{fd: 3, name: undefined}, {fd: 4, name: undefined}];
		const bound = (fd: number) => ({3: 7000, 4: 7001})[fd];
		expect(pickSocket(unnamed, {port: 7001}, new Set(), bound)?.fd).toBe(4);
		expect(pickSocket(unnamed, {port: 7002}, new Set(), bound)).toBeUndefined();
		expect(pickSocket(unnamed, {}, new Set([3]), bound)?.fd).toBe(4);
	});
});

describe('the listening message', () => {
	it('carries the names the app took', () => {
		expect(parseAppMessage('{"type":"listening","names":["8000"]}')).toEqual({ok: true, message: {type: 'listening', names: ['8000']}});
		const bad = parseAppMessage('{"type":"listening","names":[""]}');
		expect(bad.ok ? undefined : bad.problem.kind).toBe('bad-field');
	});
});

describe('headless socket lines', () => {
	const at = 0;
	it('says what is held, who took it, what waited, and what went wrong', () => {
		expect(formatEvent({type: 'socket/listening', at, sockets: [{name: '8000', address: '127.0.0.1:8000', fd: 3}]})).toBe(
			'holding 127.0.0.1:8000 (fd 3) for the app; connections wait there across restarts',
		);
		expect(formatEvent({type: 'socket/taken', at, pid: 5, restart: 0, names: ['8000'], via: 'client'})).toBe('app pid 5 serves on the held socket 8000');
		expect(formatEvent({type: 'socket/taken', at, pid: 6, restart: 1, names: ['8000'], via: 'client'})).toBeUndefined();
		expect(formatEvent({type: 'socket/waiting', at, waiting: 2})).toBeUndefined();
		expect(formatEvent({type: 'socket/waiting', at, waiting: 0, peak: 2, waitedMs: 180})).toBe('2 connections waited up to 180 ms in the backlog for the app');
		expect(formatEvent({type: 'socket/not-taken', at, pid: 5, reason: 'waiting', waiting: 1, waitedMs: 2100})).toBe(
			`1 connection waited 2.10 s but pid 5 has not taken the held socket: ${LISTEN_FIXES}`,
		);
		expect(formatEvent({type: 'socket/not-taken', at, pid: 5, reason: 'waiting', waiting: 2, waitedMs: 2100, resetting: true})).toMatch(
			/^2 connections waited 2\.10 s but pid 5 has not taken the held socket; devtui now resets connections to it until an instance takes it: serve on/,
		);
		expect(formatEvent({type: 'socket/not-taken', at, pid: 5, reason: 'bind-conflict'})).toBe(
			`pid 5 tried to bind the port devtui holds (EADDRINUSE): ${LISTEN_FIXES}, or drop --listen`,
		);
		expect(formatEvent({type: 'socket/not-taken', at, pid: 5, reason: 'bind-conflict', resetting: true})).toMatch(/or drop --listen; until a change restarts it, devtui resets connections to the held port$/);
		// The real fixes, by name.
		for (const fix of ["devtui's listen helper", 'uvicorn --fd 3', 'hypercorn --bind fd://3', 'gunicorn started directly (it takes LISTEN_FDS', "run the app's own command after --"]) {
			expect(LISTEN_FIXES).toContain(fix);
		}
	});
});

describe('the backlog watcher', () => {
	const policy = {fastMs: 5, slowMs: 20, notTakenMs: 60};
	const setup = (counts: () => number, {idle = false} = {}) => {
		const bus = createEventBus();
		const events: SupervisorEvent[] = [];
		bus.subscribe(event => events.push(event));
		let reads = 0;
		const drains: string[] = [];
		const watcher = watchBacklog({
			bus,
			inodes: [1],
			policy,
			read: () => {
				reads++;
				return counts();
			},
			drainer: {start: () => drains.push('start'), stop: () => drains.push('stop')},
			provenIdle: () => idle,
		});
		return {bus, events, watcher, drains, reads: () => reads, of: (type: string) => events.filter(event => event.type === type)};
	};

	it('reports waiting connections and their drain, then stops sampling once the app accepts', async () => {
		let count = 0;
		const {bus, watcher, of, reads} = setup(() => count);
		bus.emit({type: 'run/spawned', pid: 10, restart: 0, command: ['x'], spawnMs: 1});
		count = 2;
		await waitFor(() => of('socket/waiting').length === 1);
		bus.emit({type: 'app/ready', pid: 10, restart: 0, source: 'client', bootMs: 1});
		count = 0;
		const drained = (await waitFor(() => of('socket/waiting')[1])) as {waiting: number; peak?: number};
		expect(drained).toMatchObject({waiting: 0, peak: 2});
		const settled = reads();
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(reads()).toBe(settled);
		expect(of('socket/not-taken')).toEqual([]);
		watcher.dispose();
	});

	it('says once that a ready app leaves connections waiting', async () => {
		const {bus, watcher, of} = setup(() => 1);
		bus.emit({type: 'run/spawned', pid: 11, restart: 0, command: ['x'], spawnMs: 1});
		bus.emit({type: 'app/ready', pid: 11, restart: 0, source: 'client', bootMs: 1});
		const notTaken = await waitFor(() => of('socket/not-taken')[0]);
		expect(notTaken).toMatchObject({pid: 11, reason: 'waiting', waiting: 1});
		await new Promise(resolve => setTimeout(resolve, 150));
		expect(of('socket/not-taken')).toHaveLength(1);
		watcher.dispose();
	});

	it('names a crash on EADDRINUSE as a bind conflict, and resets connections until the next instance', () => {
		const {bus, watcher, of, drains} = setup(() => 0);
		bus.emit({type: 'run/spawned', pid: 12, restart: 0, command: ['x'], spawnMs: 1});
		bus.emit({type: 'run/crashed', pid: 12, code: 1, signal: null, uptimeMs: 5, stderrTail: ['Error: listen EADDRINUSE: address already in use 127.0.0.1:8000']});
		expect(of('socket/not-taken')).toMatchObject([{pid: 12, reason: 'bind-conflict', resetting: true}]);
		expect(drains).toEqual(['start']);
		bus.emit({type: 'run/spawned', pid: 13, restart: 1, command: ['x'], spawnMs: 1});
		expect(drains).toEqual(['start', 'stop']);
		watcher.dispose();
	});

	it.each([
		["Error: That port is already in use."],
		["[2026-12-04 18:05:49 +0000] [11306] [ERROR] Connection in use: ('127.0.0.1', 8000)"],
		["ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use"],
	])('reads %j as a bind conflict (Django, gunicorn, uvicorn)', line => {
		const {bus, watcher, of} = setup(() => 0);
		bus.emit({type: 'run/crashed', pid: 12, code: 1, signal: null, uptimeMs: 5, stderrTail: [line]});
		expect(of('socket/not-taken')).toHaveLength(1);
		watcher.dispose();
	});

	it('leaves the connections of an ordinary crash waiting for the fix', () => {
		const {bus, watcher, of, drains} = setup(() => 1);
		bus.emit({type: 'run/crashed', pid: 12, code: 1, signal: null, uptimeMs: 5, stderrTail: ['SyntaxError: invalid syntax']});
		expect(of('socket/not-taken')).toEqual([]);
		expect(drains).toEqual([]);
		watcher.dispose();
	});

	it('resets connections an up instance leaves waiting once /proc shows it accepts on none, until a stop begins', async () => {
		let count = 1;
		const {bus, watcher, of, drains} = setup(() => count, {idle: true});
		bus.emit({type: 'run/spawned', pid: 11, restart: 0, command: ['x'], spawnMs: 1});
		bus.emit({type: 'app/readiness-unknown', pid: 11, restart: 0, afterMs: 10_000, waitedFor: ['listening']});
		expect(await waitFor(() => of('socket/not-taken')[0])).toMatchObject({pid: 11, reason: 'waiting', resetting: true});
		expect(drains).toEqual(['start']);
		// devtui's own resets empty the queue: no "waited in the backlog" drain, and the app is not taken for accepting.
		count = 0;
		await waitFor(() => of('socket/waiting').some(event => (event as {waiting: number}).waiting === 0));
		expect(of('socket/waiting').filter(event => (event as {peak?: number}).peak !== undefined)).toEqual([]);
		bus.emit({type: 'run/stop-requested', pid: 11, reason: 'change', files: []});
		expect(drains).toEqual(['start', 'stop']);
		watcher.dispose();
	});

	it('stops resetting when the instance takes the socket, whichever of its processes says so', async () => {
		const {bus, watcher, of, drains} = setup(() => 1, {idle: true});
		bus.emit({type: 'run/spawned', pid: 11, restart: 3, command: ['x'], spawnMs: 1});
		bus.emit({type: 'app/ready', pid: 11, restart: 3, source: 'listening', bootMs: 1});
		await waitFor(() => of('socket/not-taken')[0]);
		bus.emit({type: 'socket/taken', pid: 14, restart: 3, names: ['8000'], via: 'client'});
		expect(drains).toEqual(['start', 'stop']);
		watcher.dispose();
	});

	it('resets nothing without proof from /proc that the instance accepts on none', async () => {
		const {bus, watcher, of, drains} = setup(() => 1);
		bus.emit({type: 'run/spawned', pid: 11, restart: 0, command: ['x'], spawnMs: 1});
		bus.emit({type: 'app/ready', pid: 11, restart: 0, source: 'client', bootMs: 1});
		expect(await waitFor(() => of('socket/not-taken')[0])).toMatchObject({resetting: false});
		expect(drains).toEqual([]);
		watcher.dispose();
	});

	it('counts a queue that gets shorter as the app accepting (a slow app is not reset)', async () => {
		let count = 3;
		const {bus, watcher, of, drains} = setup(() => count, {idle: true});
		bus.emit({type: 'run/spawned', pid: 11, restart: 0, command: ['x'], spawnMs: 1});
		bus.emit({type: 'app/ready', pid: 11, restart: 0, source: 'listening', bootMs: 1});
		await waitFor(() => of('socket/waiting').length === 1);
		count = 2;
		await waitFor(() => of('socket/waiting').length === 2);
		await new Promise(resolve => setTimeout(resolve, 150));
		expect(of('socket/not-taken')).toEqual([]);
		expect(drains).toEqual([]);
		watcher.dispose();
	});
});
