// Assembles the core for one devtui run: the supervisor, the watcher, the control channel, the
// state keeper, readiness and the restart timeline, all on one event bus. Headless mode and the
// dashboard both start exactly this and differ only in how they show the bus.

import path from 'node:path';
import {createCheckGate, type CheckGate} from '../check/check-gate.js';
import {resolveCheckConfig} from '../check/check-config.js';
import {pythonClientDir} from '../client/python-client-dir.js';
import {startListening} from '../listen/listen-session.js';
import type {DevtuiOptions} from '../options.js';
import {createControlServer, type ControlServer} from '../protocol/control-server.js';
import {CLIENT_PID_ENV, PROTOCOL_VERSION, SOCKET_ENV, type AppMessage} from '../protocol/messages.js';
import {createSocketPath} from '../protocol/socket-path.js';
import {trackReadiness} from '../readiness/track-readiness.js';
import {createStateKeeper} from '../state/state-keeper.js';
import type {EventBus} from '../supervisor/event-bus.js';
import {liveTreeAndGroup, readProcess, readProcessTable} from '../supervisor/process-table.js';
import {Supervisor} from '../supervisor/supervisor.js';
import {startWatchdog} from '../supervisor/watchdog.js';
import {foldTimeline, initialTimelineState} from '../timeline/restart-timeline.js';
import {createFeedbackDetector, DEFAULT_FEEDBACK_POLICY} from '../watcher/feedback-detector.js';
import {watchFiles, type FileWatcher} from '../watcher/watch-files.js';

export interface Session {
	bus: EventBus;
	supervisor: Supervisor;
	watcher: FileWatcher;
	stateKeeper: ReturnType<typeof createStateKeeper>;
	/**
	 * Roll back: put this snapshot back as the state file when the current app has stopped (after
	 * its own save), so the next instance loads it. Undefined cancels.
	 */
	loadSnapshotOnNextStart(snapshotFile: string | undefined): void;
	/** Stops the app (gracefully unless `force`) and releases everything. Safe to call twice. */
	close(options?: {force?: boolean}): Promise<void>;
}

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

/** How long to wait, after the app's processes are gone, for its control connection to deliver the rest. */
const APP_DRAIN_MS = 200;

const joinPythonPath = (first: string, existing: string | undefined): string =>
	existing ? `${first}${path.delimiter}${existing}` : first;

export const startSession = async (
	options: DevtuiOptions,
	{
		bus,
		color,
		env = process.env,
		passStdout = false,
	}: {
		bus: EventBus;
		color: boolean;
		env?: NodeJS.ProcessEnv;
		/** The view only copies the app's stdout to devtui's own: hand it over (unless readiness reads it). */
		passStdout?: boolean;
	},
): Promise<Session> => {
	// First, so that a port already in use fails before anything is started.
	const listening = await startListening(options.listen, bus);
	const socket = createSocketPath();
	let supervisor: Supervisor | undefined;
	let stateSavedThisRun = false;
	let rollbackTo: string | undefined;
	// readiness branch: the held sockets, so that inheriting one is not "listening" and accepting on one is.
	const readiness = trackReadiness({
		bus,
		pattern: options.readyPattern,
		port: options.readyPort,
		heldSockets: listening.sockets,
		heldInodes: listening.inodes,
	});

	const onMessage = (message: AppMessage, connection: {pid: number; restart: number; client: string}) => {
		const pid = connection.pid;
		switch (message.type) {
			case 'hello':
				bus.emit({type: 'app/hello', pid, restart: connection.restart, client: connection.client});
				return;
			case 'ready':
				readiness.clientReady();
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
				stateSavedThisRun = true;
				bus.emit({type: 'app/state-saved', pid, path: message.path, bytes: message.bytes});
				return;
			case 'extend': {
				const grant = supervisor?.extendStop(message.ms);
				if (grant) bus.emit({type: 'app/extend', pid, requestedMs: message.ms, grantedMs: grant.grantedMs, deadline: grant.deadline});
				return;
			}
			case 'listening':
				listening.taken(pid, connection.restart, message.names);
				return;
		}
	};

	// The kernel can report the app's group gone before devtui has read the app's last messages
	// (a phase end, the state announcement); its connection closing means they are all in.
	let appDisconnected: (() => void) | undefined;
	const drainAppConnection = async (): Promise<void> => {
		if (!server.app) return;
		let timer: NodeJS.Timeout | undefined;
		await new Promise<void>(resolve => {
			appDisconnected = resolve;
			timer = setTimeout(resolve, APP_DRAIN_MS);
		});
		clearTimeout(timer);
		appDisconnected = undefined;
	};

	let server: ControlServer;
	try {
		server = await createControlServer({
			socketPath: socket.path,
			isAppProcess: pid => belongsToApp(pid, supervisor?.pid),
			onMessage,
			onProblem: message => bus.emit({type: 'channel/problem', message}),
			onDisconnect: () => appDisconnected?.(),
		});
	} catch (error) {
		socket.cleanup();
		readiness.dispose();
		listening.dispose();
		throw error;
	}

	const stateKeeper = createStateKeeper({stateFile: options.stateFile, emit: event => bus.emit(event), displayRoot: options.cwd});

	let timeline = initialTimelineState;
	const stopTimeline = bus.subscribe(event => {
		timeline = foldTimeline(timeline, event);
		if (timeline.completed && event.type !== 'restart/completed') bus.emit({type: 'restart/completed', timeline: timeline.completed});
	});
	const feedback = createFeedbackDetector();
	const stopExpecting = bus.subscribe(event => {
		// readiness branch: every app/ready is now a sign the app gave (there is no 'spawn' source any more).
		if (event.type === 'app/ready') feedback.ready(event.at);
		if (event.type !== 'run/spawned') return;
		server.expect({restart: event.restart, pid: event.pid});
		feedback.spawned(event.at);
	});

	const watchdog = startWatchdog();
	// Pre-restart checks (--check, the Python compile check) sit between the watcher and the supervisor.
	let gate: CheckGate | undefined;
	supervisor = new Supervisor(
		{...options, color, env: listening.appEnv(env), passStdout: passStdout && options.readyPattern === undefined},
		{
			bus,
			watchdog,
			...(listening.fds ? {listenFds: listening.fds} : {}),
			extraEnv: restart => {
				server.expect({restart});
				stateSavedThisRun = false;
				return {
					...listening.extraEnv(),
					[SOCKET_ENV]: server.path,
					// A client inherited from devtui's own environment must not make the app think it is a worker.
					[CLIENT_PID_ENV]: '',
					PYTHONPATH: joinPythonPath(pythonClientDir(), env.PYTHONPATH),
				};
			},
			afterExit: drainAppConnection,
			beforeStop: ({reason, files, deadline, timeoutMs}) => {
				server.send({type: 'shutdown', v: PROTOCOL_VERSION, reason, files, deadline, timeoutMs});
			},
			beforeManualRestart: () => gate?.restartRequested(),
			betweenRuns: async ({stopStartedAt, restart}) => {
				await stateKeeper.afterStop({stopStartedAt, restart, expected: stateSavedThisRun});
				const snapshot = rollbackTo;
				rollbackTo = undefined;
				if (snapshot === undefined) return;
				try {
					await stateKeeper.restore(snapshot);
				} catch (error) {
					bus.emit({type: 'supervisor/error', message: `cannot load snapshot ${snapshot}: ${(error as Error).message}`});
				}
			},
		},
	);

	let watcher: FileWatcher | undefined;
	const release = async () => {
		gate?.dispose();
		await watcher?.close();
		stopTimeline();
		stopExpecting();
		readiness.dispose();
		await server.close();
		socket.cleanup();
		await stateKeeper.close();
		watchdog.dispose();
		listening.dispose();
	};

	const appStartedAt = Date.now();
	try {
		await supervisor.start();
	} catch (error) {
		await release();
		throw error;
	}
	const running = supervisor;
	const checkGate = createCheckGate({...resolveCheckConfig(options, env), cwd: options.cwd, env, bus, target: running});
	gate = checkGate;
	watcher = watchFiles({
		options,
		bus,
		changedSince: appStartedAt,
		onChangeStart: paths => checkGate.changeStarted(paths),
		onBatch: (files, _batch, firstChangeAt) => {
			const looping = feedback.batch(
				files.map(file => file.path),
				firstChangeAt,
			);
			if (looping !== undefined && !running.held) {
				running.hold(true);
				bus.emit({type: 'watch/feedback-loop', file: looping, batches: DEFAULT_FEEDBACK_POLICY.batches});
			}
			checkGate.batch(files, firstChangeAt);
		},
	});

	let closing: Promise<void> | undefined;
	return {
		bus,
		supervisor: running,
		watcher,
		stateKeeper,
		loadSnapshotOnNextStart(snapshotFile) {
			rollbackTo = snapshotFile;
		},
		close({force = false} = {}) {
			if (closing) {
				if (force) void running.quit({force: true});
				return closing;
			}
			closing = (async () => {
				gate?.dispose();
				await Promise.all([watcher?.close(), running.quit({force})]);
				await release();
			})();
			return closing;
		},
	};
};
