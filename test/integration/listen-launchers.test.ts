// --listen through launchers and into servers that take fd 3 on their own, end to end with the
// built CLI: `npm run dev` (refused at once with the command to run, which then works), a Python
// app under `sh -c` (LISTEN_PID left unset, the app below takes the socket), uvicorn and hypercorn
// (Debian's, under /usr/bin/python3) with the socket option devtui adds, a sequential request loop
// through five edits; and connections no instance will take, reset instead of left hanging.

import {spawnSync} from 'node:child_process';
import {readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, freePort, startJson, tempDir, trackRun, type JsonRun} from '../fixtures/apps/proto-json-run.js';
import {isAlive} from '../helpers/process-alive.js';
import {repoRoot, runCli} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const PYTHON = '/usr/bin/python3';
const hasModule = (module: string): boolean => spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;

interface Answer {
	status?: number;
	body?: string;
	error?: string;
}

/** One GET on a new connection; an error names its code ('timeout' when nothing came back in time). */
const get = (port: number, timeout = 10_000): Promise<Answer> =>
	new Promise(resolve => {
		const request = http.get({host: '127.0.0.1', port, path: '/', agent: false, timeout}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode!, body}));
			response.on('error', (error: NodeJS.ErrnoException) => resolve({error: error.code ?? error.message}));
		});
		request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), {code: 'timeout'})));
		request.on('error', (error: NodeJS.ErrnoException) => resolve({error: error.code ?? error.message}));
	});

/** Requests one after another on new connections until stopped, as a developer's test client does. */
const requestLoop = (port: number) => {
	let running = true;
	const counts = {ok: 0, errors: [] as Array<{error: string; startedAt: number; at: number}>, last: ''};
	const done = (async () => {
		while (running) {
			const startedAt = Date.now();
			const answer = await get(port, 20_000);
			if (answer.status === 200) {
				counts.ok++;
				counts.last = answer.body!;
			} else counts.errors.push({error: answer.error ?? `status ${answer.status}`, startedAt, at: Date.now()});
			// A little room for the rest of the machine (2 shared cores), not a wait for anything.
			await new Promise(resolve => setTimeout(resolve, 2));
		}
	})();
	return {
		counts,
		servedNow: (body: string) => waitFor(() => counts.last === body || undefined, {timeout: 30_000, message: `${body} served by the loop (${JSON.stringify(counts)})`}),
		/** Until `more` further requests have been answered. */
		more: (more: number) => {
			const target = counts.ok + more;
			return waitFor(() => counts.ok >= target || undefined, {timeout: 30_000, message: `${more} more requests answered (${JSON.stringify(counts)})`});
		},
		stop: async () => {
			running = false;
			await done;
			return counts;
		},
	};
};

const ASGI = (version: string) => `async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [[b"content-type", b"text/plain"]]})
    await send({"type": "http.response.body", "body": b"${version}"})
`;

const quitLeavesNothing = async (devtui: JsonRun) => {
	const pids = devtui.of('run/spawned').map(event => event.pid);
	devtui.run.kill('SIGTERM');
	expect((await devtui.run.exit).code).toBe(0);
	await waitFor(() => pids.every(pid => !isAlive(pid)) || undefined, {timeout: 5000, message: `every instance gone: ${pids}`});
};

describe.each([
	['uvicorn', ['-m', 'uvicorn', 'main:app'], ['--fd', '3']],
	['hypercorn', ['-m', 'hypercorn', 'main:app'], ['--bind', 'fd://3']],
] as const)('--listen with %s: devtui adds its socket option', (server, args, added) => {
	it.skipIf(!hasModule(server))('says so once, and a sequential request loop through five edits never fails; "taken" from /proc on every instance', {timeout: 90_000}, async () => {
		const dir = tempDir('devtui-launch-');
		writeFileSync(path.join(dir, 'main.py'), ASGI('v0'));
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', PYTHON, ...args], {cwd: dir});
		await devtui.completed(0, 30_000);
		expect(devtui.of('devtui/notice').map(event => event.message)).toEqual([
			`--listen: devtui adds ${added.join(' ')} to ${server}'s command, so that it serves on the held socket instead of binding the port, which devtui holds`,
		]);
		expect(devtui.of('run/spawned')[0]!.command).toEqual([PYTHON, ...args, ...added]);
		const loop = requestLoop(port);
		await loop.servedNow('v0');
		for (let edit = 1; edit <= 5; edit++) {
			writeFileSync(path.join(dir, 'main.py'), ASGI(`v${edit}`));
			await loop.servedNow(`v${edit}`);
			await loop.more(30);
		}
		const counts = await loop.stop();
		// A request can only fail inside an old instance: uvicorn 0.17.6, shutting down, stops
		// accepting and then closes every connection without a request in progress, including one it
		// accepted a moment before whose request it has not read yet (its client sees a reset). Never
		// a refused connection, a timeout, or a failure while no instance is stopping.
		const stopping = devtui.of('run/signal-sent').map(sent => ({from: sent.at, to: devtui.of('run/exited').find(exited => exited.pid === sent.pid)?.at ?? Infinity}));
		const byOldInstance = counts.errors.filter(({error, startedAt, at}) => error === 'ECONNRESET' && stopping.some(window => startedAt <= window.to && at >= window.from));
		console.log(`[listen-launchers] ${server} --listen, sequential requests through 5 edits: ok=${counts.ok} errors=${counts.errors.length} (reset by the stopping instance: ${byOldInstance.length})`);
		expect(counts.errors.filter(failure => !byOldInstance.includes(failure))).toEqual([]);
		// At most the one connection an instance accepted as it stopped, per restart.
		expect(byOldInstance.length).toBeLessThanOrEqual(5);
		expect(counts.ok).toBeGreaterThan(5);
		const spawned = devtui.of('run/spawned');
		expect(spawned).toHaveLength(6);
		expect(devtui.of('socket/taken').map(event => [event.pid, event.via])).toEqual(spawned.map(event => [event.pid, 'accepting']));
		expect(devtui.of('socket/not-taken')).toEqual([]);
		await quitLeavesNothing(devtui);
	});
});

describe('--listen through a launcher', () => {
	it('npm run dev is refused at once with the command to run; that command then serves on the held socket', {timeout: 60_000}, async () => {
		const dir = tempDir('devtui-launch-');
		symlinkSync(repoRoot, path.join(dir, 'node_modules-devtui'));
		writeFileSync(path.join(dir, 'package.json'), JSON.stringify({name: 'app', type: 'module', scripts: {dev: 'node server.js'}}));
		writeFileSync(
			path.join(dir, 'server.js'),
			`import http from 'node:http';
import {listen, ready} from './node_modules-devtui/dist/src/client/index.js';
listen(http.createServer((request, response) => response.end('npm ' + process.pid)), Number(process.env.PORT), () => ready());
`,
		);
		const port = await freePort();
		const refused = trackRun(runCli(['--listen', String(port), '--', 'npm', 'run', 'dev'], {cwd: dir, env: {PORT: String(port)}}));
		expect((await refused.exit).code).toBe(2);
		expect(refused.stderr).toEqual([
			`devtui: --listen ${port}: npm run dev runs the app from a Node process, and Node passes no inherited socket on to the programs it starts, so the app could never take the held one: run the app's own command: devtui --listen ${port} -- node server.js (or drop --listen)`,
		]);
		// Nothing was bound or started: the port refuses, it does not hang.
		expect((await get(port)).error).toBe('ECONNREFUSED');

		const suggested = /run the app's own command: devtui (.*) \(or drop --listen\)$/.exec(refused.stderr[0]!)![1]!.split(' ');
		const devtui = startJson(suggested, {cwd: dir, env: {PORT: String(port)}});
		const first = await devtui.waitForEvent('run/spawned');
		expect(await get(port)).toEqual({status: 200, body: `npm ${first.pid}`});
		expect(await devtui.waitForEvent('socket/taken')).toMatchObject({pid: first.pid});
		await quitLeavesNothing(devtui);
	});

	it("tsx's command line is refused (its child gets no socket); node --import tsx serves on the held socket", {timeout: 60_000}, async () => {
		const dir = tempDir('devtui-launch-');
		symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
		symlinkSync(repoRoot, path.join(dir, 'devtui'));
		writeFileSync(
			path.join(dir, 'index.ts'),
			`import http from 'node:http';
import {listen, ready} from './devtui/dist/src/client/index.js';
const kind: string = 'ts';
listen(http.createServer((request, response) => response.end(kind + ' ' + process.pid)), Number(process.env.PORT), () => ready());
`,
		);
		const port = await freePort();
		const refused = trackRun(runCli(['--listen', String(port), '--', 'tsx', 'index.ts'], {cwd: dir}));
		expect((await refused.exit).code).toBe(2);
		expect(refused.stderr[0]).toMatch(/tsx runs the app from a Node process.*devtui --listen \d+ -- node --import tsx index\.ts \(or drop --listen\)$/);
		const devtui = startJson(['--listen', String(port), '--', process.execPath, '--import', 'tsx', 'index.ts'], {cwd: dir, env: {PORT: String(port)}});
		const first = await devtui.waitForEvent('run/spawned');
		await devtui.completed(0);
		expect(await get(port)).toEqual({status: 200, body: `ts ${first.pid}`});
		await quitLeavesNothing(devtui);
	});

	it('a Python app under sh -c: LISTEN_PID left unset (said once), the app below the shell takes the socket, on every instance', {timeout: 60_000}, async () => {
		const dir = tempDir('devtui-launch-');
		writeFileSync(
			path.join(dir, 'app.py'),
			`import os
from http.server import BaseHTTPRequestHandler
import devtui_client as devtui

VERSION = "p0"

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("%s %d %s" % (VERSION, os.getpid(), os.environ.get("LISTEN_PID"))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = devtui.http_server(Handler, int(os.environ["PORT"]))
devtui.on_shutdown(lambda info: server.server_close())
devtui.ready()
server.serve_forever()
`,
		);
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', 'sh', '-c', `${PYTHON} app.py`], {cwd: dir, env: {PORT: String(port)}});
		const first = await devtui.waitForEvent('run/spawned');
		await devtui.completed(0);
		const answer = await get(port);
		expect(answer.status).toBe(200);
		const [version, pid, listenPid] = answer.body!.split(' ');
		expect(version).toBe('p0');
		// The shell forked the app: another pid than the one devtui started, and no LISTEN_PID at all.
		expect(Number(pid)).not.toBe(first.pid);
		expect(listenPid).toBe('None');
		expect(devtui.of('devtui/notice').map(event => event.message)).toEqual([expect.stringMatching(/^--listen: sh -c runs the app as its child, so devtui leaves LISTEN_PID unset/)]);
		writeFileSync(path.join(dir, 'app.py'), readFileSync(path.join(dir, 'app.py'), 'utf8').replace('"p0"', '"p1"'));
		await waitFor(async () => (await get(port)).body?.startsWith('p1 ') || undefined, {timeout: 30_000, message: 'p1 served'});
		// The client's word can come a moment after its first answer.
		await waitFor(() => devtui.of('socket/taken').length >= 2, {timeout: 5000, message: 'socket/taken for restart 1'});
		expect(devtui.of('socket/taken').map(event => event.restart)).toEqual([0, 1]);
		expect(devtui.output().some(line => line.includes('is held for pid'))).toBe(false);
		expect(devtui.of('devtui/notice')).toHaveLength(1);
		await quitLeavesNothing(devtui);
	});
});

describe('connections no instance takes', () => {
	// Only the app that takes the socket has the client (an app with one is ready when it says so).
	const app = (mode: 'own-port' | 'bind-held' | 'take') => `import http from 'node:http';
${mode === 'take' ? "import {listen} from './devtui/dist/src/client/index.js';" : ''}
const server = http.createServer((request, response) => response.end('${mode} ' + process.pid));
${mode === 'take' ? 'listen(server, Number(process.env.PORT));' : mode === 'bind-held' ? "server.listen(Number(process.env.PORT), '127.0.0.1');" : "server.listen(Number(process.env.OTHER_PORT), '127.0.0.1');"}
`;
	const project = () => {
		const dir = tempDir('devtui-launch-');
		symlinkSync(repoRoot, path.join(dir, 'devtui'));
		return dir;
	};

	it('an app that serves elsewhere: the held socket resets connections (no hang) until an instance takes it', {timeout: 60_000}, async () => {
		const dir = project();
		writeFileSync(path.join(dir, 'server.mjs'), app('own-port'));
		const [port, other] = [await freePort(), await freePort()];
		const devtui = startJson(['--listen', String(port), '--', process.execPath, 'server.mjs'], {cwd: dir, env: {PORT: String(port), OTHER_PORT: String(other)}});
		await devtui.completed(0);
		// It waits at first (a restart might be on its way), then devtui resets it rather than let it hang.
		expect(await get(port, 15_000)).toEqual({error: 'ECONNRESET'});
		expect(await devtui.waitForEvent('socket/not-taken')).toMatchObject({reason: 'waiting', resetting: true});
		expect(await get(port, 15_000)).toEqual({error: 'ECONNRESET'});
		writeFileSync(path.join(dir, 'server.mjs'), app('take'));
		const second = await devtui.waitForEvent('run/spawned', event => event.restart === 1, {timeout: 30_000});
		await waitFor(async () => (await get(port)).body === `take ${second.pid}` || undefined, {timeout: 20_000, message: 'the new instance serves'});
		await quitLeavesNothing(devtui);
	});

	it('an app that dies binding the held port: connections are reset until a change, then the fixed app serves', {timeout: 60_000}, async () => {
		const dir = project();
		writeFileSync(path.join(dir, 'server.mjs'), app('bind-held'));
		const port = await freePort();
		const devtui = startJson(['--listen', String(port), '--', process.execPath, 'server.mjs'], {cwd: dir, env: {PORT: String(port)}});
		expect(await devtui.waitForEvent('socket/not-taken')).toMatchObject({reason: 'bind-conflict', resetting: true});
		await devtui.waitForEvent('watch/ready');
		expect(await get(port, 15_000)).toEqual({error: 'ECONNRESET'});
		writeFileSync(path.join(dir, 'server.mjs'), app('take'));
		const second = await devtui.waitForEvent('run/spawned', event => event.restart === 1, {timeout: 30_000});
		await waitFor(async () => (await get(port)).body === `take ${second.pid}` || undefined, {timeout: 20_000, message: 'the fixed app serves'});
		await quitLeavesNothing(devtui);
	});
});
