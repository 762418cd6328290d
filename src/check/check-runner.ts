// The pre-restart checks as the supervisor uses them: which changes need one, a cheap exact answer
// for early stop (the Python compile check on the files as they are now), and a cancellable run of
// every check over what is pending. It decides nothing about restarts; the supervisor does.

import {open} from 'node:fs/promises';
import path from 'node:path';
import type {ChangedFile, CheckFailure} from '../supervisor/events.js';
import type {EarlyStopChecks} from '../supervisor/early-stop.js';
import {blameFiles} from './blame-files.js';
import {checkEnv, planChecks, presentFiles, type CheckConfig, type PlannedCheck} from './plan-checks.js';
import type {PythonChecker, PythonCheckResult} from './python-checker.js';
import {isPythonFile, pythonCheckArgs, PYTHON_CHECK_NAME} from './python-compile-check.js';
import {runCheck, type CheckRunResult, type RunningCheck} from './run-check.js';

export type CheckOutcome = {ok: true} | {ok: false; failure: CheckFailure};

export interface RunningChecks {
	/** The checks' names, in the order they run. */
	names: string[];
	/** Never rejects. A cancelled run resolves too; its answer is simply not used. */
	result: Promise<CheckOutcome>;
	/** Ends the run now, killing the running check's process group. */
	cancel(): void;
}

export interface CheckRunner extends EarlyStopChecks {
	/** Starts every check that applies to these files; undefined when none does. */
	start(files: readonly ChangedFile[]): RunningChecks | undefined;
	/** Whether the cheap check passes on these files as they are now, and each looks completely written. */
	preflight(paths: readonly string[]): Promise<boolean>;
	dispose(): void;
}

export type StartCheck = (check: PlannedCheck, env: NodeJS.ProcessEnv) => RunningCheck;

const failedToStart = (error: unknown): RunningCheck => ({
	result: Promise.resolve<CheckRunResult>({
		ok: false,
		exitCode: null,
		signal: null,
		output: [`devtui: cannot run the check: ${error instanceof Error ? error.message : String(error)}`],
		cancelled: false,
	}),
	cancel() {},
});

// A file caught in the middle of its write must not pass for its final content: an in-place save
// truncates first (an empty file compiles), and a large one may arrive in several writes. A text
// file an editor saved ends with a newline; a prefix cut between two writes almost never does.
const looksComplete = async (file: string): Promise<boolean> => {
	let handle;
	try {
		handle = await open(file, 'r');
		const {size} = await handle.stat();
		if (size === 0) return false;
		const last = Buffer.alloc(1);
		await handle.read(last, 0, 1, size - 1);
		return last[0] === 0x0a;
	} catch {
		return false;
	} finally {
		await handle?.close();
	}
};

export const createCheckRunner = ({
	config,
	cwd,
	env,
	pythonMissing = false,
	appReloadsItself,
	say,
	timeoutMs,
	startCheck = (check, checkEnvironment) => runCheck({argv: check.argv, cwd, env: checkEnvironment, ...(timeoutMs === undefined ? {} : {timeoutMs})}),
	python,
}: {
	config: CheckConfig;
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** The Python check is on but no interpreter was found: said once, at the first .py change. */
	pythonMissing?: boolean;
	/** The app's own reloader that still runs (advice only): named on every failure. */
	appReloadsItself?: string;
	/** A one-time notice for the developer. */
	say: (message: string) => void;
	timeoutMs?: number;
	startCheck?: StartCheck;
	/** The warm Python checker (python-checker.ts): the Python check and the preflight go to it. Its owner disposes it. */
	python?: PythonChecker;
}): CheckRunner => {
	let toldPythonMissing = false;
	let disposed = false;
	const running = new Set<RunningCheck>();

	// The warm checker answers as the cold run would; cancelling only stops waiting for it.
	const compileWarm = (checker: PythonChecker, paths: readonly string[]): RunningCheck & {result: Promise<PythonCheckResult>} => {
		const controller = new AbortController();
		return {result: checker.compile(paths, controller.signal), cancel: () => controller.abort()};
	};

	const launch = (check: PlannedCheck, files: readonly ChangedFile[]): RunningCheck => {
		let started: RunningCheck;
		try {
			started =
				check.name === PYTHON_CHECK_NAME && python !== undefined
					? compileWarm(python, presentFiles(files).filter(isPythonFile))
					: startCheck(check, checkEnv(env, files));
		} catch (error) {
			started = failedToStart(error);
		}
		running.add(started);
		void started.result.finally(() => running.delete(started));
		return started;
	};

	return {
		applies(paths) {
			return config.command !== undefined || (config.python !== undefined && paths.some(isPythonFile));
		},
		preflightPaths(paths) {
			if (config.command !== undefined || config.python === undefined) return undefined;
			return paths.filter(isPythonFile);
		},
		async preflight(paths) {
			if (disposed || config.python === undefined || paths.length === 0) return false;
			const complete = await Promise.all(paths.map(file => looksComplete(path.resolve(cwd, file))));
			if (complete.includes(false)) return false;
			if (python !== undefined) return (await python.compile(paths)).ok;
			const check = launch({name: 'preflight', argv: pythonCheckArgs(config.python, paths)}, []);
			return (await check.result).ok;
		},
		start(files) {
			if (pythonMissing && !toldPythonMissing && files.some(file => isPythonFile(file.path))) {
				toldPythonMissing = true;
				say('no python3 on PATH: changed .py files are not compiled before restarts (--no-python-check hides this)');
			}
			const checks = planChecks(config, files);
			if (disposed || checks.length === 0) return undefined;
			let current: RunningCheck | undefined;
			let cancelled = false;
			const result = (async (): Promise<CheckOutcome> => {
				for (const check of checks) {
					if (cancelled) return {ok: true};
					current = launch(check, files);
					const outcome: CheckRunResult & Partial<Pick<PythonCheckResult, 'interpreter' | 'version'>> = await current.result;
					if (!outcome.ok) {
						return {
							ok: false,
							failure: {
								check: check.name,
								exitCode: outcome.exitCode,
								signal: outcome.signal,
								output: outcome.output,
								blamed: blameFiles(
									files.map(file => file.path),
									outcome.output,
								),
								// The interpreter that judged the code (issue 10, point 7): the warm checker says which, and its version.
								...(check.name === PYTHON_CHECK_NAME ? {interpreter: outcome.interpreter ?? check.argv[0]!} : {}),
								...(check.name === PYTHON_CHECK_NAME && outcome.version !== undefined ? {interpreterVersion: outcome.version} : {}),
								...(appReloadsItself === undefined ? {} : {appReloadsItself}),
							},
						};
					}
				}
				return {ok: true};
			})();
			return {
				names: checks.map(check => check.name),
				result,
				cancel() {
					cancelled = true;
					current?.cancel();
				},
			};
		},
		dispose() {
			disposed = true;
			for (const check of running) check.cancel();
		},
	};
};
