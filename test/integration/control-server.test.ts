// The control server on a real Unix socket, with raw clients that send whatever they like.

import {existsSync} from 'node:fs';
import net from 'node:net';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createControlServer, MAX_CONNECTIONS, type ControlConnection, type ControlServer} from '../../src/protocol/control-server.js';
import type {AppMessage, ShutdownMessage} from '../../src/protocol/messages.js';
import {createSocketPath, type SocketPath} from '../../src/protocol/socket-path.js';
import {waitFor} from '../helpers/wait-for.js';

interface RawClient {
	socket: net.Socket;
	received: Array<Record<string, unknown>>;
	closed: () => boolean;
	send(value: unknown): void;
}

const APP_PID = process.pid;

describe('control server', () => {
	let socketPath: SocketPath;
	let server: ControlServer;
	let messages: Array<{message: AppMessage; connection: ControlConnection}>;
	let problems: string[];
	let disconnects: ControlConnection[];
	let clients: RawClient[];
	let appPids: Set<number>;
	let throwOn: string | undefined;

	beforeEach(async () => {
		socketPath = createSocketPath();
		messages = [];
		problems = [];
		disconnects = [];
		clients = [];
		appPids = new Set([APP_PID]);
		throwOn = undefined;
		server = await createControlServer({
			socketPath: socketPath.path,
			isAppProcess: pid => appPids.has(pid),
			onMessage: (message, connection) => {
				if (message.type === throwOn) throw new Error('handler bug');
				messages.push({message, connection});
			},
			onProblem: message => problems.push(message),
			onDisconnect: connection => disconnects.push(connection),
		});
	});

	afterEach(async () => {
		for (const client of clients) client.socket.destroy();
		await server.close();
		socketPath.cleanup();
	});

	const connect = async (): Promise<RawClient> => {
		const socket = net.createConnection(socketPath.path);
		const received: RawClient['received'] = [];
		let closed = false;
		let rest = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			const lines = (rest + chunk).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines) received.push(JSON.parse(line) as Record<string, unknown>);
		});
		socket.on('error', () => {});
		socket.on('close', () => (closed = true));
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		const client: RawClient = {
			socket,
			received,
			closed: () => closed,
			send: value => socket.write(typeof value === 'string' ? value : `${JSON.stringify(value)}\n`),
		};
		clients.push(client);
		return client;
	};

	const hello = (restart = 0, pid = APP_PID) => ({type: 'hello', v: 1, pid, restart, client: 'test/1'});

	const helloed = async (restart = 0, pid = APP_PID): Promise<RawClient> => {
		const client = await connect();
		client.send(hello(restart, pid));
		await waitFor(() => client.received.length > 0, {message: 'the welcome'});
		return client;
	};

	const types = () => messages.map(({message}) => message.type);

	it('answers hello with welcome and hands the hello on', async () => {
		const client = await helloed();
		expect(client.received).toEqual([{type: 'welcome', v: 1, restart: 0}]);
		expect(messages).toEqual([{message: hello(), connection: {id: expect.any(Number), pid: APP_PID, restart: 0, client: 'test/1'}}]);
		expect(server.app?.pid).toBe(APP_PID);
		expect(problems).toEqual([]);
	});

	it('answers a newer client with the version devtui speaks', async () => {
		const client = await connect();
		client.send({...hello(), v: 3});
		await waitFor(() => client.received[0]);
		expect(client.received[0]).toEqual({type: 'welcome', v: 1, restart: 0});
	});

	it('delivers every message type in order', async () => {
		const client = await helloed();
		const sent = [
			{type: 'ready'},
			{type: 'phase', name: 'api_server', event: 'start'},
			{type: 'phase', name: 'api_server', event: 'end', ok: true},
			{type: 'phase', name: 'state', event: 'end', ok: false, error: 'disk full'},
			{type: 'state', path: '/tmp/state.json', bytes: 12},
			{type: 'extend', ms: 5000},
		];
		client.send(sent.map(message => JSON.stringify(message)).join('\n') + '\n');
		await waitFor(() => messages.length === sent.length + 1, {message: 'all messages'});
		expect(messages.slice(1).map(({message}) => message)).toEqual(sent);
	});

	it('sends to the current app connection only', async () => {
		expect(server.send({type: 'error', message: 'nobody there'})).toBe(false);
		const silent = await connect();
		const app = await helloed();
		const shutdown: ShutdownMessage = {type: 'shutdown', v: 1, reason: 'quit', files: [], deadline: Date.now() + 10_000, timeoutMs: 10_000};
		expect(server.send(shutdown)).toBe(true);
		await waitFor(() => app.received.length === 2, {message: 'the shutdown message'});
		expect(app.received[1]).toEqual(shutdown);
		expect(silent.received).toEqual([]);
	});

	it('reports each kind of garbage once per connection and keeps the connection working', async () => {
		const client = await helloed();
		client.send('this is not json\n');
		client.send('{"broken": \n');
		client.send('[1, 2, 3]\n');
		client.send('{"type": "dance"}\n{"type": "sing"}\n');
		client.send('{"type": "state", "path": 7, "bytes": 1}\n');
		client.send('\n   \n');
		const chunk = 'x'.repeat(64 * 1024);
		for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) client.send(chunk);
		client.send('\n');
		client.send({type: 'ready'});
		await waitFor(() => types().includes('ready'), {timeout: 20_000, message: 'the ready after the garbage'});
		expect(problems).toHaveLength(5);
		expect(problems.filter(problem => problem.startsWith('not JSON'))).toHaveLength(1);
		expect(problems.filter(problem => problem.startsWith('not a JSON object'))).toHaveLength(1);
		expect(problems.filter(problem => problem.startsWith('unknown message type'))).toHaveLength(1);
		expect(problems.filter(problem => problem.includes('field "path"'))).toHaveLength(1);
		expect(problems.filter(problem => problem.includes('over 1048576 bytes'))).toHaveLength(1);
		for (const problem of problems) {
			expect(problem).not.toContain('\n');
			expect(problem.length).toBeLessThan(200);
			expect(problem).toContain(`(pid ${APP_PID})`);
		}
		expect(client.closed()).toBe(false);
		expect(types()).toEqual(['hello', 'ready']);
	});

	it('ignores messages before hello, reporting it once', async () => {
		const client = await connect();
		client.send({type: 'ready'});
		client.send({type: 'extend', ms: 100});
		client.send(hello());
		client.send({type: 'ready'});
		await waitFor(() => types().includes('ready'), {message: 'the ready after hello'});
		expect(types()).toEqual(['hello', 'ready']);
		expect(problems).toEqual(['"ready" before hello was ignored']);
	});

	it('rejects a second hello for a restart that has an app connection', async () => {
		const first = await helloed();
		const second = await connect();
		second.send(hello(0, APP_PID));
		await waitFor(() => second.closed(), {message: 'the second connection to be closed'});
		expect(second.received).toEqual([{type: 'error', message: expect.stringContaining('already has an app connection')}]);
		expect(problems).toEqual([expect.stringContaining('already has an app connection')]);
		expect(server.app?.id).toBe(messages[0]?.connection.id);
		first.send({type: 'ready'});
		await waitFor(() => types().includes('ready'));
		expect(messages.every(({connection}) => connection.id === messages[0]?.connection.id)).toBe(true);
	});

	it('rejects a hello from a process that is not the app', async () => {
		const client = await connect();
		client.send(hello(0, 999_999));
		await waitFor(() => client.closed(), {message: 'the connection to be closed'});
		expect(client.received).toEqual([{type: 'error', message: 'hello from pid 999999 rejected: it is not a process of the app'}]);
		expect(problems).toEqual(['hello from pid 999999 rejected: it is not a process of the app']);
		expect(server.app).toBeUndefined();
		expect(messages).toEqual([]);
	});

	it('accepts the expected pid without asking, and rejects a hello for another restart', async () => {
		appPids.clear();
		server.expect({restart: 2, pid: 4242});
		const stale = await connect();
		stale.send(hello(1, 4242));
		await waitFor(() => stale.closed(), {message: 'the stale connection to be closed'});
		expect(problems).toEqual(['hello from pid 4242 for restart 1, but the current run is restart 2']);
		const app = await helloed(2, 4242);
		expect(app.received).toEqual([{type: 'welcome', v: 1, restart: 2}]);
	});

	it('retires the previous app connection on a new restart', async () => {
		const old = await helloed(0);
		server.expect({restart: 1});
		expect(server.app).toBeUndefined();
		old.send({type: 'ready'});
		const next = await helloed(1);
		next.send({type: 'ready'});
		await waitFor(() => types().filter(type => type === 'ready').length === 1, {message: 'the new ready'});
		await waitFor(() => problems.length === 1, {message: 'the stale message report'});
		expect(messages.map(({message, connection}) => `${message.type}@${connection.restart}`)).toEqual(['hello@0', 'hello@1', 'ready@1']);
		expect(problems).toEqual([`"ready" from a previous run was ignored (pid ${APP_PID})`]);
		expect(server.send({type: 'error', message: 'x'})).toBe(true);
		await waitFor(() => next.received.length === 2);
		expect(old.received).toHaveLength(1);
	});

	it('takes a new hello for the same restart once the app connection has closed', async () => {
		const first = await helloed();
		first.socket.end();
		await waitFor(() => disconnects.length === 1, {message: 'the disconnect'});
		expect(server.app).toBeUndefined();
		const again = await helloed();
		expect(again.received).toEqual([{type: 'welcome', v: 1, restart: 0}]);
		expect(problems).toEqual([]);
	});

	it('is not bothered by clients that never speak, and keeps room for the app', async () => {
		const silent: RawClient[] = [];
		for (let i = 0; i < MAX_CONNECTIONS + 8; i++) silent.push(await connect());
		await waitFor(() => silent.filter(client => client.closed()).length >= 8, {message: 'the extra connections to be closed'});
		const app = await helloed();
		expect(app.received).toEqual([{type: 'welcome', v: 1, restart: 0}]);
		expect(server.connectionCount).toBeLessThanOrEqual(MAX_CONNECTIONS);
		expect(problems).toEqual([expect.stringContaining(`more than ${MAX_CONNECTIONS} control connections`)]);
	});

	it('delivers 10,000 messages sent in one go, in order', async () => {
		const client = await helloed();
		const count = 10_000;
		const lines: string[] = [];
		for (let i = 0; i < count; i++) lines.push(JSON.stringify({type: 'phase', name: `p${i}`, event: 'start'}));
		client.send(`${lines.join('\n')}\n`);
		await waitFor(() => messages.length === count + 1, {timeout: 20_000, message: 'all 10,000 messages'});
		const names = messages.slice(1).map(({message}) => (message as {name: string}).name);
		expect(names).toEqual(lines.map((_, i) => `p${i}`));
		expect(problems).toEqual([]);
	});

	it('caps how many problems it reports until the next restart', async () => {
		for (let i = 0; i < 30; i++) (await connect()).send('garbage\n');
		await waitFor(() => problems.length === 20, {message: '20 problems'});
		expect(problems[19]).toContain('not shown until the next restart');
		const more = await connect();
		more.send('more garbage\n');
		more.send(hello());
		await waitFor(() => more.received.length > 0);
		expect(problems).toHaveLength(20);
		server.expect({restart: 1});
		(await connect()).send('fresh garbage\n');
		await waitFor(() => problems.length === 21, {message: 'a report after the restart'});
	});

	it('survives a throwing message handler', async () => {
		throwOn = 'ready';
		const client = await helloed();
		client.send({type: 'ready'});
		client.send({type: 'ready'});
		client.send({type: 'phase', name: 'after', event: 'start'});
		await waitFor(() => types().includes('phase'), {message: 'the message after the failures'});
		expect(problems).toEqual([`control channel handler failed: handler bug (pid ${APP_PID})`]);
	});

	it('closes idempotently, ends the connections and removes the socket file', async () => {
		const client = await helloed();
		expect(existsSync(socketPath.path)).toBe(true);
		await Promise.all([server.close(), server.close()]);
		await server.close();
		expect(existsSync(socketPath.path)).toBe(false);
		await waitFor(() => client.closed(), {message: 'the client to see the close'});
		expect(server.send({type: 'error', message: 'gone'})).toBe(false);
		await expect(connect()).rejects.toThrow();
	});

	it('says clearly when it cannot listen', async () => {
		await expect(
			createControlServer({socketPath: '/nonexistent-dir/x.sock', isAppProcess: () => true, onMessage: () => {}, onProblem: () => {}}),
		).rejects.toThrow(/^cannot listen on control socket \/nonexistent-dir\/x.sock: /);
	});
});
