// devtui's client for Node apps (`devtui/client`): tells devtui the app is there and ready, reports
// shutdown phases, saves and loads the restart state, and runs one shutdown handler on the stop
// signal or devtui's `shutdown` message, whichever comes first. Node built-ins only.
//
// It connects as soon as it is imported, so devtui learns early that the app speaks the protocol.
// The socket is unref'd (it never keeps the app alive) and every failure is swallowed after at
// most one warning: a broken channel must never break the app. Outside devtui (no DEVTUI_SOCKET)
// every call is a no-op except saving and loading state, which use a local file instead.

import net from 'node:net';
import path from 'node:path';
import {CLIENT_PID_ENV, encodeMessage, MAX_LINE_BYTES, PROTOCOL_VERSION, SOCKET_ENV} from '../protocol/messages.js';
import type {AppMessage} from '../protocol/messages.js';
import {createLineReader} from '../protocol/ndjson-lines.js';
import {parseDevtuiMessage} from '../protocol/parse-message.js';
import {pickSocket, takeInheritedSockets} from './inherited-sockets.js';
import {readStateFile, writeStateFile} from './state-file.js';
import {createShutdown, type ShutdownHandler} from './shutdown.js';

export const CLIENT_NAME = 'devtui-node/0.1.0';
const FLUSH_MS = 1000;
const env = process.env;

const restartNumber = Number(env.DEVTUI_RESTART);

/** Whether devtui started this process. */
export const underDevtui = env.DEVTUI === '1';
/** How many times devtui restarted the app before this start: 0 on the first start. */
export const restart = Number.isSafeInteger(restartNumber) && restartNumber > 0 ? restartNumber : 0;
/** Whether this start follows a restart: DEVTUI_RESTART > 0, or `--restart` in argv outside devtui. */
export const isRestart = env.DEVTUI_RESTART === undefined ? process.argv.includes('--restart') : restart > 0;
/** Absolute path of the state file: DEVTUI_STATE_FILE, else .devtui/restart_state.json in the cwd. */
export const stateFile = path.resolve(env.DEVTUI_STATE_FILE || path.join('.devtui', 'restart_state.json'));

export type {ShutdownHandler, ShutdownInfo} from './shutdown.js';

let socket: net.Socket | undefined;
const warned = new Set<string>();

/** One line on stderr, once per kind: a broken channel, or a shutdown handler that cannot run. */
const warn = (text: string, kind = 'channel'): void => {
	if (warned.has(kind)) return;
	warned.add(kind);
	try {
		process.stderr.write(`devtui client: ${text}\n`);
	} catch {
		// Nowhere left to say it.
	}
};

const send = (message: AppMessage): boolean => {
	if (!socket || socket.destroyed) return false;
	try {
		socket.write(encodeMessage(message));
		return true;
	} catch {
		return false;
	}
};

const receive = (line: string): void => {
	const parsed = parseDevtuiMessage(line);
	if (!parsed.ok) return;
	const {message} = parsed;
	if (message.type === 'error') {
		// devtui rejected this process (it reports why); stay quiet from now on.
		socket?.destroy();
		socket = undefined;
	} else if (message.type === 'shutdown') {
		shutdown.message(message);
	}
};

const connect = (): void => {
	const socketPath = env[SOCKET_ENV];
	if (!socketPath) return;
	// A child of a process that already speaks for the app (a worker, a fork) stays off the channel.
	const owner = env[CLIENT_PID_ENV];
	if (owner && owner !== String(process.pid)) return;
	env[CLIENT_PID_ENV] = String(process.pid);
	let connected = false;
	const own = net.createConnection(socketPath);
	own.unref();
	const reader = createLineReader({maxBytes: MAX_LINE_BYTES, onLine: receive, onTooLong: () => {}});
	own.on('connect', () => (connected = true));
	own.on('data', chunk => reader.push(chunk));
	own.on('error', (error: NodeJS.ErrnoException) => {
		if (!connected) warn(`cannot reach devtui at ${socketPath} (${error.code ?? error.message}); going on without it`);
	});
	own.on('close', () => {
		if (socket === own) socket = undefined;
	});
	socket = own;
	send({type: 'hello', v: PROTOCOL_VERSION, pid: process.pid, restart, client: CLIENT_NAME});
};

/**
 * Tells devtui the app is serving. Also when the client checks that its shutdown handler can still
 * run on devtui's stop signal, and says so once if not.
 */
export const ready = (): void => {
	send({type: 'ready'});
	shutdown.ready();
};

/** Asks devtui for more time before the force kill (bounded by devtui). */
export const extend = (ms: number): void => {
	if (!Number.isFinite(ms) || ms <= 0) return;
	send({type: 'extend', ms: Math.ceil(ms)});
	shutdown.extended(ms);
};

const describeError = (error: unknown): string => {
	try {
		return String(error);
	} catch {
		return 'unknown error';
	}
};

/** Runs fn as a named phase: devtui sees it start and end (with its error if it throws). */
export const phase = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
	send({type: 'phase', name, event: 'start'});
	try {
		const value = await fn();
		send({type: 'phase', name, event: 'end', ok: true});
		return value;
	} catch (error) {
		send({type: 'phase', name, event: 'end', ok: false, error: describeError(error)});
		throw error;
	}
};

/**
 * Saves the state atomically as {restart_marker: true, timestamp, ...state} (the file devtui
 * checks between runs), then tells devtui. Throws if it cannot write.
 */
export const saveState = (state: Record<string, unknown>): {path: string; bytes: number} => {
	const bytes = writeStateFile(stateFile, state);
	send({type: 'state', path: stateFile, bytes});
	return {path: stateFile, bytes};
};

/** The state saved before a restart, without restart_marker and timestamp; undefined on a first start or a bad file. */
export const loadState = <T extends Record<string, unknown> = Record<string, unknown>>(): T | undefined =>
	isRestart ? (readStateFile(stateFile) as T | undefined) : undefined;

const flush = async (): Promise<void> => {
	let timer: NodeJS.Timeout | undefined;
	const own = socket;
	const drained = Promise.all([
		new Promise<void>(resolve => (own && !own.destroyed ? own.end(() => resolve()) : resolve())),
		...[process.stdout, process.stderr].map(stream => new Promise<void>(resolve => stream.write('', () => resolve()))),
	]);
	await Promise.race([drained, new Promise<void>(resolve => (timer = setTimeout(resolve, FLUSH_MS)))]);
	clearTimeout(timer);
};

const shutdown = createShutdown({connected: () => socket !== undefined && !socket.destroyed, flush, warn});

/**
 * Runs fn once when the app is asked to stop (a stop signal or devtui's `shutdown` message,
 * whichever comes first). A later call replaces fn.
 *
 * When nothing else in the app listens for the signal, the client then exits 0, or 1 if fn throws.
 * When the app listens too (its own listener, close-with-grace, a framework's), it stops the app
 * its own way and fn runs after it: from runShutdown() if the app calls it, when the event loop is
 * empty, or at process.exit() (only fn's synchronous part can run there).
 */
export const onShutdown: (fn: ShutdownHandler, options?: {signals?: NodeJS.Signals[]}) => void = shutdown.onShutdown;

/**
 * Runs the shutdown handler now, if it has not run yet, and resolves when it is done (true if
 * this call ran it). It never exits: call it from the app's own shutdown code once the server has
 * closed, e.g. a Fastify `onClose` hook (`app.addHook('onClose', runShutdown)`) or before the
 * process.exit() of the app's own SIGTERM listener. If the handler throws, process.exitCode is 1.
 */
export const runShutdown: () => Promise<boolean> = shutdown.runShutdown;

export interface ListenOptions {
	port?: number;
	/** Where to bind when there is no inherited socket. @default '127.0.0.1' */
	host?: string;
	/** Take the inherited socket of this --listen spec (e.g. "0.0.0.0:8000") instead of matching the port. */
	name?: string;
	backlog?: number;
}

const usedFds = new Set<number>();
// A socket handed over without a name is asked for its port through a handle opened on its
// descriptor. The handle is kept (closing it would close the descriptor), and listen() serves on
// that same handle rather than opening the descriptor a second time.
const probes = new Map<number, net.Socket | undefined>();

const probe = (fd: number): net.Socket | undefined => {
	if (!probes.has(fd)) {
		let opened: net.Socket | undefined;
		try {
			opened = new net.Socket({fd, readable: false, writable: false});
		} catch {
			opened = undefined; // not a socket
		}
		probes.set(fd, opened);
	}
	return probes.get(fd);
};

const boundPort = (fd: number): number | undefined => {
	const address = probe(fd)?.address();
	return address && typeof address === 'object' && 'port' in address ? address.port : undefined;
};

/**
 * Starts `server` (any net.Server: http, https, express's) on the socket devtui --listen handed
 * this process for this port (or this --listen spec, `name`), or, when there is none, binds
 * host:port as usual. Returns the server; `callback` runs on 'listening', errors go to the server's
 * 'error' event as with server.listen().
 */
export const listen = <S extends net.Server>(server: S, portOrOptions: number | ListenOptions, callback?: () => void): S => {
	const options = typeof portOrOptions === 'number' ? {port: portOrOptions} : portOrOptions;
	const inherited = takeInheritedSockets();
	const socket = pickSocket(inherited.sockets, options, usedFds, boundPort);
	const backlog = options.backlog === undefined ? {} : {backlog: options.backlog};
	if (socket) {
		usedFds.add(socket.fd);
		server.once('listening', () => send({type: 'listening', names: [socket.name ?? String(socket.fd)]}));
		const opened = probes.get(socket.fd);
		if (opened) return options.backlog === undefined ? server.listen(opened, callback) : server.listen(opened, options.backlog, callback);
		return server.listen({fd: socket.fd, ...backlog}, callback);
	}
	if (inherited.otherPid !== undefined) {
		server.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EADDRINUSE') {
				process.stderr.write(
					`devtui client: port ${options.port} is held for pid ${inherited.otherPid}, not this process (${process.pid}): start the app directly under devtui, not through npm run or another launcher\n`,
				);
			}
			// Only a hint: an app without its own 'error' listener must still fail as server.listen() would.
			if (server.listenerCount('error') === 0) throw error;
		});
	}
	return server.listen({port: options.port ?? 0, host: options.host ?? '127.0.0.1', ...backlog}, callback);
};

connect();
