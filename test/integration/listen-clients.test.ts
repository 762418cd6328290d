// The Node and Python listen helpers against real sockets: handed a socket systemd-style (held by
// devtui's own holdSockets, passed as fd 3 through the LISTEN_PID wrapper) they serve on it and
// remove LISTEN_*; without one they bind the port themselves; with LISTEN_PID naming another
// process they leave the socket alone and explain the EADDRINUSE that follows.

import {spawn, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {holdSockets, type HeldSockets} from '../../src/listen/hold-sockets.js';
import {LISTEN_PID_SCRIPT, listenEnv} from '../../src/listen/socket-env.js';
import {freePort} from '../helpers/free-port.js';
import {repoRoot} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

const fixtures = path.join(repoRoot, 'test/fixtures/apps');
const pythonPath = path.join(repoRoot, 'src/client/python');

interface Started {
	child: ChildProcess;
	stdout: string[];
	stderr: string[];
	exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
const held: HeldSockets[] = [];
afterEach(async () => {
	for (const child of children.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) {
			const gone = new Promise(resolve => child.once('close', resolve));
			child.kill('SIGKILL');
			await gone;
		}
	}
	for (const sockets of held.splice(0)) sockets.close();
});

const start = (command: string[], {env, fds = []}: {env: NodeJS.ProcessEnv; fds?: number[]}): Started => {
	// Like devtui: an exec'ing sh sets LISTEN_PID to the app's own pid when sockets are handed over.
	const argv = fds.length > 0 ? ['/bin/sh', '-c', LISTEN_PID_SCRIPT, 'test', ...command] : command;
	const child = spawn(argv[0]!, argv.slice(1), {
		env: {...process.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1', ...env},
		stdio: ['ignore', 'pipe', 'pipe', ...fds],
	});
	children.push(child);
	const stdout: string[] = [];
	const stderr: string[] = [];
	// A line may come in two chunks: keep the unfinished end for the next one.
	let rest = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		const lines = (rest + chunk).split('\n');
		rest = lines.pop()!;
		stdout.push(...lines.filter(Boolean));
	});
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
	const exit = new Promise<number | null>(resolve => child.once('close', code => resolve(code)));
	return {child, stdout, stderr, exit};
};

interface Announced {
	pid: number;
	listenPid: string | null;
	fds: string | null;
	names: string | null;
	after: string | null;
	port: number;
}

const announced = (app: Started): Promise<Announced> =>
	waitFor(
		() => {
			const line = app.stdout.find(text => text.startsWith('LISTEN '));
			return line ? (JSON.parse(line.slice(7)) as Announced) : undefined;
		},
		{timeout: 15_000, message: () => `the app's LISTEN line (stdout: ${app.stdout.join(' | ')}; stderr: ${app.stderr.join('')})`},
	);

const getPid = (port: number): Promise<number> =>
	new Promise((resolve, reject) => {
		const request = http.get({host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve((JSON.parse(body) as {pid: number}).pid));
		});
		request.on('timeout', () => request.destroy(new Error('timed out')));
		request.on('error', reject);
	});

const hold = async (port: number): Promise<HeldSockets> => {
	const sockets = await holdSockets([{host: '127.0.0.1', port, name: String(port)}]);
	held.push(sockets);
	return sockets;
};

const APPS: Array<{name: string; command: string[]; env?: NodeJS.ProcessEnv}> = [
	{name: 'Node listen()', command: [process.execPath, path.join(fixtures, 'listen-http.mjs')]},
	{name: 'Python http_server()', command: ['python3', path.join(fixtures, 'listen-http.py')]},
	{name: 'Python asyncio with listen_socket()', command: ['python3', path.join(fixtures, 'listen-http.py')], env: {ASYNCIO: '1'}},
];

describe.each(APPS)('$name', ({command, env = {}}) => {
	it('serves on the inherited socket, which LISTEN_PID names, and removes LISTEN_*', async () => {
		const port = await freePort();
		const sockets = await hold(port);
		const app = start(command, {env: {...env, ...listenEnv(sockets.sockets), PORT: String(port)}, fds: sockets.fds});
		const seen = await announced(app);
		expect(seen.listenPid).toBe(String(app.child.pid));
		expect(seen.pid).toBe(app.child.pid);
		expect(seen.fds).toBe('1');
		expect(seen.names).toBe(String(port));
		expect(seen.after).toBeNull();
		expect(seen.port).toBe(port);
		expect(await getPid(port)).toBe(app.child.pid);
	});

	it('binds the port itself when nothing was handed over', async () => {
		const port = await freePort();
		const app = start(command, {env: {...env, PORT: String(port), LISTEN_FDS: '', LISTEN_PID: '', LISTEN_FDNAMES: ''}});
		const seen = await announced(app);
		expect(seen.port).toBe(port);
		expect(await getPid(port)).toBe(app.child.pid);
	});

	it('leaves a socket meant for another pid alone and says why the port is taken', async () => {
		const port = await freePort();
		const sockets = await hold(port);
		// LISTEN_PID of a launcher in between (npm run): the port is held, so binding it fails.
		const app = start(command, {env: {...env, ...listenEnv(sockets.sockets), LISTEN_PID: '1', PORT: String(port)}});
		expect(await app.exit).not.toBe(0);
		expect(app.stderr.join('')).toMatch(new RegExp(`port ${port} is held for pid 1, not this process \\(${app.child.pid}\\)`));
	});
});
