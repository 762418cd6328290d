#!/usr/bin/env node
// The composition root: options -> event bus -> the session (supervisor, watcher, control channel,
// state) -> a view (headless lines or the dashboard), plus devtui's own signals and exit code.
// Nothing else reads process.* globals.

import './tune-heap.js';
import {loadOptions} from './cli/load-options.js';
import {UsageError} from './cli/usage-error.js';
import {attachHeadless} from './headless/attach-headless.js';
import {startSession, type Session} from './session/start-session.js';
import {createEventBus} from './supervisor/event-bus.js';
import {SpawnError} from './supervisor/spawn-app.js';
import {createReloaderLineWatch} from './frameworks/reloader-output.js';
import {loadDashboard} from './tui/load-dashboard.js';

const fail = (message: string): never => {
	process.stderr.write(`devtui: ${message}\n`);
	process.exit(2);
};

const main = async (): Promise<void> => {
	const loaded = await loadOptions({argv: process.argv.slice(2), cwd: process.cwd(), stdoutIsTTY: Boolean(process.stdout.isTTY)});
	if (loaded.kind !== 'run') {
		process.stdout.write(`${loaded.text}\n`);
		return;
	}
	const {options} = loaded;
	const bus = createEventBus();
	const color = Boolean(process.stderr.isTTY) && process.env.NO_COLOR === undefined;
	// The dashboard needs keys as well as a screen; without a terminal on stdin it is headless.
	const dashboard =
		options.tui && process.stdin.isTTY
			? (await loadDashboard(process.env)).prepareDashboard({
					bus,
					options,
					stdout: process.stdout,
					stdin: process.stdin,
					color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
				})
			: undefined;
	let session: Session | undefined;
	let paused = false;
	if (!dashboard) {
		attachHeadless(bus, {json: options.json}, {stdout: process.stdout, stderr: process.stderr, color}, value => {
			paused = value;
			session?.supervisor.setOutputPaused(value);
		});
	}

	// MINIMAL WIRING (issue 10, point 5) until the session owns it: say once that the app runs a
	// reloader of its own, start it with the variables that turn it off, and watch its output for
	// a reloader its command did not show.
	const {innerReloader} = loaded;
	if (innerReloader) bus.emit({type: 'devtui/notice', message: innerReloader.message});
	const reloaderLines = createReloaderLineWatch(innerReloader ? {known: innerReloader} : {});
	bus.subscribe(event => {
		if (event.type !== 'run/output') return;
		for (const line of event.lines) {
			const found = reloaderLines(line);
			if (found) bus.emit({type: 'devtui/notice', message: found.message});
		}
	});
	const appEnv = innerReloader?.action.kind === 'env' ? {...process.env, ...innerReloader.action.env} : process.env;

	try {
		// Plain headless output is the app's stdout as it is: the app may as well write it itself.
		session = await startSession(options, {bus, color: Boolean(process.stdout.isTTY), env: appEnv, passStdout: !dashboard && !options.json});
	} catch (error) {
		if (error instanceof SpawnError) fail(`${error.message} (check the command after --)`);
		throw error;
	}
	if (paused) session.supervisor.setOutputPaused(true);
	const running = session;

	let quitting = false;
	const quit = (reason: string, force = false): void => {
		bus.emit({type: 'devtui/quitting', force, reason});
		if (quitting) {
			void running.close({force: true});
			return;
		}
		quitting = true;
		// The app's last output must be able to drain while it stops.
		running.supervisor.setOutputPaused(false);
		void running.close({force}).then(() => {
			dashboard?.unmount();
			process.exit(0);
		});
	};
	dashboard?.mount({session: running, quit: () => quit('q')});
	// A second Ctrl-C while stopping means "stop waiting": the app is force-killed.
	process.on('SIGINT', () => quit('SIGINT', quitting));
	process.on('SIGTERM', () => quit('SIGTERM'));
	process.on('SIGHUP', () => quit('SIGHUP'));
	// A closed pipe on stdout (devtui | head) is a reason to stop, not a crash.
	// Every later write fails too: quit once, or each failure's own event would feed the next.
	process.stdout.once('error', () => quit('stdout closed'));
	process.stdout.on('error', () => {});
	process.stderr.on('error', () => {});
};

main().catch((error: unknown) => {
	if (error instanceof UsageError) fail(error.message);
	const message = error instanceof Error ? error.message : String(error);
	fail(`unexpected error: ${message} (please report it)`);
});
