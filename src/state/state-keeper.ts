// Keeps the app's persisted state safe across restarts. The supervisor calls afterStop() between
// "the old process group is gone" and "spawn the next one":
//
//   const keeper = createStateKeeper({stateFile, emit: bus.emit, displayRoot: options.cwd});
//   const summary = await keeper.afterStop({stopStartedAt, restart, expected});
//   await keeper.list();              // snapshots, newest first (for the dashboard)
//   await keeper.restore(file);       // roll back to a chosen snapshot (file name or path)
//   await keeper.close();             // ends the worker thread
//
// afterStop validates the state file (in a worker thread) and then either
//   - emits 'state/validated' and copies the file into <state dir>/snapshots/ (last `keep` kept), or
//   - emits 'state/invalid' and, when a valid snapshot exists, puts the newest one back as the state
//     file ('state/restored', whose `reason` is the StateProblem) so the app never starts from
//     garbage. Whatever was at the path is renamed aside first (<file>.<problem>-<time>) unless it
//     is a byte-for-byte copy of that snapshot: no state is ever deleted. Without any snapshot, only
//     garbage (corrupt, truncated, no-marker) is set aside, so the app starts clean.
// A missing or stale file is reported only when state is expected: the integrator says the app
// announced a save (`expected`), or this keeper has seen a valid state file, or a snapshot exists.
// Apps that never use state therefore produce no state events at all.
//
// Paths in events are relative to `displayRoot` (default: the state directory's parent, so the
// default layout gives `.devtui/snapshots/<name>.json`), or absolute when outside it.
// afterStop never throws: a failure to snapshot or restore is emitted as 'supervisor/error', and
// 'state/validated' then carries `snapshot: ''`. Calls are serialised, one at a time.

import path from 'node:path';
import type {EventInput, StateProblem} from '../supervisor/events.js';
import {copyFileAtomic} from './atomic-write.js';
import {moveAside} from './set-aside.js';
import {createSnapshotStore, type SnapshotEntry, type SnapshotRecord} from './snapshot-store.js';
import {createStateValidator} from './state-validator.js';
import {DEFAULT_CLOCK_SLACK_MS, DEFAULT_MAX_STATE_BYTES, type StateVerdict} from './validate-state-file.js';

export interface StateKeeperOptions {
	stateFile: string;
	/** @default <dir of stateFile>/snapshots */
	snapshotsDir?: string;
	/** @default 20 (never fewer than 1) */
	keep?: number;
	/** @default 512 MiB */
	maxBytes?: number;
	/** @default 1000 */
	clockSlackMs?: number;
	/** @default the parent of the state file's directory */
	displayRoot?: string;
	emit: (event: EventInput) => void;
	now?: () => number;
	/** The compiled validation worker. @default dist/src/state/validate-worker.js */
	workerUrl?: URL;
}

export interface AfterStopSummary {
	/** `quiet`: no state file and none expected, nothing was emitted. */
	status: 'valid' | 'invalid' | 'quiet';
	problem?: StateProblem;
	/** Display paths. */
	snapshot?: string;
	restored?: string;
	setAside?: string;
	validateMs: number;
	snapshotMs: number;
}

export interface SnapshotInfo {
	/** Display path (as in events). */
	file: string;
	path: string;
	restart: number;
	bytes: number;
	keys: string[];
	changedKeys: string[];
	savedAt: number;
	/** False when the file was damaged since (it is then never restored). */
	valid: boolean;
}

export interface StateKeeper {
	afterStop(stop: {stopStartedAt: number; restart: number; expected: boolean}): Promise<AfterStopSummary>;
	list(): Promise<SnapshotInfo[]>;
	restore(snapshotFile: string): Promise<void>;
	close(): Promise<void>;
}

type Problem = Extract<StateVerdict, {ok: false}>;

const GARBAGE: ReadonlySet<StateProblem> = new Set(['corrupt', 'truncated', 'no-marker']);
const QUIET_UNLESS_EXPECTED: ReadonlySet<StateProblem> = new Set(['missing', 'stale']);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createStateKeeper = (options: StateKeeperOptions): StateKeeper => {
	const {stateFile, emit, now = Date.now, maxBytes = DEFAULT_MAX_STATE_BYTES, clockSlackMs = DEFAULT_CLOCK_SLACK_MS} = options;
	const displayRoot = options.displayRoot ?? path.dirname(path.dirname(stateFile));
	const validator = createStateValidator(options.workerUrl ? {workerUrl: options.workerUrl} : {});
	const store = createSnapshotStore({
		dir: options.snapshotsDir ?? path.join(path.dirname(stateFile), 'snapshots'),
		keep: options.keep,
		validator,
		maxBytes,
		now,
	});
	let seenState = false;
	let queue: Promise<unknown> = Promise.resolve();
	const serial = <T>(task: () => Promise<T>): Promise<T> => {
		const run = queue.then(task, task);
		queue = run.catch(() => undefined);
		return run;
	};

	const display = (file: string): string => {
		const relative = path.relative(displayRoot, file);
		return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
	};
	const latestValid = async (): Promise<SnapshotRecord | undefined> => (await store.history()).findLast(entry => entry.valid);

	const keepValid = async (verdict: Extract<StateVerdict, {ok: true}>, restart: number, validateMs: number, started: number) => {
		seenState = true;
		let entry: SnapshotEntry | undefined;
		try {
			entry = await store.add(stateFile, restart, verdict);
		} catch (error) {
			emit({type: 'supervisor/error', message: `The state is valid but could not be snapshotted: ${messageOf(error)}`});
		}
		const snapshot = entry ? display(store.pathOf(entry.file)) : '';
		const {bytes, keys} = verdict;
		emit({type: 'state/validated', bytes, keys, changedKeys: entry?.changedKeys ?? keys, snapshot, durationMs: now() - started});
		return {status: 'valid', snapshot, validateMs, snapshotMs: now() - started - validateMs} satisfies AfterStopSummary;
	};

	const repair = async (verdict: Problem, expected: boolean, validateMs: number, started: number): Promise<AfterStopSummary> => {
		const latest = await latestValid();
		const timing = () => ({validateMs, snapshotMs: now() - started - validateMs});
		if (QUIET_UNLESS_EXPECTED.has(verdict.problem) && !expected && !seenState && latest === undefined) return {status: 'quiet', ...timing()};
		const summary: AfterStopSummary = {status: 'invalid', problem: verdict.problem, validateMs, snapshotMs: 0};
		let message = verdict.message;
		let failure: string | undefined;
		try {
			const identical = latest !== undefined && verdict.sha1 === latest.sha1;
			if (verdict.exists && !identical && (latest !== undefined || GARBAGE.has(verdict.problem))) {
				summary.setAside = display(await moveAside(stateFile, verdict.problem, now()));
				message += `; set aside as ${summary.setAside}`;
				if (latest === undefined) message += ' so the app starts clean';
			}
			if (latest !== undefined) {
				await copyFileAtomic(store.pathOf(latest.file), stateFile);
				summary.restored = display(store.pathOf(latest.file));
			}
		} catch (error) {
			const what = latest ? 'put the last valid state back in place of' : 'set aside';
			failure = `Could not ${what} ${display(stateFile)}: ${messageOf(error)}`;
		}
		emit({type: 'state/invalid', reason: verdict.problem, message});
		if (summary.restored !== undefined) emit({type: 'state/restored', snapshot: summary.restored, reason: verdict.problem});
		if (failure !== undefined) emit({type: 'supervisor/error', message: failure});
		return {...summary, ...timing()};
	};

	return {
		afterStop: ({stopStartedAt, restart, expected}) =>
			serial(async () => {
				const started = now();
				let verdict: StateVerdict;
				try {
					verdict = await validator.validate({file: stateFile, displayPath: display(stateFile), maxBytes, stopStartedAt, slackMs: clockSlackMs});
				} catch (error) {
					emit({type: 'supervisor/error', message: `Could not check the state file: ${messageOf(error)}`});
					return {status: 'invalid', validateMs: now() - started, snapshotMs: 0};
				}
				const validateMs = now() - started;
				return verdict.ok ? keepValid(verdict, restart, validateMs, started) : repair(verdict, expected, validateMs, started);
			}),

		list: () =>
			serial(async () =>
				(await store.history()).reverse().map(({file, restart, bytes, keys, changedKeys, savedAt, valid}) => {
					const full = store.pathOf(file);
					return {file: display(full), path: full, restart, bytes, keys, changedKeys, savedAt, valid};
				}),
			),

		restore: snapshotFile =>
			serial(async () => {
				const name = path.basename(snapshotFile);
				const history = await store.history();
				const chosen = history.find(entry => entry.file === name);
				if (chosen === undefined) throw new Error(`There is no snapshot named ${name} in ${display(store.dir)}`);
				if (!chosen.valid) throw new Error(`The snapshot ${name} was damaged since it was taken; it cannot be restored`);
				// The current state is set aside unless the history already holds an identical copy.
				const current = await validator.validate({file: stateFile, displayPath: display(stateFile), maxBytes});
				const kept = new Set(history.map(entry => entry.sha1));
				if ((current.ok || current.exists) && !(current.sha1 !== undefined && kept.has(current.sha1))) {
					await moveAside(stateFile, 'rolled-back', now());
				}
				await copyFileAtomic(store.pathOf(chosen.file), stateFile);
				emit({type: 'state/restored', snapshot: display(store.pathOf(chosen.file)), reason: 'rollback'});
			}),

		close: async () => {
			await queue;
			await validator.close();
		},
	};
};
