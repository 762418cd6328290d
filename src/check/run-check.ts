// Runs one check as a real process: in the app's working directory, in a process group of its own
// so that cancelling (a newer change, `r`, quitting) or a timeout takes its children down with it
// (`tsc` under `npx`, `mypy` under `sh`). Its stdout and stderr are read as one stream of lines in
// arrival order, and only the last lines are kept: a check that prints thousands of errors must
// not grow devtui's memory, and the last lines are the summary anyway.

import {spawn} from 'node:child_process';
import {signalGroup} from '../supervisor/signal-processes.js';
import {createLineSplitter} from '../supervisor/line-splitter.js';
import {formatDuration} from '../format-duration.js';

export const CHECK_OUTPUT_LINES = 50;

/** A hung check fails after this long, so a restart can never wait for ever (see README). */
export const DEFAULT_CHECK_TIMEOUT_MS = 120_000;

export interface CheckRunResult {
	ok: boolean;
	exitCode: number | null;
	signal: string | null;
	/** The last lines of its output, plus devtui's own explanation when it did not simply exit. */
	output: string[];
	cancelled: boolean;
}

export interface RunningCheck {
	result: Promise<CheckRunResult>;
	/** Kills the check's whole process group; its result then says `cancelled`. */
	cancel(): void;
}

// Exit codes the shell uses for a command it could not run: worth a plain-words line.
const SHELL_EXIT: Record<number, string> = {
	126: 'the check command could not be executed (exit code 126: permission denied?)',
	127: 'the check command was not found (exit code 127)',
};

export const runCheck = ({
	argv,
	cwd,
	env,
	timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
	keepLines = CHECK_OUTPUT_LINES,
}: {
	argv: readonly string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	timeoutMs?: number;
	keepLines?: number;
}): RunningCheck => {
	const tail: string[] = [];
	const keep = (lines: string[]) => {
		tail.push(...lines);
		if (tail.length > keepLines * 2) tail.splice(0, tail.length - keepLines);
	};
	let cancelled = false;
	let timedOut = false;
	let spawnError: string | undefined;

	const [file, ...args] = argv;
	const child = spawn(file!, args, {cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
	const kill = () => {
		if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
	};
	const timer = setTimeout(() => {
		timedOut = true;
		kill();
	}, timeoutMs);
	timer.unref();

	const pump = (stream: NodeJS.ReadableStream) => {
		const splitter = createLineSplitter();
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => keep(splitter.push(chunk)));
		stream.on('end', () => keep(splitter.flush()));
	};
	pump(child.stdout!);
	pump(child.stderr!);

	const result = new Promise<CheckRunResult>(resolve => {
		child.once('error', error => {
			spawnError = `devtui: cannot run the check: ${error.message}`;
		});
		// Whatever the check left running in its group (a watcher it forked) goes with it, which
		// also closes the pipes such a leftover would otherwise hold open.
		child.once('exit', kill);
		// 'close' comes once both pipes have ended, so every line is in.
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			const output = tail.slice(-keepLines);
			if (spawnError) output.push(spawnError);
			else if (timedOut) output.push(`devtui: the check took longer than ${formatDuration(timeoutMs)} and was killed`);
			else if (code !== null && SHELL_EXIT[code]) output.push(`devtui: ${SHELL_EXIT[code]}`);
			resolve({
				ok: !cancelled && !timedOut && !spawnError && code === 0,
				exitCode: spawnError || code === null || code < 0 ? null : code,
				signal,
				output,
				cancelled,
			});
		});
	});

	return {
		result,
		cancel() {
			if (cancelled) return;
			cancelled = true;
			kill();
		},
	};
};
