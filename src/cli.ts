#!/usr/bin/env node
// The composition root: options -> event bus -> the session (supervisor, watcher, control channel,
// state) -> a view (headless lines or the dashboard), plus devtui's own signals and exit code.
// Nothing else reads process.* globals.
//
// `devtui ctl ...` is a client of a running devtui: the rest of devtui is imported only when it
// runs an app, so scripts and agents asking it something get their answer fast.

import './tune-heap.js';
import {UsageError} from './usage-error.js';
import type {ServiceSpec} from './stack/service-spec.js';

const fail = (message: string): never => {
	process.stderr.write(`devtui: ${message}\n`);
	process.exit(2);
};

// A second Ctrl-C while stopping means "stop waiting": the app is force-killed. A closed pipe on
// stdout (devtui | head) is a reason to stop, not a crash; every later write fails too, so quit
// once, or each failure's own event would feed the next.
const quitOnSignals = (quit: (reason: string, force?: boolean) => void, quitting: () => boolean): void => {
	process.on('SIGINT', () => quit('SIGINT', quitting()));
	process.on('SIGTERM', () => quit('SIGTERM'));
	process.on('SIGHUP', () => quit('SIGHUP'));
	process.stdout.once('error', () => quit('stdout closed'));
	process.stdout.on('error', () => {});
	process.stderr.on('error', () => {});
};

const main = async (): Promise<void> => {
	const [{loadOptions}, {attachHeadless}, {createSession}, {createEventBus}, {SpawnError}, {loadDashboard}, {startCtl}] = await Promise.all([
		import('./cli/load-options.js'),
		import('./headless/attach-headless.js'),
		import('./session/create-session.js'),
		import('./supervisor/event-bus.js'),
		import('./supervisor/spawn-app.js'),
		import('./tui/load-dashboard.js'),
		import('./cli/start-ctl.js'),
	]);
	const loaded = await loadOptions({argv: process.argv.slice(2), cwd: process.cwd(), stdoutIsTTY: Boolean(process.stdout.isTTY)});
	if (loaded.kind === 'services') {
		await runStack(loaded.services, {json: loaded.json, tui: loaded.tui, ctl: loaded.ctl});
		return;
	}
	if (loaded.kind !== 'run') {
		process.stdout.write(`${loaded.text}\n`);
		return;
	}
	const {options} = loaded;
	const bus = createEventBus();
	// The dashboard needs keys as well as a screen; without a terminal on stdin it is headless.
	const wantsDashboard = options.tui && Boolean(process.stdin.isTTY);
	const terminalColor = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
	// devtui ctl's socket, before the session: while it is served, the app's output is kept for `logs`.
	const ctlServer = await startCtl(options.cwd, {enabled: options.ctl});
	// The socket goes with devtui however it ends (a spawn failure exits from below).
	process.once('exit', () => void ctlServer.close());
	// Plain headless output is the app's stdout as it is: without ctl (--no-ctl, or another devtui
	// holds the socket), the app may as well write it itself, which floods ~10x faster.
	const session = await createSession(options, {
		bus,
		color: Boolean(process.stdout.isTTY),
		passStdout: !wantsDashboard && !options.json && !ctlServer.serving,
	});
	ctlServer.attach(session, options);

	let quitting = false;
	let dashboard: {unmount(): void} | undefined;
	const quit = (reason: string, force = false): void => {
		bus.emit({type: 'devtui/quitting', force, reason});
		if (quitting) {
			void session.close({force: true});
			return;
		}
		quitting = true;
		// The app's last output must be able to drain while it stops.
		session.supervisor.setOutputPaused(false);
		void session
			.close({force})
			.then(() => ctlServer.close())
			.then(() => {
				dashboard?.unmount();
				process.exit(0);
			});
	};
	dashboard = wantsDashboard
		? (await loadDashboard(process.env)).mountDashboard({
				bus,
				session,
				quit: () => quit('q'),
				options,
				stdout: process.stdout,
				stdin: process.stdin,
				color: terminalColor(process.stdout),
			})
		: undefined;
	if (!dashboard) {
		attachHeadless(bus, {json: options.json}, {stdout: process.stdout, stderr: process.stderr, color: terminalColor(process.stderr)}, paused =>
			session.supervisor.setOutputPaused(paused),
		);
	}

	if (ctlServer.notice) bus.emit({type: 'devtui/notice', message: ctlServer.notice});

	// Before the first start, so a signal that comes while it spawns still stops the app it starts.
	quitOnSignals(quit, () => quitting);

	try {
		await session.start();
	} catch (error) {
		dashboard?.unmount();
		if (error instanceof SpawnError) fail(`${error.message} (check the command after --)`);
		throw error;
	}
};

// Services mode: one stack of sessions, in the stack's dashboard (a services pane beside one app's
// panes) with a terminal on stdin, else as headless lines prefixed by service.
const runStack = async (services: ServiceSpec[], {json, tui, ctl}: {json: boolean; tui: boolean; ctl: boolean}): Promise<void> => {
	const terminalColor = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
	const wantsDashboard = tui && Boolean(process.stdin.isTTY);
	const [{createStack}, {attachStackHeadless}, {startCtl}, {loadStackDashboard}] = await Promise.all([
		import('./stack/create-stack.js'),
		import('./headless/attach-stack-headless.js'),
		import('./cli/start-ctl.js'),
		import('./tui/load-dashboard.js'),
	]);
	const cwd = process.cwd();
	const ctlServer = await startCtl(cwd, {enabled: ctl});
	process.once('exit', () => void ctlServer.close());
	const stack = await createStack(services, {color: Boolean(process.stdout.isTTY)});
	const polls = services.flatMap(service => (service.options.pollMs === undefined ? [] : [service.options.pollMs]));
	ctlServer.serveStack(stack, {cwd, pollMs: polls.length > 0 ? Math.max(...polls) : undefined});
	let quitting = false;
	let dashboard: {unmount(): void} | undefined;
	const quit = (reason: string, force = false): void => {
		if (quitting) {
			void stack.close({force: true, reason});
			return;
		}
		quitting = true;
		// The services' last output must be able to drain while they stop.
		stack.setOutputPaused(false);
		void stack
			.close({force, reason})
			.then(() => ctlServer.close())
			.then(() => {
				dashboard?.unmount();
				process.exit(0);
			});
	};
	const session = (name: string) => stack.sessions.get(name);
	dashboard = wantsDashboard
		? (await loadStackDashboard(process.env)).mountStackDashboard({
				stream: stack,
				commands: stack,
				quit: () => quit('q', quitting),
				cwd,
				stdout: process.stdout,
				stdin: process.stdin,
				color: terminalColor(process.stdout),
				snapshots: {
					list: name => session(name)?.stateKeeper.list() ?? Promise.resolve([]),
					loadOnNextStart: (name, file) => session(name)?.loadSnapshotOnNextStart(file),
				},
				stateFiles: Object.fromEntries(services.map(service => [service.name, service.options.stateFile])),
				pauseOutput: (name, paused) => session(name)?.supervisor.setOutputPaused(paused),
			})
		: undefined;
	if (!dashboard) attachStackHeadless(
		stack,
		{json, services: services.map(service => service.name)},
		{stdout: process.stdout, stderr: process.stderr, color: terminalColor(process.stderr), stdoutColor: terminalColor(process.stdout)},
		paused => stack.setOutputPaused(paused),
	);
	// Said once, beside the first service's lines (the stack has no bus of its own).
	if (ctlServer.notice) stack.sessions.get(services[0]!.name)?.bus.emit({type: 'devtui/notice', message: ctlServer.notice});
	quitOnSignals(quit, () => quitting);
	try {
		await stack.start();
	} catch (error) {
		dashboard?.unmount();
		throw error;
	}
};

const ctl = async (): Promise<void> => {
	const {runCtl} = await import('./cli/ctl-client.js');
	// `devtui ctl logs app --follow | head`: the reader went away, which ends the command.
	process.stdout.on('error', () => process.exit(0));
	process.exitCode = await runCtl({argv: process.argv.slice(3), cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr});
};

// `ctl` as the first argument is reserved for the control CLI; an app named ctl runs as `devtui -- ctl`.
(process.argv[2] === 'ctl' ? ctl() : main()).catch((error: unknown) => {
	if (error instanceof UsageError) fail(error.message);
	const message = error instanceof Error ? error.message : String(error);
	fail(`unexpected error: ${message} (please report it)`);
});
