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
import type {AppMessage, ShutdownMessage} from '../protocol/messages.js';
import {createLineReader} from '../protocol/ndjson-lines.js';
import {parseDevtuiMessage} from '../protocol/parse-message.js';
import type {ChangedFile, StopReason} from '../supervisor/events.js';
import {pickSocket, takeInheritedSockets} from './inherited-sockets.js';
import {readStateFile, writeStateFile} from './state-file.js';

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

export interface ShutdownInfo {
	/** What started the shutdown: the stop signal or devtui's `shutdown` message. */
	source: 'signal' | 'message';
	signal?: NodeJS.Signals;
	/** From devtui's `shutdown` message, when it arrived. */
	reason?: StopReason;
	files?: ChangedFile[];
	/** Epoch ms of the force kill. */
	deadline?: number;
	timeoutMs?: number;
}

export type ShutdownHandler = (info: ShutdownInfo) => unknown;

let socket: net.Socket | undefined;
let warned = false;
let shutdownMessage: ShutdownMessage | undefined;
let handler: ShutdownHandler | undefined;
let stopping = false;
let sigints = 0;
const installed = new Set<NodeJS.Signals>();

const warn = (text: string): void => {
	if (warned) return;
	warned = true;
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
		shutdownMessage = message;
		if (handler) void begin({source: 'message'});
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

/** Tells devtui the app is serving. */
export const ready = (): void => {
	send({type: 'ready'});
};

/** Asks devtui for more time before the force kill (bounded by devtui). */
export const extend = (ms: number): void => {
	if (Number.isFinite(ms) && ms > 0) send({type: 'extend', ms: Math.ceil(ms)});
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

const begin = async (trigger: {source: ShutdownInfo['source']; signal?: NodeJS.Signals}): Promise<void> => {
	// A second Ctrl-C forces the exit, as people expect from a terminal.
	if (trigger.signal === 'SIGINT' && ++sigints >= 2) process.exit(130);
	if (stopping || !handler) return;
	stopping = true;
	// devtui writes its message right before the signal: let it land so the handler sees the reason.
	if (trigger.source === 'signal' && socket) await new Promise(resolve => setImmediate(resolve));
	const {reason, files, deadline, timeoutMs} = shutdownMessage ?? {};
	const info: ShutdownInfo = {...trigger, ...(shutdownMessage ? {reason, files, deadline, timeoutMs} : {})};
	let code = 0;
	try {
		await handler(info);
	} catch (error) {
		code = 1;
		process.stderr.write(`devtui client: shutdown handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	}
	await flush();
	process.exit(code);
};

/**
 * Runs fn once when the app is asked to stop (a stop signal or devtui's `shutdown` message,
 * whichever comes first), then exits 0, or 1 if fn throws. A later call replaces fn.
 */
export const onShutdown = (
	fn: ShutdownHandler,
	{signals = ['SIGTERM', 'SIGINT', 'SIGHUP']}: {signals?: NodeJS.Signals[]} = {},
): void => {
	handler = fn;
	for (const signal of signals) {
		if (installed.has(signal)) continue;
		installed.add(signal);
		process.on(signal, () => void begin({source: 'signal', signal}));
	}
	if (shutdownMessage) void begin({source: 'message'});
};

export interface ListenOptions {
	port?: number;
	/** Where to bind when there is no inherited socket. @default '127.0.0.1' */
	host?: string;
	/** Take the inherited socket of this --listen spec (e.g. "0.0.0.0:8000") instead of matching the port. */
	name?: string;
	backlog?: number;
}

const usedFds = new Set<number>();

/**
 * Starts `server` (any net.Server: http, https, express's) on the socket devtui --listen handed
 * this process, or, when there is none for this port, binds host:port as usual. Returns the server;
 * `callback` runs on 'listening', errors go to the server's 'error' event as with server.listen().
 */
export const listen = <S extends net.Server>(server: S, portOrOptions: number | ListenOptions, callback?: () => void): S => {
	const options = typeof portOrOptions === 'number' ? {port: portOrOptions} : portOrOptions;
	const inherited = takeInheritedSockets();
	const socket = pickSocket(inherited.sockets, options, usedFds);
	const backlog = options.backlog === undefined ? {} : {backlog: options.backlog};
	if (socket) {
		usedFds.add(socket.fd);
		server.once('listening', () => send({type: 'listening', names: [socket.name ?? String(socket.fd)]}));
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
