// The /proc readers against real processes: which TCP sockets an app's processes listen on (both
// families, a child below a shell, an inherited socket that must not count, a debugger port), and
// whether a process accepts on an inherited socket, through each way a real server waits for
// connections (epoll, poll, select, a blocking accept) or does not (it only holds the socket).

import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {findAccepting} from '../../src/listen/proc-accepting.js';
import {createListenScanner, readDescriptors, readListeningTable, socketInode} from '../../src/readiness/proc-sockets.js';
import {procListeningProbe} from '../../src/readiness/track-readiness.js';
import {instanceProcessIds} from '../../src/supervisor/process-table.js';
import {freePort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const children: ChildProcess[] = [];
const servers: net.Server[] = [];

afterEach(async () => {
	for (const child of children.splice(0)) {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// Already gone.
		}
	}
	await Promise.all(servers.splice(0).map(server => new Promise(resolve => server.close(resolve))));
});

/** Starts a process in its own group (as devtui starts the app) and waits for its first line. */
const start = async (command: string[], {fd3}: {fd3?: net.Server} = {}) => {
	const handle = fd3 ? (fd3 as unknown as {_handle: {fd: number}})._handle.fd : undefined;
	const child = spawn(command[0]!, command.slice(1), {detached: true, stdio: ['ignore', 'pipe', 'inherit', ...(handle === undefined ? [] : [handle])]});
	children.push(child);
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	await waitFor(() => output.includes('\n'), {timeout: 10_000, message: () => `the first line of ${command.join(' ')}`});
	return {pid: child.pid!, output: () => output};
};

/** A listening socket of this test process, handed to a child as fd 3 the way devtui hands its held socket. */
const heldSocket = async (): Promise<{server: net.Server; inode: number; port: number}> => {
	const server = net.createServer();
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	// Nothing in this process may accept on it: pause the handle so only the child's accept counts.
	(server as unknown as {_handle: {readStop?: () => void}})._handle.readStop?.();
	const fd = (server as unknown as {_handle: {fd: number}})._handle.fd;
	const inode = socketInode(readDescriptors(process.pid)!.find(descriptor => descriptor.fd === fd)!.target)!;
	return {server, inode, port: (server.address() as net.AddressInfo).port};
};

const NODE_LISTEN = (host: string) => `require('net').createServer().listen(0, '${host}', function () { console.log('port', this.address().port); })`;

describe('the listening sockets of an app', () => {
	it('finds an IPv4 and an IPv6 listener, each with its address and port', async () => {
		for (const [host, address] of [
			['127.0.0.1', '127.0.0.1'],
			['::', '::'],
			['::1', '::1'],
		] as const) {
			const app = await start([process.execPath, '-e', NODE_LISTEN(host)]);
			const port = Number(/port (\d+)/.exec(app.output())![1]);
			const found = createListenScanner().scan(instanceProcessIds(app.pid));
			expect(found, host).toEqual([expect.objectContaining({pid: app.pid, address, port})]);
		}
	});

	it('finds a listener below a shell, and nothing in an app that has no socket', async () => {
		const app = await start(['sh', '-c', `"${process.execPath}" -e "${NODE_LISTEN('127.0.0.1')}"; exit 0`]);
		const found = createListenScanner().scan(instanceProcessIds(app.pid));
		expect(found).toHaveLength(1);
		expect(found![0]!.pid).not.toBe(app.pid);
		const quiet = await start([process.execPath, '-e', "console.log('up'); setInterval(() => {}, 1000)"]);
		expect(createListenScanner().scan(instanceProcessIds(quiet.pid))).toEqual([]);
	});

	it('does not count the held socket the app inherits, only one it opens itself', async () => {
		const held = await heldSocket();
		const app = await start([process.execPath, '-e', "console.log('up'); setInterval(() => {}, 1000)"], {fd3: held.server});
		expect(createListenScanner().scan([app.pid])).toEqual([expect.objectContaining({inode: held.inode})]);
		expect(createListenScanner({exclude: new Set([held.inode])}).scan([app.pid])).toEqual([]);
	});

	it('reads the tables again only when something changed, and still sees a socket that appears later', async () => {
		const app = await start([process.execPath, '-e', "console.log('up'); setTimeout(() => require('net').createServer().listen(0, '127.0.0.1'), 300); setInterval(() => {}, 1000)"]);
		const scanner = createListenScanner();
		const found = await waitFor(() => {
			const sockets = scanner.scan([app.pid]);
			return sockets && sockets.length > 0 ? sockets : undefined;
		}, {timeout: 5000, message: 'the listener that opens after 300 ms'});
		expect(found).toHaveLength(1);
		// Unchanged: the answer is remembered, not lost.
		expect(scanner.scan([app.pid])).toEqual(found);
	});

	it('sees listen() on a socket the app opened and bound long before (the tables are read again when the counts change)', async () => {
		const app = await start([
			'python3',
			'-c',
			"import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\nprint('bound', flush=True)\ntime.sleep(0.5)\ns.listen()\nprint('listening', flush=True)\ntime.sleep(3600)",
		]);
		const scanner = createListenScanner();
		// The socket is there, bound, not listening: nothing to find yet, however often it looks.
		expect(scanner.scan([app.pid])).toEqual([]);
		expect(scanner.scan([app.pid])).toEqual([]);
		await waitFor(() => app.output().includes('listening'), {timeout: 5000, message: 'the listen() call'});
		const found = await waitFor(() => {
			const sockets = scanner.scan([app.pid]);
			return sockets && sockets.length > 0 ? sockets : undefined;
		}, {timeout: 2000, message: 'the socket that started listening'});
		expect(found).toEqual([expect.objectContaining({pid: app.pid, address: '127.0.0.1'})]);
	});

	it('leaves out a debugger port (node --inspect) and counts the app port', async () => {
		const inspect = await freePort();
		const app = await start([
			process.execPath,
			`--inspect=127.0.0.1:${inspect}`,
			'-e',
			"console.log('up'); setTimeout(() => require('net').createServer().listen(0, '127.0.0.1', function () { console.log('port', this.address().port); }), 300)",
		]);
		const probe = procListeningProbe(new Set());
		// At first only the inspector listens: that is no sign of readiness.
		expect(probe(app.pid)).toEqual([]);
		await waitFor(() => /port \d+/.test(app.output()), {timeout: 5000, message: 'the app port'});
		const port = Number(/port (\d+)/.exec(app.output())![1]);
		await waitFor(() => probe(app.pid)?.some(socket => socket.port === port), {timeout: 5000, message: 'the app port in /proc'});
		expect(probe(app.pid)!.map(socket => socket.port)).toEqual([port]);
	});

	it('reads this machine\'s listening table, and gives up on a process that is gone', async () => {
		const server = net.createServer();
		servers.push(server);
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as net.AddressInfo).port;
		expect(readListeningTable('self')!.some(socket => socket.port === port && socket.state === '0A')).toBe(true);
		const gone = await start([process.execPath, '-e', "console.log('up')"]);
		await waitFor(() => createListenScanner().scan([gone.pid]) === undefined, {timeout: 5000, message: 'the exited process to be unreadable'});
	});
});

describe('accepting on an inherited socket', () => {
	const accepting = (pid: number, inode: number) => findAccepting({pids: instanceProcessIds(pid), inodes: new Set([inode])});

	const cases: Array<{name: string; command: string[]}> = [
		{name: 'a Node server on fd 3 (epoll)', command: [process.execPath, '-e', "require('net').createServer().listen({fd: 3}, () => console.log('up'))"]},
		{
			name: 'a Python socketserver on fd 3 (poll)',
			command: [
				'python3',
				'-c',
				"import http.server, socket\ns = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler, bind_and_activate=False)\ns.socket = socket.socket(fileno=3)\nprint('up', flush=True)\ns.serve_forever()",
			],
		},
		{name: 'a Python blocking accept on fd 3 (accept4)', command: ['python3', '-c', "import socket\ns = socket.socket(fileno=3)\ns.setblocking(True)\nprint('up', flush=True)\ns.accept()"]},
		{name: 'a Python select on fd 3 (select)', command: ['python3', '-c', "import select, socket\ns = socket.socket(fileno=3)\nprint('up', flush=True)\nselect.select([s], [], [])"]},
		{name: 'asyncio on fd 3 (epoll)', command: ['python3', '-c', "import asyncio, socket\nasync def main():\n    await asyncio.start_server(lambda r, w: None, sock=socket.socket(fileno=3))\n    print('up', flush=True)\n    await asyncio.sleep(3600)\nasyncio.run(main())"]},
	];

	for (const {name, command} of cases) {
		it(`sees ${name}`, async () => {
			const held = await heldSocket();
			const app = await start(command, {fd3: held.server});
			await waitFor(() => accepting(app.pid, held.inode)?.has(held.inode), {timeout: 5000, message: `${name} accepting on the held socket`});
		});
	}

	it('does not count a process that only holds the socket, nor one that never had it', async () => {
		const held = await heldSocket();
		const idle = await start([process.execPath, '-e', "console.log('up'); setInterval(() => {}, 1000)"], {fd3: held.server});
		const sleeping = await start(['python3', '-c', "import time\nprint('up', flush=True)\ntime.sleep(3600)"], {fd3: held.server});
		const other = await start([process.execPath, '-e', NODE_LISTEN('127.0.0.1')]);
		// Several looks over a while, as the watcher does; each must say "not accepting".
		for (let look = 0; look < 20; look++) {
			expect(accepting(idle.pid, held.inode)).toEqual(new Set());
			expect(accepting(sleeping.pid, held.inode)).toEqual(new Set());
			expect(accepting(other.pid, held.inode)).toEqual(new Set());
			await new Promise(resolve => setImmediate(resolve));
		}
		// And a connection to the held socket still waits in its backlog: nobody took it.
		const client = net.connect(held.port, '127.0.0.1');
		client.on('error', () => {});
		await new Promise(resolve => client.once('connect', resolve));
		expect(accepting(idle.pid, held.inode)).toEqual(new Set());
		client.destroy();
	});
});
