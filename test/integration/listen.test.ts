// devtui --listen end to end: the built CLI holds a real socket on loopback and hands it to real
// app processes across real restarts, while a client keeps sending requests on new connections.

import http from 'node:http';
import net from 'node:net';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, freePort, startJson, tempDir, type JsonRun} from '../fixtures/apps/proto-json-run.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const app = fixture('listen-http.mjs');

type Outcome = {ok: true; pid: number} | {ok: false; error: string};

/** One GET on a new connection (no keep-alive); requests may wait in the backlog for a while. */
const get = (port: number): Promise<Outcome> =>
	new Promise(resolve => {
		const request = http.get({host: '127.0.0.1', port, path: '/', agent: false, timeout: 30_000}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve({ok: true, pid: (JSON.parse(body) as {pid: number}).pid}));
			response.on('error', error => resolve({ok: false, error: (error as NodeJS.ErrnoException).code ?? error.message}));
		});
		request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), {code: 'TIMEOUT'})));
		request.on('error', error => resolve({ok: false, error: (error as NodeJS.ErrnoException).code ?? error.message}));
	});

/** Sends requests back to back until stopped. */
const keepRequesting = (port: number) => {
	const outcomes: Outcome[] = [];
	let running = true;
	const done = (async () => {
		while (running) outcomes.push(await get(port));
	})();
	return {
		outcomes,
		stop: async () => {
			running = false;
			await done;
		},
	};
};

const listenLines = (devtui: JsonRun) =>
	devtui
		.output()
		.filter(line => line.startsWith('LISTEN '))
		.map(line => JSON.parse(line.slice(7)) as {pid: number; listenPid: string; fds: string; names: string; after: string | null});

describe('devtui --listen', () => {
	it('refuses no request through 10 restarts, and LISTEN_PID is the pid of each instance', {timeout: 180_000}, async () => {
		const dir = tempDir('devtui-listen-');
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, app], {cwd: dir, env: {PORT: String(port)}});
		const listening = await devtui.waitForEvent('socket/listening');
		expect(listening.sockets).toEqual([{name: String(port), address: `127.0.0.1:${port}`, fd: 3}]);
		await devtui.waitForEvent('watch/ready');
		await devtui.waitForEvent('socket/taken');
		const client = keepRequesting(port);
		for (let restart = 1; restart <= 10; restart++) {
			devtui.touch();
			const spawned = await devtui.waitForEvent('run/spawned', event => event.restart === restart, {timeout: 30_000});
			// Ready in devtui's eyes too: a change before that would count towards a feedback loop.
			await devtui.waitForEvent('app/ready', event => event.restart === restart, {timeout: 30_000});
			await waitFor(() => client.outcomes.some(outcome => outcome.ok && outcome.pid === spawned.pid), {
				timeout: 30_000,
				message: () => `a response from restart ${restart} (pid ${spawned.pid}); outcomes: ${JSON.stringify(client.outcomes.slice(-5))}`,
			});
		}
		await client.stop();
		const failed = client.outcomes.filter(outcome => !outcome.ok);
		expect(failed).toEqual([]);
		const pids = new Set(client.outcomes.map(outcome => (outcome.ok ? outcome.pid : 0)));
		expect(pids.size).toBe(11);
		expect(client.outcomes.length).toBeGreaterThan(11);

		// Every instance found the socket meant for itself, and took it.
		const spawnedPids = devtui.of('run/spawned').map(event => event.pid);
		const seen = listenLines(devtui);
		expect(seen.map(line => line.pid)).toEqual(spawnedPids);
		for (const line of seen) {
			expect(line).toMatchObject({listenPid: String(line.pid), fds: '1', names: String(port), after: null});
		}
		expect(devtui.of('socket/taken').map(event => [event.pid, event.names])).toEqual(spawnedPids.map(pid => [pid, [String(port)]]));
		expect(devtui.of('socket/not-taken')).toEqual([]);
	});

	it('keeps a connection made while no instance runs waiting, and the next instance answers it', {timeout: 120_000}, async () => {
		const dir = tempDir('devtui-listen-');
		writeFileSync(path.join(dir, 'mode.txt'), 'crash\n');
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, app], {cwd: dir, env: {PORT: String(port)}});
		await devtui.waitForEvent('run/crashed');
		await devtui.waitForEvent('watch/ready');
		const answer = get(port);
		// The kernel holds it in the backlog: devtui accepts nothing and reports it waiting.
		await devtui.waitForEvent('socket/waiting', event => event.waiting === 1, {timeout: 20_000});
		writeFileSync(path.join(dir, 'mode.txt'), 'serve\n');
		const spawned = await devtui.waitForEvent('run/spawned', event => event.restart === 1, {timeout: 30_000});
		expect(await answer).toEqual({ok: true, pid: spawned.pid});
		const drained = await devtui.waitForEvent('socket/waiting', event => event.waiting === 0);
		expect(drained.peak).toBe(1);
		expect(drained.waitedMs).toBeGreaterThan(0);
	});

	it('says so when the app binds the held port itself behind a launcher devtui cannot see into (EADDRINUSE); --no-listen-pid fixes it', {timeout: 60_000}, async () => {
		const dir = tempDir('devtui-listen-');
		const port = await freePort();
		// A script forks node instead of exec'ing it, and devtui cannot read it: LISTEN_PID is the script's pid.
		const script = path.join(dir, 'run.sh');
		writeFileSync(script, `#!/bin/sh\n"${process.execPath}" "${app}"\nexit $?\n`, {mode: 0o755});
		const devtui = startJson(['--listen', String(port), '--', script], {cwd: dir, env: {PORT: String(port)}});
		const notTaken = await devtui.waitForEvent('socket/not-taken');
		expect(notTaken).toMatchObject({reason: 'bind-conflict', resetting: true});
		expect(devtui.output().join('\n')).toMatch(new RegExp(`port ${port} is held for pid \\d+, not this process`));

		const other = await freePort();
		const fixed = startJson(['--listen', String(other), '--no-listen-pid', '--', script], {cwd: dir, env: {PORT: String(other)}});
		const {pid} = await fixed.waitForEvent('socket/taken');
		// The event names the instance (the script), whichever of its processes took the socket (by
		// its client's message or seen accepting); the app below the script took it.
		const instance = fixed.of('run/spawned')[0]!.pid;
		expect(pid).toBe(instance);
		const listenLine = await fixed.waitForOutput(/^LISTEN /);
		const found = JSON.parse(listenLine.slice('LISTEN '.length)) as {pid: number; listenPid?: string; after: string | null};
		expect(found.pid).not.toBe(instance);
		expect(found.listenPid).toBeUndefined();
	});

	it('says so when a ready app leaves connections waiting on the held socket', {timeout: 60_000}, async () => {
		const dir = tempDir('devtui-listen-');
		const [held, other] = [await freePort(), await freePort()];
		// The app serves on another port, so nothing ever accepts on the held one.
		const devtui = startJson(['--listen', String(held), '--', process.execPath, app], {cwd: dir, env: {PORT: String(other)}});
		await devtui.waitForOutput(/^LISTEN /);
		const socket = net.connect(held, '127.0.0.1');
		socket.on('error', () => {});
		try {
			const notTaken = await devtui.waitForEvent('socket/not-taken', () => true, {timeout: 20_000});
			expect(notTaken).toMatchObject({reason: 'waiting', waiting: 1});
			expect(notTaken.waitedMs).toBeGreaterThanOrEqual(2000);
		} finally {
			socket.destroy();
		}
	});
});
