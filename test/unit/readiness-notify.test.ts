// READY=1 as a readiness source: it counts whenever it comes; once one instance has sent it, every
// later one waits for its own READY=1 instead of taking a listening port for readiness (a gunicorn
// master binds before its workers have loaded the app).

import {describe, expect, it} from 'vitest';
import {trackReadiness} from '../../src/readiness/track-readiness.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEventOf} from '../../src/supervisor/events.js';

// Every instance is seen listening on :8000 at once (as a gunicorn master is).
const setup = () => {
	const bus = createEventBus();
	const ready: Array<SupervisorEventOf<'app/ready'>> = [];
	bus.subscribe(event => {
		if (event.type === 'app/ready') ready.push(event);
	});
	const readiness = trackReadiness({
		bus,
		pattern: undefined,
		port: undefined,
		policy: {unknownAfterMs: 60_000, helloGraceMs: 0, clientGraceMs: 0, poll: {fastMs: 1, fastForMs: 60_000, slowMs: 1, rampMs: 1, idleAfterMs: 60_000, idleMs: 1}},
		probe: root => [{pid: root, inode: 1, port: 8000, address: '0.0.0.0'}],
	});
	const spawn = (pid: number, restart: number) => bus.emit({type: 'run/spawned', pid, restart, command: ['app'], spawnMs: 1});
	return {bus, ready, readiness, spawn};
};

const settle = () => new Promise(resolve => setTimeout(resolve, 30));

describe('readiness by sd_notify', () => {
	it('READY=1 makes an instance ready; after it, later instances wait for their own instead of a listening port', async () => {
		const {ready, readiness, spawn} = setup();
		spawn(100, 0);
		readiness.notifyReady();
		expect(ready.map(event => event.source)).toEqual(['notify']);
		spawn(101, 1);
		await settle();
		expect(ready).toHaveLength(1);
		readiness.notifyReady();
		readiness.notifyReady();
		expect(ready.slice(1)).toMatchObject([{pid: 101, restart: 1, source: 'notify'}]);
		expect(ready[1]!.bootMs).toBeGreaterThanOrEqual(0);
		readiness.dispose();
	});

	it('once NOTIFY_SOCKET is lost, later instances are ready by their listening port again', async () => {
		const {ready, readiness, spawn} = setup();
		spawn(100, 0);
		readiness.notifyReady();
		spawn(101, 1);
		await settle();
		expect(ready).toHaveLength(1);
		readiness.notifyLost();
		spawn(102, 2);
		await settle();
		expect(ready.slice(1)).toMatchObject([{pid: 102, source: 'listening', port: 8000}]);
		readiness.dispose();
	});

	it('competes with --ready-pattern: the first source wins', () => {
		const bus = createEventBus();
		const ready: string[] = [];
		bus.subscribe(event => {
			if (event.type === 'app/ready') ready.push(event.source);
		});
		const readiness = trackReadiness({bus, pattern: /listening/, port: undefined});
		bus.emit({type: 'run/spawned', pid: 100, restart: 0, command: ['app'], spawnMs: 1});
		readiness.notifyReady();
		bus.emit({type: 'run/output', pid: 100, stream: 'stdout', lines: ['listening']});
		expect(ready).toEqual(['notify']);
		readiness.dispose();
	});
});
