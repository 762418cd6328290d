// createStack in-process, as the dashboard's services pane and `devtui ctl` drive it: the stream
// (every service's events with its name, and the stack's own), the commands, and close().

import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {resolveServices} from '../../src/cli/resolve-services.js';
import {createStack, type Stack} from '../../src/stack/create-stack.js';
import type {StackStreamEvent} from '../../src/stack/stack-types.js';
import {isAlive} from '../helpers/process-alive.js';
import {waitFor} from '../helpers/wait-for.js';

const stacks: Stack[] = [];
afterEach(async () => {
	for (const stack of stacks.splice(0)) await stack.close({force: true});
});

const idle = (name: string) => ['node', '-e', `console.log("up ${name}"); setInterval(() => {}, 1000)`];

const build = async (services: Record<string, unknown>) => {
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-createstack-'));
	const {services: specs} = resolveServices({cli: {}, sources: [{file: 'devtui.config.json', keyPrefix: '', values: {services}}], cwd, stdoutIsTTY: false});
	const stack = await createStack(specs, {color: false});
	stacks.push(stack);
	const events: StackStreamEvent[] = [];
	stack.subscribe(event => events.push(event));
	return {stack, events};
};

const spawnedOf = (events: StackStreamEvent[], service: string) =>
	events.filter((event): event is Extract<StackStreamEvent, {type: 'run/spawned'}> => event.type === 'run/spawned' && event.service === service);

describe('createStack', () => {
	it('streams each service\'s events with its name, says what a service waits for, and starts it by name without its dependencies', async () => {
		const {stack, events} = await build({
			server: {command: idle('server')},
			// "completed" of a server that never exits: it waits until asked.
			report: {command: idle('report'), dependsOn: {server: 'completed'}},
		});
		expect(stack.services.map(service => service.name)).toEqual(['server', 'report']);
		await stack.start();
		expect(events[0]).toMatchObject({type: 'stack/services', services: [{name: 'server'}, {name: 'report', dependsOn: {server: {condition: 'completed', restart: false}}}]});
		await waitFor(() => spawnedOf(events, 'server').length === 1, {message: 'the server spawned'});
		expect(stack.started('report')).toBe(false);
		expect(stack.waitingFor('report')).toEqual([{service: 'server', condition: 'completed'}]);
		expect(events.find(event => event.type === 'stack/waiting')).toMatchObject({service: 'report', waitingFor: [{service: 'server', condition: 'completed'}]});

		stack.restart('report');
		await waitFor(() => spawnedOf(events, 'report').length === 1, {message: 'the report started by name'});
		expect(stack.waitingFor('report')).toEqual([]);
		expect(events.filter(event => event.type === 'stack/waiting').at(-1)).toMatchObject({service: 'report', waitingFor: []});
		await waitFor(() => events.some(event => event.type === 'run/output' && event.service === 'report' && event.lines.includes('up report')), {message: 'its output, with its name'});

		stack.holdAll(true);
		expect(events.filter(event => event.type === 'supervisor/held').map(event => [event.service, event.type === 'supervisor/held' && event.held])).toEqual([
			['server', true],
			['report', true],
		]);
		stack.hold('server', false);
		expect(stack.sessions.get('server')!.supervisor.held).toBe(false);
		expect(stack.sessions.get('report')!.supervisor.held).toBe(true);

		stack.restartAll();
		await waitFor(() => spawnedOf(events, 'server').length === 2 && spawnedOf(events, 'report').length === 2, {message: 'both restarted'});
		const pids = [...stack.sessions.values()].map(session => session.supervisor.pid!);
		await stack.close();
		expect(pids.every(pid => !isAlive(pid))).toBe(true);
		const exits = events.flatMap(event => (event.type === 'run/exited' && event.byDevtui ? [event.service] : []));
		// Reverse order: the report (which depends on the server) stopped first.
		expect(exits.slice(-2)).toEqual(['report', 'server']);
	});

	it('keeps a dependent running while its dependency is killed, and cascades once the dependency is back and ready', async () => {
		const {stack, events} = await build({
			base: {command: idle('base'), readyPattern: 'up base'},
			late: {command: idle('late'), dependsOn: {base: {condition: 'ready', restart: true}}},
		});
		await stack.start();
		await waitFor(() => spawnedOf(events, 'late').length === 1, {message: 'late started once base was ready'});
		expect(events.findIndex(event => event.type === 'app/ready' && event.service === 'base')).toBeLessThan(events.indexOf(spawnedOf(events, 'late')[0]!));
		const latePid = stack.sessions.get('late')!.supervisor.pid!;
		stack.forceKill('base');
		await waitFor(() => events.some(event => event.type === 'run/exited' && event.service === 'base'), {message: 'base killed'});
		expect(isAlive(latePid)).toBe(true);
		expect(events.some(event => event.type === 'stack/cascade')).toBe(false);

		stack.restart('base');
		await waitFor(() => spawnedOf(events, 'late').length === 2, {message: 'late restarted after base'});
		const cascade = events.findIndex(event => event.type === 'stack/cascade');
		expect(events[cascade]).toMatchObject({type: 'stack/cascade', service: 'late', because: 'base'});
		// After base's new instance was ready, not merely spawned.
		const baseReady = events.findLastIndex(event => event.type === 'app/ready' && event.service === 'base');
		expect(cascade).toBeGreaterThan(baseReady);
		expect(baseReady).toBeGreaterThan(events.indexOf(spawnedOf(events, 'base')[1]!));
	});
});
