// READY=1 as a readiness source: the first instance of an app nobody has heard from yet counts as
// ready at spawn (as with the client's hello); once one instance has sent READY=1, every later one
// waits for its own.

import {describe, expect, it} from 'vitest';
import {trackReadiness} from '../../src/readiness/track-readiness.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEventOf} from '../../src/supervisor/events.js';

const setup = () => {
	const bus = createEventBus();
	const ready: Array<SupervisorEventOf<'app/ready'>> = [];
	bus.subscribe(event => {
		if (event.type === 'app/ready') ready.push(event);
	});
	const readiness = trackReadiness({bus, pattern: undefined, port: undefined});
	const spawn = (pid: number, restart: number) => bus.emit({type: 'run/spawned', pid, restart, command: ['app'], spawnMs: 1});
	return {bus, ready, readiness, spawn};
};

describe('readiness by sd_notify', () => {
	it('the first instance is ready at spawn; after its READY=1 every instance waits for its own', () => {
		const {ready, readiness, spawn} = setup();
		spawn(100, 0);
		expect(ready.map(event => event.source)).toEqual(['spawn']);
		readiness.notifyReady();
		expect(ready).toHaveLength(1);
		spawn(101, 1);
		expect(ready).toHaveLength(1);
		readiness.notifyReady();
		readiness.notifyReady();
		expect(ready.slice(1)).toMatchObject([{pid: 101, restart: 1, source: 'notify'}]);
		expect(ready[1]!.bootMs).toBeGreaterThanOrEqual(0);
		spawn(102, 2);
		expect(ready).toHaveLength(2);
		readiness.dispose();
	});

	it('once NOTIFY_SOCKET is lost, later instances are ready at spawn again', () => {
		const {ready, readiness, spawn} = setup();
		spawn(100, 0);
		readiness.notifyReady();
		spawn(101, 1);
		expect(ready).toHaveLength(1);
		readiness.notifyLost();
		spawn(102, 2);
		expect(ready.slice(1)).toMatchObject([{pid: 102, source: 'spawn'}]);
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
