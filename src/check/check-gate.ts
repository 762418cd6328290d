// The gate between the watcher and the supervisor: a restart goes through only once every check
// on the changes passes, so a broken save keeps the old app serving instead of replacing it with
// one that crashes.
//
// Changes pile up as "pending" until a check passes: a broken a.py followed by an unrelated edit to
// b.py still checks a.py. A new batch while a check runs cancels it and checks the union. A pass
// hands every pending change to the supervisor at once; a failure keeps them pending and restarts
// nothing. A restart the developer asks for (`r`) cancels the check and takes the pending changes
// with it. With no check to run, or while restarts are held, batches go straight through, and only
// then may the supervisor begin stopping the old app on the first change of a batch (early stop).

import type {EventBus} from '../supervisor/event-bus.js';
import type {ChangedFile} from '../supervisor/events.js';
import {blameFiles} from './blame-files.js';
import {checkEnv, needsCheck, planChecks, type CheckConfig, type PlannedCheck} from './plan-checks.js';
import {isPythonFile} from './python-compile-check.js';
import {runCheck, type CheckRunResult, type RunningCheck} from './run-check.js';
import {mergeFiles} from '../supervisor/merge-files.js';

/** The supervisor, as far as the gate drives it. */
export interface GateTarget {
	readonly pid: number | undefined;
	/** Restarts are held (`p`, a feedback loop): changes only pile up there, unchecked. */
	readonly held: boolean;
	changeStarted(): void;
	changesReady(files: ChangedFile[], firstChangeAt?: number): void;
	changeWithdrawn(): void;
}

export type StartCheck = (check: PlannedCheck, env: NodeJS.ProcessEnv) => RunningCheck;

export interface CheckGate {
	/** The first change of a batch (the paths seen so far): early stop, unless a check will run. */
	changeStarted(paths: readonly string[]): void;
	/** A batch closed: check everything pending, then restart (or not). */
	batch(files: readonly ChangedFile[], firstChangeAt: number): void;
	/** The developer forces a restart (`r`): no check, pending changes go with it. */
	restartRequested(): void;
	/** Changes waiting for a check to pass. */
	readonly pending: readonly ChangedFile[];
	/** Cancels a running check (quitting). Safe to call twice. */
	dispose(): void;
}

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

export const createCheckGate = ({
	config,
	cwd,
	env,
	bus,
	target,
	pythonMissing = false,
	timeoutMs,
	startCheck = (check, checkEnvironment) => runCheck({argv: check.argv, cwd, env: checkEnvironment, ...(timeoutMs === undefined ? {} : {timeoutMs})}),
	now = Date.now,
}: {
	config: CheckConfig;
	cwd: string;
	env: NodeJS.ProcessEnv;
	bus: EventBus;
	target: GateTarget;
	/** The Python check is on but no interpreter was found: say so once, at the first .py change. */
	pythonMissing?: boolean;
	timeoutMs?: number;
	startCheck?: StartCheck;
	now?: () => number;
}): CheckGate => {
	let pending: ChangedFile[] = [];
	let firstChangeAt: number | undefined;
	/** The supervisor was told to begin stopping for a batch that has not been handed over yet. */
	let earlyStop = false;
	let running: {cancel(): void} | undefined;
	/** Bumped on every start and cancel: a result from an older run is ignored. */
	let generation = 0;
	let disposed = false;
	let toldPythonMissing = false;

	const takePending = (): {files: ChangedFile[]; at: number | undefined} => {
		const taken = {files: pending, at: firstChangeAt};
		pending = [];
		firstChangeAt = undefined;
		earlyStop = false;
		return taken;
	};

	const forward = () => {
		const {files, at} = takePending();
		target.changesReady(files, at);
	};

	const cancel = (reason: string) => {
		if (!running) return;
		generation++;
		running.cancel();
		running = undefined;
		bus.emit({type: 'check/cancelled', reason});
	};

	const fail = (check: PlannedCheck, result: CheckRunResult, files: ChangedFile[], durationMs: number) => {
		const appStopped = earlyStop || target.pid === undefined;
		bus.emit({
			type: 'check/failed',
			durationMs,
			failure: {
				check: check.name,
				exitCode: result.exitCode,
				signal: result.signal,
				output: result.output,
				blamed: blameFiles(
					files.map(file => file.path),
					result.output,
				),
			},
			files,
			...(appStopped ? {appStopped} : {}),
		});
		// The restart that finally passes is timed from the change that made it pass, not from the
		// broken save before it (its files stay pending and are checked again).
		firstChangeAt = undefined;
		// The batch already began stopping the app (its first file needed no check): let the
		// supervisor stop waiting for it, so the next change or `r` can start the app again.
		if (earlyStop) {
			earlyStop = false;
			target.changeWithdrawn();
		}
	};

	const start = () => {
		const checks = planChecks(config, pending);
		if (checks.length === 0) {
			forward();
			return;
		}
		const files = pending;
		const run = ++generation;
		const startedAt = now();
		bus.emit({type: 'check/started', checks: checks.map(check => check.name), files, ...(firstChangeAt === undefined ? {} : {firstChangeAt})});
		let current: RunningCheck | undefined;
		running = {cancel: () => current?.cancel()};
		void (async () => {
			for (const check of checks) {
				try {
					current = startCheck(check, checkEnv(env, files));
				} catch (error) {
					current = failedToStart(error);
				}
				const result = await current.result;
				if (run !== generation) return;
				if (!result.ok) {
					running = undefined;
					fail(check, result, files, now() - startedAt);
					return;
				}
			}
			running = undefined;
			bus.emit({type: 'check/passed', durationMs: now() - startedAt});
			forward();
		})();
	};

	return {
		get pending() {
			return pending;
		},
		changeStarted(paths) {
			if (disposed || needsCheck(config, [...pending.map(file => file.path), ...paths])) return;
			earlyStop = true;
			target.changeStarted();
		},
		batch(files, at) {
			if (disposed) return;
			if (pythonMissing && !toldPythonMissing && files.some(file => isPythonFile(file.path))) {
				toldPythonMissing = true;
				bus.emit({type: 'supervisor/error', message: 'no python3 on PATH: changed .py files are not compiled before restarts (--no-python-check hides this)'});
			}
			pending = mergeFiles(pending, files);
			firstChangeAt = Math.min(firstChangeAt ?? at, at);
			cancel('newer change');
			// Held changes wait for the developer's go-ahead (releasing, or `r`), which skips the
			// checks as `r` does; checking them meanwhile would only spin on a file the app rewrites.
			if (target.held) {
				forward();
				return;
			}
			start();
		},
		restartRequested() {
			if (disposed) return;
			cancel('restart requested');
			if (pending.length === 0 && !earlyStop) return;
			// A forced restart is not "after the change": no change-to-spawn time for it.
			target.changesReady(takePending().files, undefined);
		},
		dispose() {
			if (disposed) return;
			cancel('quitting');
			disposed = true;
		},
	};
};
