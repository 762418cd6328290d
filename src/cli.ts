#!/usr/bin/env node
// The composition root: options -> event bus -> the session (supervisor, watcher, control channel,
// state) -> a view (headless lines or the dashboard), plus devtui's own signals and exit code.
// Nothing else reads process.* globals.

import './tune-heap.js';
import {loadOptions} from './cli/load-options.js';
import {UsageError} from './usage-error.js';
import {attachHeadless} from './headless/attach-headless.js';
import {createSession} from './session/create-session.js';
import {createEventBus} from './supervisor/event-bus.js';
import {SpawnError} from './supervisor/spawn-app.js';
import {loadDashboard} from './tui/load-dashboard.js';
import {attachStackHeadless} from './headless/attach-stack-headless.js';
import {createStack} from './stack/create-stack.js';
import type {ServiceSpec} from './stack/service-spec.js';

const fail = (message: string): never => {
	process.stderr.write(`devtui: ${message}\n`);
	process.exit(2);
};

const main = async (): Promise<void> => {
	const loaded = await loadOptions({argv: process.argv.slice(2), cwd: process.cwd(), stdoutIsTTY: Boolean(process.stdout.isTTY)});
	if (loaded.kind === 'services') {
		await runStack(loaded.services, {json: loaded.json});
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
	// Plain headless output is the app's stdout as it is: the app may as well write it itself.
	const session = await createSession(options, {bus, color: Boolean(process.stdout.isTTY), passStdout: !wantsDashboard && !options.json});

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
		void session.close({force}).then(() => {
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

	// Before the first start, so a signal that comes while it spawns still stops the app it starts.
	// A second Ctrl-C while stopping means "stop waiting": the app is force-killed.
	process.on('SIGINT', () => quit('SIGINT', quitting));
	process.on('SIGTERM', () => quit('SIGTERM'));
	process.on('SIGHUP', () => quit('SIGHUP'));
	// A closed pipe on stdout (devtui | head) is a reason to stop, not a crash.
	// Every later write fails too: quit once, or each failure's own event would feed the next.
	process.stdout.once('error', () => quit('stdout closed'));
	process.stdout.on('error', () => {});
	process.stderr.on('error', () => {});

	try {
		await session.start();
	} catch (error) {
		dashboard?.unmount();
		if (error instanceof SpawnError) fail(`${error.message} (check the command after --)`);
		throw error;
	}
};

// Services mode: one stack of sessions, shown headless. With a terminal the dashboard's services
// pane will show it instead; until that pane is merged, a stack prints headless lines even on a
// TTY (the lead wires mountDashboard here when it lands).
const runStack = async (services: ServiceSpec[], {json}: {json: boolean}): Promise<void> => {
	const terminalColor = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
	const stack = await createStack(services, {color: Boolean(process.stdout.isTTY)});
	let quitting = false;
	const quit = (reason: string, force = false): void => {
		if (quitting) {
			void stack.close({force: true, reason});
			return;
		}
		quitting = true;
		void stack.close({force, reason}).then(() => process.exit(0));
	};
	attachStackHeadless(
		stack,
		{json, services: services.map(service => service.name)},
		{stdout: process.stdout, stderr: process.stderr, color: terminalColor(process.stderr), stdoutColor: terminalColor(process.stdout)},
		paused => stack.setOutputPaused(paused),
	);
	process.on('SIGINT', () => quit('SIGINT', quitting));
	process.on('SIGTERM', () => quit('SIGTERM'));
	process.on('SIGHUP', () => quit('SIGHUP'));
	process.stdout.once('error', () => quit('stdout closed'));
	process.stdout.on('error', () => {});
	process.stderr.on('error', () => {});
	await stack.start();
};

main().catch((error: unknown) => {
	if (error instanceof UsageError) fail(error.message);
	const message = error instanceof Error ? error.message : String(error);
	fail(`unexpected error: ${message} (please report it)`);
});
