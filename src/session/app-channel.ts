// The control channel as one participant of every run: the app's end learns the socket from its
// environment, hears `shutdown` right before the stop signal, and its last messages are drained
// before the instance counts as gone. Messages from the app become events, or reach the part of
// devtui they are for (readiness, --listen, the supervisor's deadline).

import {createControlServer, type ControlServer} from '../protocol/control-server.js';
import {CLIENT_PID_ENV, PROTOCOL_VERSION, SOCKET_ENV, type AppMessage} from '../protocol/messages.js';
import {createSocketPath} from '../protocol/socket-path.js';
import type {EventBus} from '../supervisor/event-bus.js';
import {liveTreeAndGroup, readProcess, readProcessTable} from '../supervisor/process-table.js';
import type {RunParticipant} from '../supervisor/run-participant.js';

/** How long to wait, after the app's processes are gone, for its control connection to deliver the rest. */
const APP_DRAIN_MS = 200;

// A process is the app's when it is in the app's group or tree, or descends from devtui itself (a
// client may connect before devtui has even learned the pid it spawned).
const belongsToApp = (pid: number, appPid: number | undefined): boolean => {
	if (appPid !== undefined && (pid === appPid || liveTreeAndGroup(readProcessTable(), appPid, appPid).some(info => info.pid === pid))) {
		return true;
	}
	for (let current = readProcess(pid), hops = 0; current && hops < 64; current = readProcess(current.ppid), hops++) {
		if (current.ppid === process.pid) return true;
		if (current.ppid <= 1) return false;
	}
	return false;
};

export interface AppChannelHandlers {
	/** The current instance's client says it is ready. */
	ready(): void;
	/** It asks for more time before the force kill; returns the grant, if a stop is in progress. */
	extend(ms: number): {grantedMs: number; deadline: number} | undefined;
	/** It serves on the --listen sockets with these LISTEN_FDNAMES names. */
	listening(pid: number, restart: number, names: readonly string[]): void;
	/** It saved its state during this run. */
	stateSaved(): void;
	/** The pid of the running instance, for telling its processes from strangers. */
	appPid(): number | undefined;
}

export interface AppChannel {
	participant: RunParticipant;
	close(): Promise<void>;
}

export const openAppChannel = async (bus: EventBus, handlers: AppChannelHandlers): Promise<AppChannel> => {
	const socket = createSocketPath();
	let appDisconnected: (() => void) | undefined;

	const onMessage = (message: AppMessage, connection: {pid: number; restart: number; client: string}) => {
		const pid = connection.pid;
		switch (message.type) {
			case 'hello':
				bus.emit({type: 'app/hello', pid, restart: connection.restart, client: connection.client});
				return;
			case 'ready':
				handlers.ready();
				return;
			case 'phase':
				bus.emit({
					type: 'app/phase',
					pid,
					name: message.name,
					event: message.event,
					...(message.ok === undefined ? {} : {ok: message.ok}),
					...(message.error === undefined ? {} : {error: message.error}),
				});
				return;
			case 'state':
				handlers.stateSaved();
				bus.emit({type: 'app/state-saved', pid, path: message.path, bytes: message.bytes});
				return;
			case 'extend': {
				const grant = handlers.extend(message.ms);
				if (grant) bus.emit({type: 'app/extend', pid, requestedMs: message.ms, grantedMs: grant.grantedMs, deadline: grant.deadline});
				return;
			}
			case 'listening':
				handlers.listening(pid, connection.restart, message.names);
				return;
		}
	};

	let server: ControlServer;
	try {
		server = await createControlServer({
			socketPath: socket.path,
			isAppProcess: pid => belongsToApp(pid, handlers.appPid()),
			onMessage,
			onProblem: message => bus.emit({type: 'channel/problem', message}),
			onDisconnect: () => appDisconnected?.(),
		});
	} catch (error) {
		socket.cleanup();
		throw error;
	}

	// The kernel can report the app's group gone before devtui has read the app's last messages
	// (a phase end, the state announcement); its connection closing means they are all in.
	const drain = async (): Promise<void> => {
		if (!server.app) return;
		let timer: NodeJS.Timeout | undefined;
		await new Promise<void>(resolve => {
			appDisconnected = resolve;
			timer = setTimeout(resolve, APP_DRAIN_MS);
		});
		clearTimeout(timer);
		appDisconnected = undefined;
	};

	return {
		participant: {
			starting(restart) {
				server.expect({restart});
			},
			spawnInput(input) {
				return {
					...input,
					// A client inherited from devtui's own environment must not make the app think it is a worker.
					env: {...input.env, [SOCKET_ENV]: server.path, [CLIENT_PID_ENV]: ''},
				};
			},
			spawned(app, restart) {
				server.expect({restart, pid: app.pid});
			},
			beforeSignal({reason, files, deadline, timeoutMs}) {
				server.send({type: 'shutdown', v: PROTOCOL_VERSION, reason, files, deadline, timeoutMs});
			},
			gone: drain,
		},
		async close() {
			await server.close();
			socket.cleanup();
		},
	};
};
