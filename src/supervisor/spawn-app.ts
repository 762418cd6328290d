// Starts the app in its own process group with its output captured line by line. The group is what
// makes a stop reach grandchildren (npm -> sh -> node, Python worker pools): devtui always signals
// the group, never just the pid it started.

import {once} from 'node:events';
import type {Duplex} from 'node:stream';
import {execa} from 'execa';
import {findExecutable} from './find-executable.js';
import {createLineSplitter} from './line-splitter.js';
import {trackStrays, type StrayTracker} from './stray-tracker.js';
import {INSTANCE_ENV} from './instance-marker.js';
import {readProcess} from './process-table.js';
import type {OutputStream} from './events.js';

export interface AppExit {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface AppProcess {
	pid: number;
	/** Equal to pid: the app leads its own process group. */
	pgid: number;
	startedAt: number;
	/** Settles when the app's own process exits (its group may live on a little longer). */
	exited: Promise<AppExit>;
	/** Set once the app's own process has exited. */
	exit: AppExit | undefined;
	/** Settles when both output streams have ended and every line was delivered. */
	outputDone: Promise<void>;
	/** Descendants that left the process group, remembered while they were still linked to the app. */
	strays: StrayTracker;
	/**
	 * Stops reading the app's output (the app then blocks on a full pipe, as it would on a slow
	 * terminal) until called with false. Ignored once the app has exited, so its last output drains.
	 */
	setOutputPaused(paused: boolean): void;
	/** The DEVTUI_INSTANCE value every descendant inherits, if one was set. */
	marker: string | undefined;
	/** The app's start time in clock ticks since boot (0 where /proc is missing). */
	startTime: number;
	/** The --warm pipe (see src/warm/): set only for a process spawned with `warmPipe`. */
	warmPipe?: Duplex;
	/** Set when the instance was started warm: a parked interpreter that got "go" (see src/warm/). */
	warm?: WarmStart;
}

/** How a warm instance was started: what it had loaded while parked. */
export interface WarmStart {
	/** How long it waited, parked, before "go". */
	parkedMs: number;
	/** Modules it had preloaded (Python; 0 for Node). */
	preloaded: number;
}

export interface SpawnAppInput {
	command: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	onLines: (stream: OutputStream, lines: string[], pid: number) => void;
	now?: () => number;
	/** Descriptors the app inherits as 3, 4, ... (the --listen sockets). */
	listenFds?: readonly number[];
	/**
	 * Runs the command through a wrapper (the --listen one: a tiny exec'ing sh that sets LISTEN_PID to
	 * the app's own pid). The wrapper always starts, so with `verifyProgram` the program is looked up
	 * first, to keep "command not found" a spawn failure rather than an exit code 127 from sh.
	 */
	wrap?: (command: readonly string[]) => string[];
	verifyProgram?: boolean;
	/**
	 * Give the app devtui's own stdout. A pipe that devtui reads and writes on costs an app that
	 * logs a lot up to 2.5x its time (measured in bench/, log flood); a headless run that only
	 * copies the stream loses nothing by handing it over, and the app sees the real terminal.
	 */
	passStdout?: boolean;
	/**
	 * One more descriptor at this number, a duplex pipe to devtui (--warm: the parked interpreter
	 * waits on it for "go"). A high number, so that every descriptor the interpreter opens while it
	 * starts gets the number it would get without it.
	 */
	warmFd?: number;
}

export class SpawnError extends Error {
	constructor(
		message: string,
		readonly code: string | undefined,
	) {
		super(message);
		this.name = 'SpawnError';
	}
}

const describeSpawnError = (command: string, error: NodeJS.ErrnoException): string => {
	switch (error.code) {
		case 'ENOENT':
			return `command not found: ${command}`;
		case 'EACCES':
			return `cannot execute ${command}: permission denied`;
		default:
			return `cannot start ${command}: ${error.message}`;
	}
};

const checkProgram = async (file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> => {
	const found = await findExecutable(file, {cwd, pathEnv: env.PATH});
	if (found.kind === 'found') return;
	const code = found.kind === 'not-found' ? 'ENOENT' : 'EACCES';
	throw new SpawnError(describeSpawnError(file, Object.assign(new Error(code), {code})), code);
};

// Descriptors from 3 on: the listen sockets, then (--warm) nothing up to the warm pipe's number.
// execa passes any descriptor number through to child_process, though its types name only 3 to 9.
const stdioAfter = (listenFds: readonly number[], warmFd: number | undefined): Array<3> => {
	const fds: Array<number | 'ignore' | 'pipe'> = [...listenFds];
	if (warmFd !== undefined) {
		while (fds.length < warmFd - 3) fds.push('ignore');
		fds.push('pipe');
	}
	return fds as unknown as Array<3>;
};

export const spawnApp = async ({
	command,
	cwd,
	env,
	onLines,
	now = Date.now,
	listenFds = [],
	passStdout = false,
	wrap,
	verifyProgram = false,
	warmFd,
}: SpawnAppInput): Promise<AppProcess> => {
	if (!command[0]) throw new SpawnError('no command to run', undefined);
	if (verifyProgram) await checkProgram(command[0], cwd, env);
	const [file, ...args] = wrap ? wrap(command) : command;
	const child = execa(file!, args, {
		cwd,
		env,
		extendEnv: false,
		detached: true,
		// Node marks its own descriptors close-on-exec; only those listed here reach the app.
		stdio: ['ignore', passStdout ? 'inherit' : 'pipe', 'pipe', ...stdioAfter(listenFds, warmFd)],
		buffer: false,
		reject: false,
		preferLocal: true,
		localDir: cwd,
		// devtui's own stop path owns every signal and the escalation; two timers would race.
		cleanup: false,
		forceKillAfterDelay: false,
		windowsHide: true,
	});
	// With reject: false the promise never rejects, but execa may still surface stream errors here.
	child.catch(() => {});

	try {
		await once(child, 'spawn');
	} catch (error) {
		throw new SpawnError(describeSpawnError(command[0], error as NodeJS.ErrnoException), (error as NodeJS.ErrnoException).code);
	}
	const pid = child.pid!;
	const startedAt = now();

	const pump = (stream: NodeJS.ReadableStream | null, name: OutputStream): Promise<void> => {
		if (!stream) return Promise.resolve();
		const splitter = createLineSplitter();
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => {
			const lines = splitter.push(chunk);
			if (lines.length > 0) onLines(name, lines, pid);
		});
		return new Promise(resolve => {
			const finish = () => {
				const tail = splitter.flush();
				if (tail.length > 0) onLines(name, tail, pid);
				resolve();
			};
			stream.once('end', finish);
			stream.once('close', finish);
			stream.once('error', finish);
		});
	};
	const outputDone = Promise.all([pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]).then(() => {});

	const app: AppProcess = {
		pid,
		pgid: pid,
		startedAt,
		exit: undefined,
		exited: new Promise(resolve => {
			child.once('exit', (code, signal) => {
				app.exit = {code, signal};
				resolve(app.exit);
			});
		}),
		outputDone,
		strays: trackStrays(pid, pid),
		setOutputPaused(paused) {
			for (const stream of [child.stdout, child.stderr]) {
				if (paused && app.exit === undefined) stream?.pause();
				else stream?.resume();
			}
		},
		marker: env[INSTANCE_ENV],
		startTime: readProcess(pid)?.startTime ?? 0,
		...(warmFd === undefined ? {} : {warmPipe: child.stdio[warmFd] as Duplex}),
	};
	void app.exited.then(() => {
		app.strays.stop();
		app.setOutputPaused(false);
	});
	return app;
};
