#!/usr/bin/env node
// The composition root: options -> event bus -> supervisor + watcher -> a view (headless lines or
// the dashboard), plus devtui's own signals and exit code. Nothing else reads process.* globals.

import {loadOptions} from './cli/load-options.js';
import {UsageError} from './cli/usage-error.js';
import {attachHeadless} from './headless/attach-headless.js';
import {createEventBus} from './supervisor/event-bus.js';
import {SpawnError} from './supervisor/spawn-app.js';
import {Supervisor} from './supervisor/supervisor.js';
import {startWatchdog} from './supervisor/watchdog.js';
import {watchFiles, type FileWatcher} from './watcher/watch-files.js';

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
	attachHeadless(bus, {json: options.json}, {stdout: process.stdout, stderr: process.stderr, color});

	const watchdog = startWatchdog();
	const supervisor = new Supervisor({...options, color: Boolean(process.stdout.isTTY)}, {bus, watchdog});
	try {
		await supervisor.start();
	} catch (error) {
		watchdog.dispose();
		if (error instanceof SpawnError) fail(`${error.message} (check the command after --)`);
		throw error;
	}

	const watcher: FileWatcher = watchFiles({
		options,
		bus,
		onChangeStart: () => supervisor.changeStarted(),
		onBatch: (files, _batch, firstChangeAt) => supervisor.changesReady(files, firstChangeAt),
	});

	let quitting: Promise<void> | undefined;
	const quit = (reason: string, force = false): Promise<void> => {
		if (quitting) {
			if (force) {
				bus.emit({type: 'devtui/quitting', force: true, reason});
				void supervisor.quit({force: true});
			}
			return quitting;
		}
		bus.emit({type: 'devtui/quitting', force, reason});
		quitting = (async () => {
			await Promise.all([watcher.close(), supervisor.quit({force})]);
			watchdog.dispose();
			process.exit(0);
		})();
		return quitting;
	};
	// A second Ctrl-C while stopping means "stop waiting": the app is force-killed.
	process.on('SIGINT', () => void quit('SIGINT', quitting !== undefined));
	process.on('SIGTERM', () => void quit('SIGTERM'));
	process.on('SIGHUP', () => void quit('SIGHUP'));
	// A closed pipe on stdout (devtui | head) is a reason to stop, not a crash.
	process.stdout.on('error', () => void quit('stdout closed'));
	process.stderr.on('error', () => {});
};

main().catch((error: unknown) => {
	if (error instanceof UsageError) fail(error.message);
	const message = error instanceof Error ? error.message : String(error);
	fail(`unexpected error: ${message} (please report it)`);
});
