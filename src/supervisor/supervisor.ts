// The supervisor: the one owner of the restart, from a change to check, stop, state, spawn.
//
// Theory of operation. Two records hold the whole truth: `run`, the app's process (idle, starting,
// running, stopping, down), and `pending`, what the next instance waits for (the changes the
// running app has not seen, why a start is wanted, the batch still being collected, the hold, the
// check). Commands and file events only change those records and wake the owner loop; the loop
// alone acts, one step at a time, so there can never be two instances, and a change that arrives
// while stopping or starting is simply pending when the step ends: it joins the next start
// instead of causing a second one.
//
// The loop's rules, in order:
//   1. quitting: stop the app if there is one, and end;
//   2. an instance that exited by itself is cleaned up and reported (crashed, or exited);
//   3. a stop that was asked for (the `k` key, quit) or that is due (a restart wanted and allowed,
//      or an early stop, see early-stop.ts) is carried out;
//   4. changes that need a check get one before anything is stopped, so a broken save keeps the
//      old app serving; a newer change cancels it;
//   5. with the app down, the next instance starts once nothing holds it back: no batch open, not
//      held, the check passed (or skipped by `r`), not before a feedback probe's time;
//   6. otherwise sleep until woken.

import {nextBackoff} from './crash-backoff.js';
import {earlyStopVerdict} from './early-stop.js';
import type {EventBus} from './event-bus.js';
import type {ChangedFile, StopReason, SupervisorState} from './events.js';
import {mergeFiles} from './merge-files.js';
import {
	addRawChange,
	closeBatch,
	countedOpenPaths,
	hasCountedOpenPath,
	emptyPending,
	release,
	restartNow,
	takeForStart,
	type Pending,
	type RawChange,
} from './pending.js';
import {realProcesses, type ProcessOps, type SpawnInput} from './process-ops.js';
import type {RunParticipant} from './run-participant.js';
import {SpawnError, type AppProcess} from './spawn-app.js';
import {commandFor, instanceEnv} from './start-instance.js';
import {createStderrTail} from './stderr-tail.js';
import {StopControl} from './stop-process.js';
import type {CheckRunner, RunningChecks} from '../check/check-runner.js';
import {presentFiles} from '../check/plan-checks.js';
import type {DevtuiOptions} from '../options.js';
import {MAX_EXTEND_MS} from '../protocol/messages.js';

export type SupervisorOptions = Pick<
	DevtuiOptions,
	'command' | 'cwd' | 'signal' | 'timeoutMs' | 'restartArg' | 'stateFile' | 'restartOnCrash'
> & {
	/** Base environment for the app. @default process.env */
	env?: NodeJS.ProcessEnv;
	/** Whether the app's output reaches a colour terminal. */
	color?: boolean;
	/**
	 * The app writes straight to devtui's own stdout instead of through a pipe devtui reads: for
	 * headless runs that need nothing from that stream (no --json, no --ready-pattern).
	 */
	passStdout?: boolean;
	/** Cap on the total extension the app may ask for. @default MAX_EXTEND_MS */
	maxExtendMs?: number;
};

/**
 * Tells the app's own writes from the developer's (a log, a database, a file rewritten on every
 * start): those restart nothing. See src/watcher/feedback-detector.ts.
 */
export interface ChangeFilter {
	/** Whether this change of `path` (seen first at `at` in its batch) is the app's own write. */
	appWrite(path: string, at: number): boolean;
	/**
	 * A batch closed with these counted files (`whileDown`: some changed while no instance ran); a
	 * probe asks to start the next instance a little later.
	 */
	batchClosed(paths: readonly string[], firstChangeAt: number, whileDown: boolean): {probeDelayMs?: number};
}

export interface SupervisorDeps {
	bus: EventBus;
	/** @default realProcesses */
	processes?: ProcessOps;
	/** The pre-restart checks; none when undefined. */
	checks?: CheckRunner;
	participants?: readonly RunParticipant[];
	changeFilter?: ChangeFilter;
	now?: () => number;
}

type RunState =
	| {kind: 'idle'}
	| {kind: 'starting'; restart: number}
	| {kind: 'running'; app: AppProcess; restart: number}
	| {
			kind: 'stopping';
			app: AppProcess;
			restart: number;
			control: StopControl;
			reason: StopReason;
			/** What follows the stop: the next instance (when it is wanted), nothing until asked, or the end. */
			then: 'start' | 'stay-down' | 'quit';
	  }
	| {kind: 'down'; crashed: boolean; retryAt?: number};

const stateOf = (run: RunState): SupervisorState => {
	switch (run.kind) {
		case 'down':
			return run.crashed ? 'crashed' : 'exited';
		default:
			return run.kind;
	}
};

export class Supervisor {
	private run: RunState = {kind: 'idle'};
	private pending: Pending = emptyPending();
	private quitting: {force: boolean} | undefined;
	/** How many instances have started: the next one's restart number. */
	private starts = 0;
	/** Batches that counted so far: their numbers in `watch/changed`. */
	private batches = 0;
	private crashes = 0;
	private check: RunningChecks | undefined;
	private preflight: {generation: number} | undefined;
	private outputPaused = false;
	private published: SupervisorState = 'idle';
	private stderr = createStderrTail();
	private readonly processes: ProcessOps;
	private readonly participants: readonly RunParticipant[];
	private readonly now: () => number;
	private alarm: NodeJS.Timeout | undefined;
	private wake: (() => void) | undefined;
	private loop: Promise<void> | undefined;

	constructor(
		private readonly options: SupervisorOptions,
		private readonly deps: SupervisorDeps,
	) {
		this.processes = deps.processes ?? realProcesses;
		this.participants = deps.participants ?? [];
		this.now = deps.now ?? Date.now;
	}

	get state(): SupervisorState {
		return stateOf(this.run);
	}

	get pid(): number | undefined {
		return this.run.kind === 'running' || this.run.kind === 'stopping' ? this.run.app.pid : undefined;
	}

	get held(): boolean {
		return this.pending.held;
	}

	get deadline(): number | undefined {
		return this.run.kind === 'stopping' ? this.run.control.deadline : undefined;
	}

	/** Starts the app for the first time. Rejects with a SpawnError if the command cannot start at all. */
	async start(): Promise<void> {
		if (this.loop || this.run.kind !== 'idle') return;
		const failure = await this.startNext();
		if (failure) throw failure;
		// A quit during the first spawn already runs the loop, which stops what was spawned.
		this.loop ??= this.runLoop();
	}

	/** A raw file event of the batch being collected (before the batch's quiet time has passed). */
	changeSeen(change: RawChange): void {
		if (this.quitting) return;
		const wasChecking = this.pending.check === 'running';
		const down = this.run.kind === 'down' || this.run.kind === 'starting';
		const counting = hasCountedOpenPath(this.pending.batch);
		this.update(addRawChange(this.pending, change, file => this.deps.changeFilter?.appWrite(file, this.now()) ?? false, down));
		if (!counting && hasCountedOpenPath(this.pending.batch)) this.deps.bus.emit({type: 'watch/batch', open: true});
		if (wasChecking && this.pending.check !== 'running') this.cancelCheck('newer change');
		this.considerEarlyStop();
		this.notify();
	}

	/** The batch closed with these files (possibly none: temp files that came and went). */
	batchClosed(files: readonly ChangedFile[], firstChangeAt: number): void {
		if (this.quitting) return;
		if (this.pending.check === 'running') this.cancelCheck('newer change');
		const counted = files.filter(file => !this.pending.batch?.paths.get(file.path)?.appWrite);
		const whileDown = this.pending.batch?.whileDown ?? false;
		const countedSet = new Set(counted);
		const setAside = files.filter(file => !countedSet.has(file)).map(file => file.path);
		const counting = hasCountedOpenPath(this.pending.batch);
		this.update(closeBatch(this.pending, files, firstChangeAt));
		if (counted.length > 0) this.deps.bus.emit({type: 'watch/changed', batch: ++this.batches, files: counted, firstChangeAt});
		if (setAside.length > 0) this.deps.bus.emit({type: 'watch/set-aside', files: setAside});
		// After its files, so that whoever waits for the batch knows, once it closes, what it held.
		if (counting) this.deps.bus.emit({type: 'watch/batch', open: false});
		if (counted.length > 0) {
			const {probeDelayMs} = this.deps.changeFilter?.batchClosed(
				counted.map(file => file.path),
				firstChangeAt,
				whileDown,
			) ?? {};
			if (probeDelayMs !== undefined) this.update({...this.pending, notBefore: this.now() + probeDelayMs});
		}
		if (this.pending.held && counted.length > 0) this.emitHeld();
		this.notify();
	}

	/** Restart now, whatever the state, held changes included, checks skipped (the `r` key). */
	restart(): void {
		if (this.quitting) return;
		this.cancelCheck('restart requested');
		this.update(restartNow(this.pending));
		// A restart asked for while a kill (`k`) is still stopping the app turns that kill into a restart.
		if (this.run.kind === 'stopping' && this.run.then === 'stay-down') this.run = {...this.run, then: 'start'};
		this.notify();
	}

	/**
	 * Postpone (the `p` key): while held, changes pile up and restart nothing. Releasing with changes
	 * pending is a go-ahead for all of them at once, like `r`.
	 */
	hold(held: boolean): void {
		if (held === this.pending.held || this.quitting) return;
		if (held) {
			this.cancelCheck('restarts held');
			this.update({...this.pending, held: true});
			this.emitHeld();
			return;
		}
		const files = this.pending.files;
		this.update(release(this.pending));
		this.deps.bus.emit({type: 'supervisor/held', held: false, pending: files});
		this.notify();
	}

	/** SIGKILL the app's group now (the `k` key); during a stop this ends the wait early. */
	forceKill(): void {
		const run = this.run;
		if (run.kind === 'stopping') {
			run.control.force('manual');
			return;
		}
		if (run.kind !== 'running' || run.app.exit) return;
		const control = new StopControl();
		control.force('manual');
		this.run = {kind: 'stopping', app: run.app, restart: run.restart, control, reason: 'manual', then: 'stay-down'};
		this.notify();
	}

	/** The app asks for more time before the force kill (its `extend`); undefined when no stop is in progress. */
	extendStop(requestedMs: number): {grantedMs: number; deadline: number} | undefined {
		if (this.run.kind !== 'stopping') return undefined;
		return this.run.control.extend(requestedMs, this.now(), this.options.maxExtendMs ?? MAX_EXTEND_MS);
	}

	/**
	 * Flow control for a slow reader of the app's output (headless mode writing into a pipe): while
	 * paused, devtui stops reading the app's output, so the app waits instead of devtui's memory growing.
	 */
	setOutputPaused(paused: boolean): void {
		this.outputPaused = paused;
		if (this.run.kind === 'running') this.run.app.setOutputPaused(paused);
	}

	/** Stops the app and ends the loop; `force` skips the grace period. Safe to call twice. */
	async quit({force = false}: {force?: boolean} = {}): Promise<void> {
		this.quitting = {force: force || (this.quitting?.force ?? false)};
		this.cancelCheck('quitting');
		this.deps.checks?.dispose();
		const run = this.run;
		if (run.kind === 'stopping') {
			this.run = {...run, then: 'quit'};
			if (force) run.control.force('quit');
		}
		this.notify();
		this.loop ??= this.runLoop();
		await this.loop;
	}

	private update(pending: Pending): void {
		this.pending = pending;
	}

	private notify(): void {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	private sleep(until: number | undefined): Promise<void> {
		clearTimeout(this.alarm);
		if (until !== undefined) this.alarm = setTimeout(() => this.notify(), Math.max(0, until - this.now()));
		return new Promise(resolve => {
			this.wake = resolve;
		});
	}

	// The one place the published state is derived from `run`.
	private publish(): void {
		const state = stateOf(this.run);
		if (state === this.published) return;
		const previous = this.published;
		this.published = state;
		this.deps.bus.emit({type: 'supervisor/state', state, previous});
	}

	private emitHeld(): void {
		this.deps.bus.emit({type: 'supervisor/held', held: true, pending: this.pending.files});
	}

	private needsCheck(): boolean {
		const {reason, check, files} = this.pending;
		if (reason !== 'change' || check === 'passed' || check === 'skipped') return false;
		return this.deps.checks?.applies(presentFiles(files)) ?? false;
	}

	/** A new instance is wanted and nothing but the running app stands in its way. */
	private restartAllowed(): boolean {
		const {reason, held} = this.pending;
		// A hold postpones changes; a restart the developer asks for (`r`) goes through it.
		return reason !== undefined && (!held || reason === 'manual') && !this.needsCheck();
	}

	private async runLoop(): Promise<void> {
		for (;;) {
			this.publish();
			const run = this.run;
			if (this.quitting) {
				if (run.kind === 'running') {
					const control = new StopControl();
					if (this.quitting.force) control.force('quit');
					this.run = {kind: 'stopping', app: run.app, restart: run.restart, control, reason: 'quit', then: 'quit'};
					continue;
				}
				if (run.kind === 'stopping') {
					await this.stopInstance(run);
					continue;
				}
				// A spawn under way (the first start, when quit came during it): stop what it starts.
				if (run.kind === 'starting') {
					await this.sleep(undefined);
					continue;
				}
				clearTimeout(this.alarm);
				this.publish();
				return;
			}
			if (run.kind === 'running' && run.app.exit) {
				await this.reapSelfExit(run.app);
				continue;
			}
			if (run.kind === 'stopping') {
				await this.stopInstance(run);
				continue;
			}
			if (run.kind === 'running' && (this.restartAllowed() || (this.pending.batch?.earlyStop && !this.pending.held))) {
				const reason = this.pending.reason ?? 'change';
				this.run = {kind: 'stopping', app: run.app, restart: run.restart, control: new StopControl(), reason, then: 'start'};
				continue;
			}
			if (this.needsCheck() && this.pending.check === 'unchecked' && !this.pending.batch && !this.pending.held) this.startCheck();
			let wakeAt: number | undefined;
			if (run.kind === 'down') {
				if (run.retryAt !== undefined && this.pending.reason === undefined) {
					if (this.now() >= run.retryAt) {
						this.run = {...run, retryAt: undefined};
						this.update({...this.pending, reason: 'crash-restart'});
						continue;
					}
					wakeAt = run.retryAt;
				}
				if (this.restartAllowed() && !this.pending.batch) {
					const notBefore = this.pending.notBefore ?? 0;
					if (this.now() >= notBefore) {
						await this.startNext();
						continue;
					}
					wakeAt = Math.min(wakeAt ?? notBefore, notBefore);
				}
			}
			await this.sleep(wakeAt);
		}
	}

	private considerEarlyStop(): void {
		const batch = this.pending.batch;
		if (!batch || batch.earlyStop || this.pending.held || this.run.kind !== 'running' || this.preflight) return;
		const verdict = earlyStopVerdict({batch, pendingPaths: presentFiles(this.pending.files), checks: this.deps.checks});
		if (verdict.kind === 'now') {
			this.update({...this.pending, batch: {...batch, earlyStop: true}, reason: this.pending.reason ?? 'change'});
			return;
		}
		if (verdict.kind !== 'preflight' || !this.deps.checks) return;
		const asked = (this.preflight = {generation: batch.generation});
		void this.deps.checks.preflight(verdict.paths).then(passed => {
			this.preflight = undefined;
			const current = this.pending.batch;
			if (passed && current && current.generation === asked.generation && !this.quitting) {
				this.update({...this.pending, batch: {...current, earlyStop: true}, reason: this.pending.reason ?? 'change'});
				this.notify();
				return;
			}
			// The batch moved on while the check ran: ask again about what it holds now.
			if (current && current.generation !== asked.generation) this.considerEarlyStop();
		});
	}

	private startCheck(): void {
		const files = this.pending.files;
		const check = this.deps.checks?.start(files);
		if (!check) {
			this.update({...this.pending, check: 'passed'});
			return;
		}
		this.check = check;
		this.update({...this.pending, check: 'running'});
		const startedAt = this.now();
		const {firstChangeAt} = this.pending;
		this.deps.bus.emit({type: 'check/started', checks: check.names, files, ...(firstChangeAt === undefined ? {} : {firstChangeAt})});
		void check.result.then(outcome => {
			if (this.check !== check) return;
			this.check = undefined;
			const durationMs = this.now() - startedAt;
			if (outcome.ok) {
				this.update({...this.pending, check: 'passed'});
				this.deps.bus.emit({type: 'check/passed', durationMs});
			} else {
				const appStopped = this.run.kind !== 'running';
				// The restart that finally passes is timed from the change that made it pass, not from
				// the broken save before it (whose files stay pending and are checked again).
				this.update({...this.pending, check: 'failed', firstChangeAt: undefined});
				this.deps.bus.emit({type: 'check/failed', durationMs, failure: outcome.failure, files, ...(appStopped ? {appStopped} : {})});
			}
			this.notify();
		});
	}

	private cancelCheck(reason: string): void {
		const check = this.check;
		if (!check) return;
		this.check = undefined;
		check.cancel();
		if (this.pending.check === 'running') this.update({...this.pending, check: 'unchecked'});
		this.deps.bus.emit({type: 'check/cancelled', reason});
	}

	// Stops the instance devtui decided to stop, and reports it gone.
	private async stopInstance(run: Extract<RunState, {kind: 'stopping'}>): Promise<void> {
		const {app, control, reason} = run;
		if (reason === 'quit' && this.quitting?.force) control.force('quit');
		// An app blocked writing into a full pipe could not run its shutdown: let its output flow while it stops.
		app.setOutputPaused(false);
		const files = mergeFiles(
			this.pending.files,
			countedOpenPaths(this.pending.batch).map(file => ({path: file, kind: 'changed' as const})),
		);
		const stopStartedAt = this.now();
		this.publish();
		this.deps.bus.emit({type: 'run/stop-requested', pid: app.pid, reason, files});
		const result = await this.processes.stop({
			app,
			signal: this.options.signal,
			timeoutMs: this.options.timeoutMs,
			control,
			emit: event => this.deps.bus.emit(event),
			beforeSignal: deadline => {
				for (const participant of this.participants) {
					participant.beforeSignal?.({pid: app.pid, reason, files, deadline, timeoutMs: this.options.timeoutMs});
				}
			},
			now: this.now,
		});
		await this.gone(app);
		// `then` may have changed while stopping (`r` after `k`, quit).
		const then = this.run.kind === 'stopping' ? this.run.then : run.then;
		this.run = {kind: 'down', crashed: false};
		if (then === 'stay-down') this.update({...this.pending, reason: undefined});
		this.deps.bus.emit({
			type: 'run/exited',
			pid: app.pid,
			restart: run.restart,
			code: app.exit?.code ?? null,
			signal: app.exit?.signal ?? null,
			uptimeMs: stopStartedAt - app.startedAt,
			byDevtui: true,
			stopMs: result.stopMs,
			forced: result.forced,
			restarting: then === 'start' && !this.quitting && (this.pending.reason !== undefined || this.pending.batch !== undefined),
		});
		this.publish();
		for (const participant of this.participants) await participant.afterStop?.({stopStartedAt, restart: this.starts});
	}

	// The app exited by itself: make sure nothing of its group lingers (an orphaned grandchild
	// holding the port is the classic cause of EADDRINUSE after a restart), then report.
	private async reapSelfExit(app: AppProcess): Promise<void> {
		const exit = app.exit!;
		const uptimeMs = this.now() - app.startedAt;
		const restart = this.run.kind === 'running' ? this.run.restart : this.starts - 1;
		if (this.processes.lingers(app)) {
			await this.processes.stop({
				app,
				signal: this.options.signal,
				timeoutMs: this.options.timeoutMs,
				control: new StopControl(),
				emit: event => this.deps.bus.emit(event),
				now: this.now,
			});
		}
		await app.outputDone;
		await this.gone(app);
		const crashed = exit.code !== 0;
		const retryInMs = crashed ? this.crashRetry(uptimeMs) : undefined;
		if (!crashed) this.crashes = 0;
		this.run = {kind: 'down', crashed, ...(retryInMs === undefined ? {} : {retryAt: this.now() + retryInMs})};
		this.deps.bus.emit({
			type: 'run/exited',
			pid: app.pid,
			restart,
			code: exit.code,
			signal: exit.signal,
			uptimeMs,
			byDevtui: false,
			forced: false,
			restarting: false,
		});
		if (crashed) {
			this.deps.bus.emit({
				type: 'run/crashed',
				pid: app.pid,
				code: exit.code,
				signal: exit.signal,
				uptimeMs,
				stderrTail: this.stderr.lines(),
				...(retryInMs === undefined ? {} : {restartInMs: retryInMs}),
			});
		}
	}

	private async gone(app: AppProcess): Promise<void> {
		for (const participant of this.participants) await participant.gone?.(app);
	}

	// With --restart-on-crash, the delay before the next start.
	private crashRetry(uptimeMs: number): number | undefined {
		if (!this.options.restartOnCrash) return undefined;
		const backoff = nextBackoff(this.crashes, uptimeMs);
		this.crashes = backoff.crashes;
		return backoff.delayMs;
	}

	/**
	 * What the next instance would be started with if it started now: the participants are pure, so
	 * --warm asks ahead of time and parks an interpreter with it (src/warm/). The one who spawns still
	 * asks again at the start and hands the answer to `processes.spawn`, which decides.
	 */
	nextInstanceInput(): SpawnInput {
		return this.inputFor(this.starts);
	}

	private inputFor(restart: number): SpawnInput {
		const base: SpawnInput = {
			command: commandFor(this.options.command, restart, this.options.restartArg),
			cwd: this.options.cwd,
			env: instanceEnv({...this.options, env: this.options.env ?? process.env, color: this.options.color ?? false}, restart),
			onLines: (stream, lines, pid) => {
				if (stream === 'stderr' && this.run.kind === 'running' && pid === this.run.app.pid) this.stderr.push(lines);
				this.deps.bus.emit({type: 'run/output', pid, stream, lines});
			},
			now: this.now,
			...(this.options.passStdout ? {passStdout: true} : {}),
		};
		return this.participants.reduce((next, participant) => participant.spawnInput?.(next, restart) ?? next, base);
	}

	// Returns the error when the command could not be started at all.
	private async startNext(): Promise<SpawnError | undefined> {
		const {taken, rest} = takeForStart(this.pending);
		this.update(rest);
		if (rest.held) this.emitHeld();
		const restart = this.starts;
		this.run = {kind: 'starting', restart};
		this.publish();
		const input = this.inputFor(restart);
		for (const participant of this.participants) participant.starting?.(restart);
		const startedAt = this.now();
		let app: AppProcess;
		try {
			app = await this.processes.spawn(input);
		} catch (error) {
			const failure = error instanceof SpawnError ? error : new SpawnError(String(error), undefined);
			this.deps.bus.emit({type: 'run/spawn-failed', restart, command: input.command, message: failure.message});
			const retryInMs = restart > 0 ? this.crashRetry(0) : undefined;
			this.run = {kind: 'down', crashed: true, ...(retryInMs === undefined ? {} : {retryAt: this.now() + retryInMs})};
			this.publish();
			return failure;
		}
		this.starts++;
		this.stderr = createStderrTail();
		this.run = {kind: 'running', app, restart};
		this.notify();
		if (this.outputPaused) app.setOutputPaused(true);
		void app.exited.then(() => this.notify());
		for (const participant of this.participants) participant.spawned?.(app, restart);
		this.deps.bus.emit({
			type: 'run/spawned',
			pid: app.pid,
			restart,
			command: input.command,
			spawnMs: this.now() - startedAt,
			...(app.warm ? {warm: app.warm} : {}),
			...(taken.firstChangeAt === undefined ? {} : {changeToSpawnMs: this.now() - taken.firstChangeAt}),
		});
		this.publish();
		return undefined;
	}
}
