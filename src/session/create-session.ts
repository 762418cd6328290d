// Builds the core for one devtui run on one event bus: the --listen sockets, the control channel,
// the state keeper, readiness, the checks, the feedback detector, the watchdog and the supervisor
// they all plug into. Built first, started second, so every view subscribes before the first event:
//
//   const session = await createSession(options, {bus, color});   // binds sockets, opens the channel
//   attachHeadless(bus, ...) or mountDashboard({session, ...});
//   await session.start();                                        // the first spawn, then watching
//   ...
//   await session.close();
//
// Headless mode and the dashboard both run exactly this and differ only in how they show the bus.

import {createCheckRunner} from '../check/check-runner.js';
import {createReloaderLineWatch} from '../frameworks/reloader-output.js';
import {resolveCheckConfig} from '../check/check-config.js';
import {createPythonChecker} from '../check/python-checker.js';
import {startListening} from '../listen/listen-session.js';
import {openNotifyChannel} from '../notify/notify-channel.js';
import type {DevtuiOptions} from '../options.js';
import {trackReadiness} from '../readiness/track-readiness.js';
import {createStateKeeper} from '../state/state-keeper.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {ChangedFile} from '../supervisor/events.js';
import type {RunParticipant} from '../supervisor/run-participant.js';
import {Supervisor} from '../supervisor/supervisor.js';
import {startWatchdog} from '../supervisor/watchdog.js';
import {foldTimeline, initialTimelineState} from '../timeline/restart-timeline.js';
import {createFeedbackDetector} from '../watcher/feedback-detector.js';
import {watchFiles, type FileWatcher} from '../watcher/watch-files.js';
import {createIgnoreRules} from '../watcher/ignore-rules.js';
import {runsAsModule} from '../warm/module-type.js';
import {planWarm} from '../warm/plan-warm.js';
import {createWarmStarter, type WarmStarter} from '../warm/warm-starter.js';
import {realProcesses} from '../supervisor/process-ops.js';
import {openAppChannel} from './app-channel.js';
import {pythonPathWithClient} from './python-path.js';

/**
 * Changes that come from somewhere else than a watcher of the session's own: a stack's one
 * watcher for all its services (src/stack/stack-watcher.ts). `connect` starts handing this
 * session its batches; closing what it returns stops that, and leaves the watcher to its owner.
 */
export interface ChangeFeed {
	connect(
		handlers: {
			onChange: (change: {path: string; kind: ChangedFile['kind']}) => void;
			onBatch: (files: ChangedFile[], firstChangeAt: number) => void;
		},
		/** When the first instance was started (epoch ms): batches from then on were not seen by it. */
		changedSince: number,
	): FileWatcher;
}

export interface Session {
	bus: EventBus;
	supervisor: Supervisor;
	stateKeeper: ReturnType<typeof createStateKeeper>;
	/** The file watcher, once started. */
	readonly watcher: FileWatcher | undefined;
	/** The first start, then watching. Rejects with a SpawnError if the command cannot start at all. */
	start(): Promise<void>;
	/**
	 * Roll back: put this snapshot back as the state file when the current app has stopped (after
	 * its own save), so the next instance loads it. Undefined cancels.
	 */
	loadSnapshotOnNextStart(snapshotFile: string | undefined): void;
	/** Stops the app (gracefully unless `force`) and releases everything. Safe to call twice. */
	close(options?: {force?: boolean}): Promise<void>;
}

export const createSession = async (
	options: DevtuiOptions,
	{
		bus,
		color,
		env = process.env,
		passStdout = false,
		changes,
	}: {
		bus: EventBus;
		/** Whether the app's output reaches a colour terminal. */
		color: boolean;
		env?: NodeJS.ProcessEnv;
		/** The view only copies the app's stdout to devtui's own: hand it over (unless readiness reads it). */
		passStdout?: boolean;
		/** Take the changes from here instead of watching `options.watch` itself (a service of a stack). */
		changes?: ChangeFeed;
	},
): Promise<Session> => {
	// First, so that a port already in use fails before anything is started.
	const listening = await startListening(options.listen, bus, options.listenPlan);
	// A reloader inside the app is off where its framework allows (its argument is already in the command).
	const {innerReloader} = options;
	const appEnv = innerReloader?.action.kind === 'env' ? {...env, ...innerReloader.action.env} : env;
	let supervisor: Supervisor | undefined;
	// The held sockets: inheriting one is not "listening", accepting on one is.
	const readiness = trackReadiness({
		bus,
		pattern: options.readyPattern,
		port: options.readyPort,
		heldSockets: listening.sockets,
		heldInodes: listening.inodes,
	});
	let stateSaved = false;

	let channel;
	try {
		channel = await openAppChannel(bus, {
			ready: () => readiness.clientReady(),
			extend: ms => supervisor?.extendStop(ms),
			// socket/taken names the instance (run/spawned's pid), as the /proc look does: behind a shell the
			// client's own process is a child of it, and the views match the instance's pid.
			listening: (pid, restart, names) => listening.taken(supervisor?.pid ?? pid, restart, names),
			stateSaved: () => {
				stateSaved = true;
			},
			appPid: () => supervisor?.pid,
		});
	} catch (error) {
		readiness.dispose();
		listening.dispose();
		throw error;
	}

	// sd_notify: its relay starts now and binds in about 10 ms, while the rest is built; nothing waits for it.
	const notify = openNotifyChannel(
		bus,
		{ready: () => readiness.notifyReady(), extend: ms => supervisor?.extendStop(ms), lost: () => readiness.notifyLost()},
		{env},
	);

	const stateKeeper = createStateKeeper({stateFile: options.stateFile, emit: event => bus.emit(event), displayRoot: options.cwd});
	let rollbackTo: string | undefined;
	const state: RunParticipant = {
		starting: () => {
			stateSaved = false;
		},
		async afterStop({stopStartedAt, restart}) {
			await stateKeeper.afterStop({stopStartedAt, restart, expected: stateSaved});
			const snapshot = rollbackTo;
			rollbackTo = undefined;
			if (snapshot === undefined) return;
			try {
				await stateKeeper.restore(snapshot);
			} catch (error) {
				bus.emit({type: 'supervisor/error', message: `cannot load snapshot ${snapshot}: ${(error as Error).message}`});
			}
		},
	};
	const pythonPath: RunParticipant = {
		spawnInput: input => ({...input, env: {...input.env, PYTHONPATH: pythonPathWithClient(env.PYTHONPATH)}}),
	};
	const watchdog = startWatchdog();
	const guard: RunParticipant = {
		spawned: app => watchdog.track(app.pgid, app.marker),
		gone: () => watchdog.track(undefined),
	};

	// One timeline per restart, folded once here so that headless, --json and the dashboard all get
	// the same `restart/completed`.
	let timeline = initialTimelineState;
	const stopTimeline = bus.subscribe(event => {
		timeline = foldTimeline(timeline, event);
		if (timeline.completed && event.type !== 'restart/completed') bus.emit({type: 'restart/completed', timeline: timeline.completed});
	});

	const {config, pythonMissing, python, appRunsPython} = resolveCheckConfig(options, env);
	const say = (message: string) => bus.emit({type: 'supervisor/error', message});
	// One warm interpreter for the Python check (~1 ms a check instead of ~20): see python-checker.ts.
	const pythonChecker = config.python === undefined ? undefined : createPythonChecker({python: config.python, ...(python ? {resolved: python} : {}), cwd: options.cwd, env, onNotice: say});
	const checks = createCheckRunner({
		config,
		cwd: options.cwd,
		env,
		pythonMissing,
		say,
		...(innerReloader?.stillActive ? {appReloadsItself: innerReloader.framework} : {}),
		...(pythonChecker ? {python: pythonChecker} : {}),
	});
	const feedback = createFeedbackDetector({bus, cwd: options.cwd});
	// --warm: the next instance's interpreter parked ahead of time, behind the supervisor's spawn seam.
	// DEVTUI_TEST_WARM=1 is the test suite's switch: every session that runs node or python runs warm
	// unless it was asked not to (others stay as they are, without the "does nothing here" notice).
	const testSwitch = options.warm === 'off' && env['DEVTUI_TEST_WARM'] === '1';
	const plan = options.warm !== 'off' || testSwitch ? planWarm(options.command, runsAsModule(options.cwd)) : undefined;
	const testWarm = testSwitch && plan?.kind !== 'unsupported';
	const warmMode = testWarm ? 'on' : options.warm;
	const warmPlan = warmMode === 'off' ? undefined : plan;
	let warm: WarmStarter | undefined;
	if (warmPlan && warmPlan.kind !== 'unsupported') {
		const roots = [...new Set([...options.watch, options.cwd])];
		const rules = createIgnoreRules({cwd: options.cwd, roots, ignore: options.ignore, stateFile: options.stateFile});
		warm = createWarmStarter({
			plan: warmPlan,
			bus,
			nextInput: () => running.nextInstanceInput(),
			// The app's own code is the watched tree and the working directory (with -w src, the entry
			// point beside src is the app's too); what the watcher ignores there (.venv) is not.
			tree: {roots, isIgnored: (file, isDirectory) => rules.isIgnored(file, isDirectory)},
			preload: warmMode !== 'no-preload',
			processes: realProcesses,
		});
	}
	const running: Supervisor = new Supervisor(
		{...options, color, env: listening.appEnv(appEnv), passStdout: passStdout && options.readyPattern === undefined},
		{
			bus,
			checks,
			changeFilter: feedback,
			participants: [pythonPath, channel.participant, notify.participant, listening.participant, state, guard],
			...(warm ? {processes: warm.processes} : {}),
		},
	);
	supervisor = running;

	// A reloader the command did not show is named when its own lines give it away, once.
	const reloaderLines = createReloaderLineWatch(innerReloader ? {known: innerReloader} : {});
	const stopReloaderWatch = bus.subscribe(event => {
		if (event.type !== 'run/output') return;
		for (const line of event.lines) {
			const found = reloaderLines(line);
			if (found) bus.emit({type: 'devtui/notice', message: found.message});
		}
	});

	let watcher: FileWatcher | undefined;
	const appChannel = channel;
	let released: Promise<void> | undefined;
	const release = () =>
		(released ??= (async () => {
			await warm?.dispose();
			checks.dispose();
			pythonChecker?.dispose();
			await watcher?.close();
			feedback.dispose();
			stopReloaderWatch();
			stopTimeline();
			readiness.dispose();
			await appChannel.close();
			notify.close();
			await stateKeeper.close();
			watchdog.dispose();
			listening.dispose();
		})());

	let closing: Promise<void> | undefined;
	return {
		bus,
		supervisor: running,
		stateKeeper,
		get watcher() {
			return watcher;
		},
		async start() {
			listening.announce();
			if (innerReloader) bus.emit({type: 'devtui/notice', message: innerReloader.message});
			if (warmPlan && warmPlan.kind !== 'unsupported') bus.emit({type: 'warm/mode', interpreter: warmPlan.kind, preload: warmMode !== 'no-preload'});
			if (warmPlan?.kind === 'unsupported') bus.emit({type: 'devtui/notice', message: `--warm does nothing here: ${warmPlan.reason}`});
			const startedAt = Date.now();
			try {
				await running.start();
			} catch (error) {
				await release();
				throw error;
			}
			// Closed while the first instance started (a signal right away): nothing to watch for.
			if (closing) return;
			const handlers = {
				onChange: (change: {path: string; kind: ChangedFile['kind']}) => running.changeSeen(change),
				onBatch: (files: ChangedFile[], firstChangeAt: number) => running.batchClosed(files, firstChangeAt),
			};
			watcher = changes ? changes.connect(handlers, startedAt) : watchFiles({options, bus, changedSince: startedAt, ...handlers});
			// Warm the Python checker once the app and the watcher are up (its spawn blocks the event
			// loop for a few ms), and only for a Python app: for others the first .py change starts it.
			if (appRunsPython) watcher.ready.then(() => pythonChecker?.warm(), () => {});
		},
		loadSnapshotOnNextStart(snapshotFile) {
			rollbackTo = snapshotFile;
		},
		close({force = false} = {}) {
			if (closing) {
				if (force) void running.quit({force: true});
				return closing;
			}
			closing = (async () => {
				await Promise.all([watcher?.close(), running.quit({force})]);
				await release();
			})();
			return closing;
		},
	};
};
