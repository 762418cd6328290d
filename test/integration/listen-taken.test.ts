// --listen "taken" from what the app does, end to end: real `uvicorn --fd 3` (Debian's
// python3-uvicorn, under /usr/bin/python3: the python3 on PATH may lack it), a Node server on fd 3
// without devtui's client, a Node app with the client's listen() helper, and an app that inherits
// fd 3 but never accepts. Each instance that takes the socket gets exactly one socket/taken and
// counts as ready; one that only inherits it never does.

import http from 'node:http';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, freePort, startJson, tempDir, type JsonRun} from '../fixtures/apps/proto-json-run.js';
import {fixture} from '../helpers/supervise.js';

afterEach(cleanupRuns);

const SYSTEM_PYTHON = '/usr/bin/python3';

const ASGI_APP = `import os

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [[b"content-type", b"text/plain"]]})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
`;

/** One GET on a new connection: the pid of the instance that answered (as text, or listen-http's {"pid": ...}). */
const pidAt = (port: number): Promise<number> =>
	new Promise((resolve, reject) => {
		const request = http.get({host: '127.0.0.1', port, path: '/', agent: false, timeout: 20_000}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve(body.startsWith('{') ? (JSON.parse(body) as {pid: number}).pid : Number(body)));
		});
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', reject);
	});

/** Two instances (the first start and one restart), each answering on the held port. */
const twoInstances = async (devtui: JsonRun, port: number, edit: () => void) => {
	const first = await devtui.waitForEvent('run/spawned', event => event.restart === 0);
	await devtui.completed(0);
	expect(await pidAt(port)).toBe(first.pid);
	edit();
	const second = await devtui.waitForEvent('run/spawned', event => event.restart === 1, {timeout: 20_000});
	await devtui.completed(1);
	expect(await pidAt(port)).toBe(second.pid);
	return [first.pid, second.pid];
};

describe('--listen: taken, from what the app does', () => {
	it('uvicorn --fd 3: taken by accepting and ready on the held socket, on every instance', async () => {
		const dir = tempDir('devtui-taken-');
		writeFileSync(path.join(dir, 'main.py'), ASGI_APP);
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', SYSTEM_PYTHON, '-m', 'uvicorn', '--fd', '3', 'main:app'], {cwd: dir});
		const pids = await twoInstances(devtui, port, () => writeFileSync(path.join(dir, 'main.py'), `${ASGI_APP}# edit\n`));
		expect(devtui.of('socket/taken').map(event => [event.pid, event.restart, event.names, event.via])).toEqual([
			[pids[0], 0, [String(port)], 'accepting'],
			[pids[1], 1, [String(port)], 'accepting'],
		]);
		expect(devtui.of('app/ready').map(event => [event.restart, event.source, event.held, event.port])).toEqual([
			[0, 'listening', true, port],
			[1, 'listening', true, port],
		]);
		expect(devtui.of('socket/not-taken')).toEqual([]);
	});

	it('a Node server on fd 3 without the client: taken by accepting', async () => {
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, fixture('fd3-server.mjs')], {cwd: tempDir('devtui-taken-')});
		const pids = await twoInstances(devtui, port, () => devtui.touch());
		expect(devtui.of('socket/taken').map(event => [event.pid, event.via])).toEqual([
			[pids[0], 'accepting'],
			[pids[1], 'accepting'],
		]);
		expect(devtui.of('app/ready').map(event => [event.restart, event.source, event.held])).toEqual([
			[0, 'listening', true],
			[1, 'listening', true],
		]);
	});

	it("the client's listen() helper: one socket/taken per instance, and ready by the client", async () => {
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, fixture('listen-http.mjs')], {
			cwd: tempDir('devtui-taken-'),
			env: {PORT: String(port)},
		});
		const pids = await twoInstances(devtui, port, () => devtui.touch());
		const taken = devtui.of('socket/taken');
		expect(taken.map(event => [event.pid, event.restart])).toEqual([
			[pids[0], 0],
			[pids[1], 1],
		]);
		// Whichever came first, the client's word or the accepting seen in /proc; never both.
		for (const event of taken) expect(['client', 'accepting']).toContain(event.via);
		expect(devtui.of('app/ready').map(event => [event.restart, event.source])).toEqual([
			[0, 'client'],
			[1, 'client'],
		]);
	});

	it('an app that inherits fd 3 and never accepts: never taken, never ready, readiness unknown', {timeout: 40_000}, async () => {
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, fixture('fd3-idle.mjs')], {cwd: tempDir('devtui-taken-')});
		await devtui.waitForOutput(/^IDLE pid=\d+ restart=0$/);
		// The threshold is the deadline: ten seconds of looking, and nothing seen.
		const unknown = await devtui.waitForEvent('app/readiness-unknown', () => true, {timeout: 25_000});
		expect(unknown.waitedFor).toEqual(['listening', 'client']);
		expect(devtui.of('socket/taken')).toEqual([]);
		expect(devtui.of('app/ready')).toEqual([]);
		expect(devtui.of('restart/completed').map(event => event.timeline.outcome)).toEqual(['started']);
	});
});
