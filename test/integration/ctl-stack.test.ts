// The ctl server driven by a stack of two services (the real StackStream and recording StackCommands, on a
// real socket, with the real client): the names, an unknown service, restart --all, and a
// wait-ready across services, so the stack plugs in as it is.

import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import {runCtl} from '../../src/cli/ctl-client.js';
import {bindCtlSocket} from '../../src/ctl/bind-ctl-socket.js';
import {createCtlServer, type CtlServer} from '../../src/ctl/ctl-server.js';
import type {ServiceInfo, StackCommands, StackStreamEvent} from '../../src/stack/stack-types.js';
import type {EventInput} from '../../src/supervisor/events.js';
import {waitFor} from '../helpers/wait-for.js';
import {createStackStream} from '../../src/stack/stack-stream.js';

const servers: CtlServer[] = [];
afterEach(async () => {
	for (const server of servers.splice(0)) await server.close();
});

const info = (name: string, dependsOn: ServiceInfo['dependsOn'] = {}): ServiceInfo => ({name, command: ['node', `${name}.js`], cwd: '/x', dependsOn});

const fakeStack = () => {
	const stream = createStackStream();
	const calls: string[] = [];
	let clock = 1000;
	const services = [info('queue'), info('api', {queue: {condition: 'ready', restart: false}})];
	const commands: StackCommands = {
		services,
		restart: name => calls.push(`restart ${name}`),
		forceKill: name => calls.push(`kill ${name}`),
		hold: (name, held) => calls.push(`hold ${name} ${held}`),
		restartAll: () => calls.push('restart all'),
		holdAll: held => calls.push(`hold all ${held}`),
	};
	const emit = (service: string, input: EventInput) => {
		stream.forward({...input, at: (clock += 5), service} as StackStreamEvent);
	};
	const up = (service: string, pid: number, restart = 0) => {
		emit(service, {type: 'supervisor/state', state: 'starting', previous: 'idle'});
		emit(service, {type: 'run/spawned', pid, restart, command: ['node'], spawnMs: 3});
		emit(service, {type: 'supervisor/state', state: 'running', previous: 'starting'});
	};
	const ready = (service: string, pid: number, restart = 0) => emit(service, {type: 'app/ready', pid, restart, bootMs: 9, source: 'client'});
	return {stream, commands, calls, emit, up, ready, tellAll: (event: StackStreamEvent) => stream.forward(event)};
};

const ctl = async (cwd: string, ...argv: string[]) => {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', chunk => (out += String(chunk)));
	stderr.on('data', chunk => (err += String(chunk)));
	const code = await runCtl({argv, cwd, stdout, stderr});
	return {code, stdout: out, stderr: err};
};

const serve = async ({settleMs = 0}: {settleMs?: number} = {}) => {
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-ctl-stack-'));
	const stack = fakeStack();
	const server = createCtlServer({stream: stack.stream, commands: stack.commands, cwd, pid: process.pid, settleMs});
	servers.push(server);
	const bound = await bindCtlSocket(cwd);
	if (bound.kind !== 'listening') throw new Error(`not bound: ${bound.kind}`);
	server.serve(bound);
	return {cwd, stack, server};
};

describe('devtui ctl against a stack of two services', () => {
	it('status lists the services in the stack order, with each one state', async () => {
		const {cwd, stack} = await serve();
		stack.up('queue', 11);
		stack.ready('queue', 11);
		stack.tellAll({type: 'stack/waiting', at: 2000, service: 'api', waitingFor: [{service: 'queue', condition: 'ready'}]});
		const result = await ctl(cwd, 'status', '--json');
		expect(result.code).toBe(0);
		const status = JSON.parse(result.stdout) as {services: Array<{name: string; state: string; pid: number | null; readiness: string; waitingFor: unknown[]}>};
		expect(status.services.map(service => [service.name, service.state, service.pid, service.readiness])).toEqual([
			['queue', 'running', 11, 'ready'],
			['api', 'idle', null, 'down'],
		]);
		expect(status.services[1]!.waitingFor).toEqual([{service: 'queue', condition: 'ready'}]);
		const table = await ctl(cwd, 'status');
		expect(table.stdout).toMatch(/^SERVICE +STATE +PID +RESTARTS +READY$/m);
		expect(table.stdout).toMatch(/^queue +running +11 +0 +ready \(client said ready\)$/m);
		expect(table.stdout).toMatch(/^api +idle +- +0 +-$/m);
		expect(table.stdout).toContain('waits for queue (ready)');
	});

	it('an unknown service is one line, exit 2, with the closest name', async () => {
		const {cwd, stack} = await serve();
		for (const argv of [['restart', 'apu'], ['hold', 'apu'], ['logs', 'apu'], ['wait-ready', 'queue', 'apu']]) {
			const result = await ctl(cwd, ...argv);
			expect(result).toEqual({code: 2, stdout: '', stderr: 'devtui ctl: unknown service "apu": did you mean api? (services: queue, api)\n'});
		}
		expect((await ctl(cwd, 'release', 'zzz')).stderr).toBe('devtui ctl: unknown service "zzz" (services: queue, api)\n');
		expect(stack.calls).toEqual([]);
	});

	it('sends restart, restart --all, hold and release to the stack', async () => {
		const {cwd, stack} = await serve();
		expect(await ctl(cwd, 'restart', 'api')).toMatchObject({code: 0, stdout: 'restarting api\n'});
		expect(await ctl(cwd, 'restart', '--all')).toMatchObject({code: 0, stdout: 'restarting queue, api\n'});
		expect((await ctl(cwd, 'hold', 'queue')).code).toBe(0);
		expect((await ctl(cwd, 'release', 'queue')).code).toBe(0);
		expect(stack.calls).toEqual(['restart api', 'restart all', 'hold queue true', 'hold queue false']);
	});

	it('wait-ready waits for every service, and names the one that crashed', async () => {
		const {cwd, stack, server} = await serve();
		stack.up('queue', 11);
		stack.up('api', 12);
		const waiting = ctl(cwd, 'wait-ready', '--timeout', '5000');
		await waitFor(() => server.openRequests() === 1, {message: 'the wait to reach the server'});
		// Both must be ready; the first one alone is not enough.
		stack.ready('queue', 11);
		await waitFor(() => server.monitor.fold('queue')?.status.readiness === 'ready');
		expect(server.openRequests()).toBe(1);
		stack.ready('api', 12);
		const result = await waiting;
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^queue: ready in \d+ ms \(restart #0, pid 11\)\napi: ready in \d+ ms \(restart #0, pid 12\)\n$/);
		expect(server.openRequests()).toBe(0);

		// A save is being collected for api: the instance that is ready now does not answer the wait.
		stack.emit('api', {type: 'watch/batch', open: true});
		const failing = ctl(cwd, 'wait-ready', 'api');
		await waitFor(() => server.openRequests() === 1, {message: 'the wait to reach the server'});
		stack.emit('api', {type: 'watch/changed', batch: 1, files: [{path: 'api.js', kind: 'changed'}], firstChangeAt: 1});
		stack.emit('api', {type: 'watch/batch', open: false});
		stack.emit('api', {type: 'supervisor/state', state: 'stopping', previous: 'running'});
		stack.emit('api', {type: 'run/exited', pid: 12, restart: 0, code: 0, signal: null, uptimeMs: 20, byDevtui: true, forced: false, restarting: true});
		stack.emit('api', {type: 'supervisor/state', state: 'starting', previous: 'exited'});
		stack.emit('api', {type: 'run/spawned', pid: 13, restart: 1, command: ['node'], spawnMs: 3});
		stack.emit('api', {type: 'supervisor/state', state: 'running', previous: 'starting'});
		expect(server.openRequests()).toBe(1);
		stack.emit('api', {type: 'run/exited', pid: 13, restart: 1, code: 1, signal: null, uptimeMs: 20, byDevtui: false, forced: false, restarting: false});
		stack.emit('api', {type: 'run/crashed', pid: 13, code: 1, signal: null, uptimeMs: 20, stderrTail: ['Error: queue refused']});
		stack.emit('api', {type: 'supervisor/state', state: 'crashed', previous: 'running'});
		const crashed = await failing;
		expect(crashed.code).toBe(1);
		expect(crashed.stdout).toBe('api: crashed (exit code 1) after 20 ms, restart #1, pid 13\n  Error: queue refused\n  next: devtui ctl logs api\n');
	});

	it('a ready stack with nothing pending answers wait-ready after the settle time, every time', async () => {
		// The settle timer may fire a little before the clock says it is due: that must not leave the wait hanging.
		const {cwd, stack} = await serve({settleMs: 2});
		stack.up('queue', 11);
		stack.ready('queue', 11);
		stack.up('api', 12);
		stack.ready('api', 12);
		for (let run = 0; run < 100; run++) {
			const result = await ctl(cwd, 'wait-ready', '--timeout', '2000');
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
		}
	});

	it('logs keep each service apart', async () => {
		const {cwd, stack} = await serve();
		stack.up('queue', 11);
		stack.up('api', 12);
		stack.emit('queue', {type: 'run/output', pid: 11, stream: 'stdout', lines: ['queue one', 'queue two']});
		stack.emit('api', {type: 'run/output', pid: 12, stream: 'stderr', lines: ['api one']});
		expect((await ctl(cwd, 'logs', 'api')).stdout).toBe('[devtui] started pid 12\napi one\n');
		expect((await ctl(cwd, 'logs', 'queue', '--lines', '1')).stdout).toBe('queue two\n');
	});
});
