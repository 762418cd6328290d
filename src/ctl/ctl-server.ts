// The server side of `devtui ctl`: one request per connection, answered from the stack monitor
// (status, logs) or by sending a command to the stack (restart, hold, release), or by waiting on
// the monitor (wait-ready, logs --follow). Knows nothing of how devtui shows itself: it takes a
// StackStream and StackCommands, so one app and a stack of services are served the same way.

import type net from 'node:net';
import {createLineReader} from '../protocol/ndjson-lines.js';
import type {StackCommands, StackStream} from '../stack/stack-types.js';
import type {BoundCtlSocket} from './bind-ctl-socket.js';
import type {CtlRequest, CtlResponse, LogEntry} from './ctl-protocol.js';
import {parseRequest} from './parse-request.js';
import {readyVerdict, type ReadyVerdict} from './ready-verdict.js';
import {createStackMonitor, type StackMonitor} from './stack-monitor.js';

const MAX_REQUEST_BYTES = 64 * 1024;
/** A follower this far behind loses entries instead of growing devtui's memory. */
const MAX_FOLLOW_BACKLOG_BYTES = 4 * 1024 * 1024;

export interface CtlServerOptions {
	stream: StackStream;
	commands: StackCommands;
	/** devtui's working directory and pid, as `status` reports them. */
	cwd: string;
	pid: number;
	/**
	 * How long after a wait-ready request a change may still be on its way to devtui (a save made
	 * just before the request that the watcher has not reported yet; with --poll, one poll
	 * interval): changes seen within it are waited for too.
	 */
	settleMs: number;
}

export interface CtlServer {
	/** Starts answering on a bound socket (events are folded from creation on). */
	serve(socket: BoundCtlSocket): void;
	readonly monitor: StackMonitor;
	/** Requests still open (waits, follows): what a test waits on before it emits. */
	openRequests(): number;
	/** Ends every connection (waiters hear that devtui is quitting) and closes the socket. */
	close(): Promise<void>;
}

export const createCtlServer = ({stream, commands, cwd, pid, settleMs}: CtlServerOptions): CtlServer => {
	const monitor = createStackMonitor(stream, commands.services);
	const connections = new Set<{socket: net.Socket; end: (response?: CtlResponse) => void; onQuit: CtlResponse; answering: boolean}>();
	let bound: BoundCtlSocket | undefined;

	const handle = (socket: net.Socket): void => {
		let answered = false;
		const cleanups: Array<() => void> = [];
		const send = (response: CtlResponse): boolean => (socket.destroyed ? false : socket.write(`${JSON.stringify(response)}\n`));
		const end = (response?: CtlResponse): void => {
			for (const cleanup of cleanups.splice(0)) cleanup();
			connections.delete(connection);
			if (socket.destroyed) return;
			if (response) send(response);
			socket.end();
		};
		const connection = {socket, end, onQuit: {type: 'error', code: 'quitting', message: 'devtui quit'} as CtlResponse, answering: false};
		connections.add(connection);
		socket.on('error', () => end());
		socket.on('close', () => end());
		const reader = createLineReader({
			maxBytes: MAX_REQUEST_BYTES,
			onTooLong: () => end({type: 'error', code: 'bad-request', message: 'request too long'}),
			onLine: line => {
				if (answered) return;
				answered = true;
				connection.answering = true;
				const parsed = parseRequest(line);
				if (!parsed.ok) return end({type: 'error', code: 'bad-request', message: parsed.message});
				answer(parsed.request, {
					send,
					end,
					onCleanup: cleanup => cleanups.push(cleanup),
					backlog: () => socket.writableLength,
					onQuit: response => (connection.onQuit = response),
				});
			},
		});
		socket.on('data', chunk => reader.push(chunk));
	};

	interface Reply {
		send(response: CtlResponse): boolean;
		end(response?: CtlResponse): void;
		onCleanup(cleanup: () => void): void;
		/** Bytes written and not yet taken by the client. */
		backlog(): number;
		/** What the client hears when devtui quits while this request is open. */
		onQuit(response: CtlResponse): void;
	}

	const unknown = (names: readonly string[]): CtlResponse | undefined => {
		const known = monitor.names();
		const missing = names.find(name => !known.includes(name));
		return missing === undefined
			? undefined
			: {type: 'error', code: 'unknown-service', message: `unknown service "${missing}" (services: ${known.join(', ')})`, service: missing, services: known};
	};

	const statuses = (names: readonly string[]) => names.map(name => monitor.fold(name)!.status);

	const answer = (request: CtlRequest, reply: Reply): void => {
		switch (request.verb) {
			case 'status':
				return reply.end({type: 'status', pid, cwd, services: statuses(monitor.names())});
			case 'restart': {
				const error = unknown(request.services);
				if (error) return reply.end(error);
				const names = request.all ? monitor.names() : request.services;
				for (const name of names) monitor.restartRequested(name);
				if (request.all) commands.restartAll();
				else for (const name of names) commands.restart(name);
				return reply.end({type: 'done', message: `restarting ${names.join(', ')}`});
			}
			case 'hold':
			case 'release': {
				const error = unknown([request.service]);
				if (error) return reply.end(error);
				const held = request.verb === 'hold';
				commands.hold(request.service, held);
				return reply.end({type: 'done', message: held ? `${request.service}: restarts held (devtui ctl release ${request.service} lets them go)` : `${request.service}: restarts released`});
			}
			case 'logs':
				return logs(request, reply);
			case 'wait-ready':
				return waitReady(request, reply);
		}
	};

	const logs = (request: Extract<CtlRequest, {verb: 'logs'}>, reply: Reply): void => {
		const error = unknown([request.service]);
		if (error) return reply.end(error);
		for (const entry of monitor.logs(request.service)!.last(request.lines)) reply.send({type: 'log', entry});
		if (!request.follow) return reply.end({type: 'end'});
		let dropped = 0;
		// Following ends with the service's output: when devtui quits, that is the end, not an error.
		reply.onQuit({type: 'end'});
		reply.onCleanup(
			monitor.listen((event, entry) => {
				if (!entry || !('service' in event) || event.service !== request.service) return;
				if (reply.backlog() > MAX_FOLLOW_BACKLOG_BYTES) {
					dropped++;
					return;
				}
				if (dropped > 0) {
					reply.send({type: 'log', entry: {kind: 'dropped', at: entry.at, count: dropped}});
					dropped = 0;
				}
				reply.send({type: 'log', entry: entry satisfies LogEntry});
			}),
		);
	};

	const waitReady = (request: Extract<CtlRequest, {verb: 'wait-ready'}>, reply: Reply): void => {
		const error = unknown(request.services);
		if (error) return reply.end(error);
		const names = request.services.length > 0 ? [...new Set(request.services)] : monitor.names();
		// Until the settle timer fires, changes that arrive still count as seen before the request.
		let settling = settleMs > 0;
		// Per service: the `seen` count to wait for, and whether a batch still being collected must close first.
		const targets = new Map(names.map(name => [name, {seen: monitor.fold(name)!.seen, batch: monitor.fold(name)!.status.collecting}]));
		const verdictOf = (name: string): ReadyVerdict => {
			const target = targets.get(name)!;
			return target.batch ? {kind: 'waiting', why: `${name} is still collecting changes`} : readyVerdict(monitor.fold(name)!, target.seen);
		};
		let done = false;
		const finish = (response: CtlResponse) => {
			if (done) return;
			done = true;
			reply.end(response);
		};
		const evaluate = (): void => {
			if (done) return;
			for (const name of names) {
				const fold = monitor.fold(name)!;
				const target = targets.get(name)!;
				if (settling) {
					target.seen = Math.max(target.seen, fold.seen);
					target.batch ||= fold.status.collecting;
				} else if (target.batch && !fold.status.collecting) {
					// The batch closed, and its changes (if any counted) are in `seen` now.
					target.seen = Math.max(target.seen, fold.seen);
					target.batch = false;
				}
			}
			if (settling) return;
			const verdicts = names.map(verdictOf);
			const failures = verdicts.flatMap(verdict => (verdict.kind === 'failed' ? [verdict.failure] : []));
			if (failures.length > 0) return finish({type: 'not-ready', failures, services: statuses(names)});
			if (verdicts.every(verdict => verdict.kind === 'ready')) finish({type: 'ready', services: statuses(names)});
		};
		// The timer, not the clock, ends the settling: a timer may fire a little before Date.now() says it is due.
		const settle = setTimeout(() => {
			settling = false;
			evaluate();
		}, settleMs);
		const timeout = setTimeout(() => {
			const waiting = names.flatMap(name => {
				const verdict = verdictOf(name);
				return verdict.kind === 'waiting' ? [verdict.why] : [];
			});
			finish({type: 'error', code: 'timeout', message: `timed out after ${request.timeoutMs} ms: ${waiting.join('; ') || 'still waiting'}`});
		}, request.timeoutMs);
		reply.onCleanup(() => {
			clearTimeout(settle);
			clearTimeout(timeout);
		});
		// Output changes no service's status: a flood must not re-judge every service on each line.
		reply.onCleanup(monitor.listen(event => (event.type === 'run/output' ? undefined : evaluate())));
		evaluate();
	};

	let closing: Promise<void> | undefined;
	return {
		monitor,
		openRequests: () => [...connections].filter(connection => connection.answering).length,
		serve(socket) {
			bound = socket;
			socket.server.on('connection', handle);
		},
		close: () =>
			(closing ??= (async () => {
				for (const connection of [...connections]) {
					connection.end(connection.onQuit);
					// A client that never closes its end must not hold devtui's quit.
					setTimeout(() => connection.socket.destroy(), 200).unref();
				}
				monitor.dispose();
				await bound?.close();
			})()),
	};
};
