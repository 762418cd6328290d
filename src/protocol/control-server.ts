// The devtui end of the control channel: a Unix socket the app connects to (docs/protocol.md).
// Whatever arrives, devtui must neither crash nor stall, and a misbehaving app must not flood the
// UI: every kind of problem is reported once per connection, and at most PROBLEM_BUDGET times per
// run. Only the current app connection (a valid hello for the expected restart, from a process of
// the app) is listened to; everything else is reported and ignored.

import {unlinkSync} from 'node:fs';
import net from 'node:net';
import {encodeMessage, MAX_LINE_BYTES, PROTOCOL_VERSION} from './messages.js';
import type {AppMessage, DevtuiMessage, HelloMessage, Problem, ProblemKind} from './messages.js';
import {createLineReader} from './ndjson-lines.js';
import {parseAppMessage} from './parse-message.js';

export const MAX_CONNECTIONS = 32;
const PROBLEM_BUDGET = 20;

/** The app connection a message came from. */
export interface ControlConnection {
	readonly id: number;
	readonly pid: number;
	readonly restart: number;
	readonly client: string;
}

export interface ControlServerOptions {
	socketPath: string;
	/** Whether the pid belongs to the running app (its process group or tree). */
	isAppProcess: (pid: number) => boolean;
	/** Every accepted message of the current app connection, hello included, in order. */
	onMessage: (message: AppMessage, connection: ControlConnection) => void;
	/** One line about something unusable; rate-limited by the server. */
	onProblem: (message: string) => void;
	/** The current app connection closed. */
	onDisconnect?: (connection: ControlConnection) => void;
	maxConnections?: number;
}

export interface ControlServer {
	readonly path: string;
	/**
	 * Names the run whose app may connect: call it with the restart number before spawning (so an
	 * early hello is judged right) and again with the pid once known. A hello whose pid equals it is
	 * accepted without asking isAppProcess. A new restart number retires the previous app connection.
	 */
	expect(run: {restart: number; pid?: number}): void;
	/** Sends to the current app connection; false when there is none. */
	send(message: DevtuiMessage): boolean;
	/** The current app connection, if one said hello for the expected run. */
	readonly app: ControlConnection | undefined;
	readonly connectionCount: number;
	/** Closes every connection and the socket, and removes the socket file. Idempotent. */
	close(): Promise<void>;
}

type ReportKind = ProblemKind | 'internal' | 'socket';

interface Conn {
	id: number;
	socket: net.Socket;
	reported: Set<ReportKind>;
	view: ControlConnection | undefined;
	rejected: boolean;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createControlServer = async (options: ControlServerOptions): Promise<ControlServer> => {
	const {socketPath, isAppProcess, onMessage, onProblem, onDisconnect} = options;
	const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
	const conns = new Set<Conn>();
	let expected: {restart: number; pid: number | undefined} = {restart: 0, pid: undefined};
	let current: Conn | undefined;
	let budget = PROBLEM_BUDGET;
	let crowdReported = false;
	let nextId = 1;
	let closing: Promise<void> | undefined;

	const problem = (message: string): void => {
		if (budget <= 0 || closing) return;
		budget -= 1;
		const suffix = budget === 0 ? ' (further control channel problems are not shown until the next restart)' : '';
		try {
			onProblem(message + suffix);
		} catch {
			// The reporter is the integrator's; its failure must not reach the socket code.
		}
	};

	const report = (conn: Conn, kind: ReportKind, message: string): void => {
		if (conn.reported.has(kind)) return;
		conn.reported.add(kind);
		problem(conn.view ? `${message} (pid ${conn.view.pid})` : message);
	};

	const write = (conn: Conn, message: DevtuiMessage): boolean => {
		if (conn.socket.destroyed || !conn.socket.writable) return false;
		try {
			conn.socket.write(encodeMessage(message));
			return true;
		} catch {
			return false;
		}
	};

	const reject = (conn: Conn, {kind, message}: Problem): void => {
		report(conn, kind, message);
		conn.rejected = true;
		write(conn, {type: 'error', message});
		conn.socket.end();
	};

	const acceptsPid = (pid: number): boolean => {
		if (pid === expected.pid) return true;
		try {
			return isAppProcess(pid);
		} catch {
			return false;
		}
	};

	const hello = (conn: Conn, message: HelloMessage): void => {
		if (conn.view) return report(conn, 'second-hello', 'a second hello on the same connection was ignored');
		const {pid, restart} = message;
		if (restart !== expected.restart) {
			return reject(conn, {kind: 'wrong-restart', message: `hello from pid ${pid} for restart ${restart}, but the current run is restart ${expected.restart}`});
		}
		if (current && current !== conn && !current.socket.destroyed) {
			const holder = current.view?.pid ?? '?';
			return reject(conn, {kind: 'duplicate-app', message: `hello from pid ${pid} rejected: restart ${restart} already has an app connection (pid ${holder})`});
		}
		if (!acceptsPid(pid)) {
			return reject(conn, {kind: 'not-app', message: `hello from pid ${pid} rejected: it is not a process of the app`});
		}
		conn.view = {id: conn.id, pid, restart, client: message.client};
		current = conn;
		write(conn, {type: 'welcome', v: Math.min(message.v, PROTOCOL_VERSION), restart});
		deliver(conn, message);
	};

	const deliver = (conn: Conn, message: AppMessage): void => {
		try {
			onMessage(message, conn.view!);
		} catch (error) {
			report(conn, 'internal', `control channel handler failed: ${describe(error)}`);
		}
	};

	const handleLine = (conn: Conn, line: string): void => {
		if (conn.rejected || conn.socket.destroyed || line.trim() === '') return;
		const parsed = parseAppMessage(line);
		if (!parsed.ok) return report(conn, parsed.problem.kind, parsed.problem.message);
		const {message} = parsed;
		if (message.type === 'hello') return hello(conn, message);
		if (!conn.view) return report(conn, 'no-hello', `"${message.type}" before hello was ignored`);
		if (conn !== current) return report(conn, 'not-current', `"${message.type}" from a previous run was ignored`);
		deliver(conn, message);
	};

	const makeRoom = (): boolean => {
		if (conns.size < maxConnections) return true;
		// Silent connections are the cheapest to lose: the app's own client says hello at once.
		const silent = [...conns].find(conn => !conn.view && !conn.rejected);
		if (silent) silent.socket.destroy();
		if (!crowdReported) {
			crowdReported = true;
			problem(`more than ${maxConnections} control connections at once; closing ${silent ? 'the oldest silent one' : 'the newest'}`);
		}
		return silent !== undefined;
	};

	const attach = (socket: net.Socket): void => {
		if (closing || !makeRoom()) {
			socket.destroy();
			return;
		}
		const conn: Conn = {id: nextId++, socket, reported: new Set(), view: undefined, rejected: false};
		conns.add(conn);
		const reader = createLineReader({
			maxBytes: MAX_LINE_BYTES,
			onLine: line => handleLine(conn, line),
			onTooLong: () => report(conn, 'too-long', `a line over ${MAX_LINE_BYTES} bytes was dropped`),
		});
		socket.on('data', chunk => {
			if (!conn.rejected) reader.push(chunk);
		});
		socket.on('error', (error: NodeJS.ErrnoException) => {
			// A dying app resets its end; that is the normal end of a connection, not a problem.
			if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') report(conn, 'socket', `control connection error: ${error.message}`);
		});
		socket.on('close', () => {
			conns.delete(conn);
			if (current !== conn) return;
			current = undefined;
			if (closing) return;
			try {
				onDisconnect?.(conn.view!);
			} catch {
				// See problem().
			}
		});
	};

	const server = net.createServer({allowHalfOpen: false}, attach);
	await new Promise<void>((resolve, reject) => {
		server.once('error', error => reject(new Error(`cannot listen on control socket ${socketPath}: ${describe(error)}`)));
		server.listen(socketPath, () => resolve());
	});
	server.on('error', error => problem(`control socket error: ${describe(error)}`));

	return {
		path: socketPath,
		expect({restart, pid}) {
			if (restart !== expected.restart) current = undefined;
			expected = {restart, pid};
			budget = PROBLEM_BUDGET;
			crowdReported = false;
		},
		send(message) {
			return current ? write(current, message) : false;
		},
		get app() {
			return current?.view;
		},
		get connectionCount() {
			return conns.size;
		},
		close() {
			closing ??= new Promise<void>(resolve => {
				for (const conn of conns) conn.socket.destroy();
				server.close(() => resolve());
			}).then(() => {
				try {
					unlinkSync(socketPath);
				} catch {
					// Already gone: Node removes the socket file itself on most platforms.
				}
			});
			return closing;
		},
	};
};
