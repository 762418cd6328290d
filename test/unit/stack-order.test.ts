// The pure parts of a stack: start order, cycles, --only's closure, reverse-order stops, and what a
// dependency's events mean for the services that wait for it.

import {describe, expect, it} from 'vitest';
import {findCycle, startOrder, withDependencies} from '../../src/stack/dependency-graph.js';
import {conditionMet, foldStatus, initialStatus, unmetWaits, type DependencyStatus} from '../../src/stack/dependency-status.js';
import type {Dependency} from '../../src/stack/stack-types.js';
import {stopInReverseOrder} from '../../src/stack/stop-in-order.js';
import type {EventInput, SupervisorEvent} from '../../src/supervisor/events.js';

const on = (condition: Dependency['condition'], restart = false): Dependency => ({condition, restart});
const graph = {
	web: {api: on('started', true)},
	worker: {queue: on('ready')},
	api: {queue: on('ready'), migrate: on('completed')},
	queue: {},
	migrate: {},
};

describe('dependency graph', () => {
	it('starts every service after what it depends on, in config order otherwise', () => {
		expect(startOrder(graph)).toEqual(['queue', 'migrate', 'api', 'web', 'worker']);
		expect(startOrder({b: {}, a: {}})).toEqual(['b', 'a']);
	});

	it('names the cycle that closes, the same one each time', () => {
		expect(findCycle(graph)).toBeUndefined();
		expect(findCycle({a: {b: on('started')}, b: {c: on('started')}, c: {b: on('ready')}})).toEqual(['b', 'c', 'b']);
		expect(findCycle({x: {}, a: {b: on('started')}, b: {a: on('started')}})).toEqual(['a', 'b', 'a']);
	});

	it('--only: the named services and their dependencies, transitively', () => {
		expect([...withDependencies(graph, ['web'])].sort()).toEqual(['api', 'migrate', 'queue', 'web']);
		expect([...withDependencies(graph, ['queue'])]).toEqual(['queue']);
	});

	it('stops each service only after every service that depends on it, independent ones together', async () => {
		const log: string[] = [];
		const running = new Set<string>();
		await stopInReverseOrder(graph, async name => {
			log.push(`begin ${name}`);
			running.add(name);
			// Everything depending on it must be gone by now.
			for (const [other, dependencies] of Object.entries(graph)) {
				if (name in dependencies) expect(log).toContain(`end ${other}`);
			}
			await new Promise(resolve => setTimeout(resolve, 5));
			running.delete(name);
			log.push(`end ${name}`);
		});
		expect(log.filter(entry => entry.startsWith('end')).map(entry => entry.slice(4))).toHaveLength(5);
		// web and worker depend on nothing that depends on them: they stopped at the same time.
		expect(log.slice(0, 2).sort()).toEqual(['begin web', 'begin worker']);
		expect(log.indexOf('end queue')).toBeGreaterThan(log.indexOf('end worker'));
		expect(log.indexOf('end queue')).toBeGreaterThan(log.indexOf('end api'));
		expect(log.indexOf('begin api')).toBeGreaterThan(log.indexOf('end web'));
	});
});

const at = (event: EventInput): SupervisorEvent => ({...event, at: 0}) as SupervisorEvent;
const fold = (...events: EventInput[]): DependencyStatus => events.map(at).reduce(foldStatus, initialStatus);
const spawned = (restart = 0): EventInput => ({type: 'run/spawned', pid: 10 + restart, restart, command: ['x'], spawnMs: 1});
const ready = (restart = 0): EventInput => ({type: 'app/ready', pid: 10 + restart, restart, bootMs: 5, source: 'listening', port: 80});
const exited = (code: number | null, byDevtui = false): EventInput => ({
	type: 'run/exited',
	pid: 10,
	restart: 0,
	code,
	signal: null,
	uptimeMs: 9,
	byDevtui,
	forced: false,
	restarting: byDevtui,
});
const crashed: EventInput = {type: 'run/crashed', pid: 10, code: 1, signal: null, uptimeMs: 9, stderrTail: []};

describe('dependency conditions', () => {
	it.each([
		['nothing yet', [], {started: false, ready: false, completed: false}],
		['spawned', [spawned()], {started: true, ready: false, completed: false}],
		['ready', [spawned(), ready()], {started: true, ready: true, completed: false}],
		['ready by giving up on a sign', [spawned(), {type: 'app/readiness-unknown', pid: 10, restart: 0, afterMs: 10_000, waitedFor: ['listening']}], {started: true, ready: true, completed: false}],
		['exited 0 by itself', [spawned(), exited(0)], {started: true, ready: false, completed: true}],
		['crashed', [spawned(), ready(), exited(1), crashed], {started: false, ready: false, completed: false}],
		['stopped by devtui for a restart', [spawned(), ready(), exited(null, true)], {started: false, ready: false, completed: false}],
		['its next instance after a crash', [spawned(), exited(1), crashed, spawned(1)], {started: true, ready: false, completed: false}],
		['could not be spawned', [{type: 'run/spawn-failed', restart: 0, command: ['x'], message: 'EAGAIN'}], {started: false, ready: false, completed: false}],
	] as Array<[string, EventInput[], Record<Dependency['condition'], boolean>]>)('%s', (_what, events, expected) => {
		const status = fold(...events);
		expect({started: conditionMet(status, 'started'), ready: conditionMet(status, 'ready'), completed: conditionMet(status, 'completed')}).toEqual(expected);
	});

	it('says what is unmet, in dependsOn order, and which dependency failed', () => {
		const statuses: Record<string, DependencyStatus> = {queue: fold(spawned(), exited(1), crashed), migrate: fold(spawned()), cache: fold(spawned(), ready())};
		expect(unmetWaits({queue: on('ready'), migrate: on('completed'), cache: on('ready')}, name => statuses[name]!)).toEqual([
			{service: 'queue', condition: 'ready', failed: true},
			{service: 'migrate', condition: 'completed'},
		]);
		expect(unmetWaits({cache: on('started')}, name => statuses[name]!)).toEqual([]);
	});
});
