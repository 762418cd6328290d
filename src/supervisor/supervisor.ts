// The supervisor: one owner of the app's process, driven by commands.
//
// Theory of operation. Commands (a batch of changes, a manual restart, a force kill, quit) never
// touch the process themselves: they record what is wanted and wake the owner loop. The loop looks
// at what is wanted and what is running and takes one step at a time: stop the current app, spawn
// the next one, clean up after a crash, or sleep until woken. Because only the loop acts, there
// can never be two instances, and a change that arrives while stopping or starting is simply still
// wanted when the step ends, so it joins the next restart instead of starting a second one.
//
// Stopping begins on the FIRST change of a batch while the batch is still collecting (the old app
// shuts down in parallel with the debounce), but the next app is spawned only after the batch has
// closed, so it always sees the final content of every file.

import {nextBackoff} from './crash-backoff.js';
import type {EventBus} from './event-bus.js';
import type {ChangedFile, StopReason, SupervisorState} from './events.js';
import {SpawnError, type AppProcess} from './spawn-app.js';
import {startInstance} from './start-instance.js';
import {StopControl, stopProcess} from './stop-process.js';
import {findStrays, isGone} from './wait-for-gone.js';
import type {Watchdog} from './watchdog.js';
import type {DevtuiOptions} from '../options.js';
import {mergeFiles} from './merge-files.js';

const STDERR_TAIL_LINES = 20;

/** How far past the configured deadline the app's `extend` requests may push it, in total. */
export const DEFAULT_MAX_EXTEND_MS = 60_000;

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
	/** Cap on the total extension the app may ask for. @default DEFAULT_MAX_EXTEND_MS */
	maxExtendMs?: number;
};

export interface SupervisorHooks {
	bus: EventBus;
	watchdog?: Watchdog;
	now?: () => number;
	/** Extra environment for each start (the control channel adds its socket here). */
	extraEnv?: (restart: number) => Record<string, string>;
	/** Descriptors every instance inherits as 3, 4, ... (the --listen sockets; see src/listen/). */
	listenFds?: readonly number[];
	/** Runs right before the stop signal is sent. */
	beforeStop?: (info: {pid: number; reason: StopReason; files: ChangedFile[]; deadline: number; timeoutMs: number}) => void;
	/** Runs once the old process group is gone, before `run/exited` (the app's last messages drain here). */
	afterExit?: () => Promise<void>;
	/** Runs after the old app is gone and before the next one starts (state validation goes here). */
	betweenRuns?: (info: {stopStartedAt: number; restart: number}) => Promise<void>;
	/** Runs first thing in `restart()` (the pre-restart checks cancel and hand over their changes here). */
	beforeManualRestart?: () => void;
}

interface Wanted {
	reason: StopReason;
	files: ChangedFile[];
	firstChangeAt: number | undefined;
}

export class Supervisor {
	private stateValue: SupervisorState = 'idle';
	private current: AppProcess | undefined;
	private stopControl: StopControl | undefined;
	private runs = 0;
	private wanted: Wanted | undefined;
	private batchOpen = false;
	private stoppedEarly = false;
	private quitWanted = false;
	private forceQuit = false;
	private outputPaused = false;
	/** Changes waiting while restarts are held; undefined when not held. */
	private heldFiles: ChangedFile[] | undefined;
	/** The pending stop is a kill that must not be followed by a start (the `k` key while running). */
	private killOnly = false;
	private crashes = 0;
	private crashTimer: NodeJS.Timeout | undefined;
	private stderrTail: string[] = [];
	private wake: (() => void) | undefined;
	private loop: Promise<void> | undefined;
	private readonly now: () => number;

	constructor(
		private readonly options: SupervisorOptions,
		private readonly hooks: SupervisorHooks,
	) {
		this.now = hooks.now ?? Date.now;
	}

	get state(): SupervisorState {
		return this.stateValue;
	}

	get pid(): number | undefined {
		return this.current?.pid;
	}

	/** Starts the app for the first time. Rejects with a SpawnError if the command cannot start at all. */
	async start(): Promise<void> {
		if (this.loop) return;
		const failure = await this.spawnNext({reason: 'change', files: [], firstChangeAt: undefined});
		if (failure) throw failure;
		this.loop = this.run();
	}

	/** The first change of a new batch: begin stopping now, spawn once the batch closes. */
	changeStarted(): void {
		// While held, a change must not even begin a stop: the running app keeps serving.
		if (this.heldFiles) return;
		this.batchOpen = true;
		this.notify();
	}

	/** A batch of changes closed. An empty batch only restarts an app that was already stopped for it. */
	changesReady(files: ChangedFile[], firstChangeAt?: number): void {
		if (this.heldFiles && !this.stoppedEarly) {
			this.heldFiles = mergeFiles(this.heldFiles, files);
			this.hooks.bus.emit({type: 'supervisor/held', held: true, pending: this.heldFiles});
			return;
		}
		// Held while this batch was already stopping the app (a feedback loop was just detected):
		// bring the app back once, then hold from here on.
		this.batchOpen = false;
		if (files.length > 0 || this.stoppedEarly) this.want('change', files, firstChangeAt);
		this.stoppedEarly = false;
		this.notify();
	}

	/**
	 * A batch that began an early stop will not restart after all (a pre-restart check failed): the
	 * app stays stopped until the next batch or `r`, instead of the loop waiting for the batch for ever.
	 */
	changeWithdrawn(): void {
		this.batchOpen = false;
		this.stoppedEarly = false;
		this.notify();
	}

	/** Restart now, whatever the state, held changes included (the `r` key). */
	restart(): void {
		this.hooks.beforeManualRestart?.();
		// A restart asked for while a kill (`k`) is still stopping the app turns that kill into a restart.
		this.killOnly = false;
		const pending = this.heldFiles ?? [];
		if (this.heldFiles) {
			this.heldFiles = [];
			this.hooks.bus.emit({type: 'supervisor/held', held: true, pending: []});
		}
		this.want('manual', pending, undefined);
		this.notify();
	}

	/**
	 * Flow control for a slow reader of the app's output (headless mode writing into a pipe): while
	 * paused, devtui stops reading the app's output, so the app waits instead of devtui's memory growing.
	 */
	setOutputPaused(paused: boolean): void {
		this.outputPaused = paused;
		if (!this.stopControl) this.current?.setOutputPaused(paused);
	}

	get held(): boolean {
		return this.heldFiles !== undefined;
	}

	/**
	 * Postpone (the `p` key): while held, changes pile up and restart nothing. Releasing with changes
	 * pending causes exactly one restart with all of them.
	 */
	hold(held: boolean): void {
		if (held === this.held) return;
		if (held) {
			this.heldFiles = [];
			this.hooks.bus.emit({type: 'supervisor/held', held: true, pending: []});
			return;
		}
		const pending = this.heldFiles ?? [];
		this.heldFiles = undefined;
		this.hooks.bus.emit({type: 'supervisor/held', held: false, pending});
		if (pending.length > 0) this.want('change', pending, undefined);
		this.notify();
	}

	/** SIGKILL the app's group now (the `k` key); during a stop this ends the wait early. */
	forceKill(): void {
		if (this.stopControl) {
			this.stopControl.force('manual');
			return;
		}
		if (this.current && !this.current.exit) {
			this.stopControl = new StopControl();
			this.stopControl.force('manual');
			this.want('manual', [], undefined, false);
			this.notify();
		}
	}

	/**
	 * The app asks for more time before the force kill (its `extend`). Each request moves the deadline
	 * to at most `requestedMs` from now, and never past the original deadline plus `maxExtendMs`, so an
	 * app that keeps asking still cannot hang a restart for ever. Returns the grant, or undefined when
	 * no stop is in progress.
	 */
	extendStop(requestedMs: number): {grantedMs: number; deadline: number} | undefined {
		const control = this.stopControl;
		if (!control || control.deadline === 0 || control.forceReason) return undefined;
		control.firstDeadline ||= control.deadline;
		const cap = control.firstDeadline + (this.options.maxExtendMs ?? DEFAULT_MAX_EXTEND_MS);
		const wanted = this.now() + Math.max(0, requestedMs);
		const deadline = Math.max(control.deadline, Math.min(wanted, cap));
		const grantedMs = deadline - control.deadline;
		control.moveDeadline(deadline);
		return {grantedMs, deadline};
	}

	get deadline(): number | undefined {
		return this.stopControl?.deadline;
	}

	/** Stops the app and ends the loop; `force` skips the grace period. Safe to call twice. */
	async quit({force = false}: {force?: boolean} = {}): Promise<void> {
		this.quitWanted = true;
		if (force) {
			this.forceQuit = true;
			this.stopControl?.force('quit');
		}
		clearTimeout(this.crashTimer);
		this.notify();
		if (!this.loop) this.loop = this.run();
		await this.loop;
	}

	private want(reason: StopReason, files: ChangedFile[], firstChangeAt: number | undefined, respawn = true): void {
		const previous = this.wanted;
		this.wanted = {
			reason: previous?.reason === 'manual' ? 'manual' : reason,
			files: mergeFiles(previous?.files ?? [], files),
			firstChangeAt: previous?.firstChangeAt ?? firstChangeAt,
		};
		if (!respawn) this.killOnly = true;
	}

	private notify(): void {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	private sleep(): Promise<void> {
		return new Promise(resolve => {
			this.wake = resolve;
		});
	}

	private setState(state: SupervisorState): void {
		if (state === this.stateValue) return;
		const previous = this.stateValue;
		this.stateValue = state;
		this.hooks.bus.emit({type: 'supervisor/state', state, previous});
	}

	private async run(): Promise<void> {
		for (;;) {
			const app = this.current;
			if (this.quitWanted) {
				if (app) await this.stopCurrent('quit', []);
				clearTimeout(this.crashTimer);
				return;
			}
			if (app?.exit && !this.stopControl) {
				await this.reapSelfExit(app);
				continue;
			}
			if (app && (this.wanted || this.batchOpen)) {
				if (!this.wanted) this.stoppedEarly = true;
				await this.stopCurrent(this.wanted?.reason ?? 'change', this.wanted?.files ?? []);
				if (this.killOnly) {
					this.killOnly = false;
					this.wanted = undefined;
				}
				continue;
			}
			if (!app && this.wanted && !this.batchOpen) {
				const wanted = this.wanted;
				this.wanted = undefined;
				await this.spawnNext(wanted);
				continue;
			}
			await this.sleep();
		}
	}

	private async stopCurrent(reason: StopReason, files: ChangedFile[]): Promise<void> {
		const app = this.current!;
		const control = (this.stopControl ??= new StopControl());
		if (reason === 'quit' && this.forceQuit) control.force('quit');
		// An app blocked writing into a full pipe could not run its shutdown: let its output flow while it stops.
		app.setOutputPaused(false);
		const stopStartedAt = this.now();
		this.setState('stopping');
		this.hooks.bus.emit({type: 'run/stop-requested', pid: app.pid, reason, files});
		const result = await stopProcess({
			app,
			signal: this.options.signal,
			timeoutMs: this.options.timeoutMs,
			control,
			emit: event => this.hooks.bus.emit(event),
			beforeSignal: deadline =>
				this.hooks.beforeStop?.({pid: app.pid, reason, files, deadline, timeoutMs: this.options.timeoutMs}),
			now: this.now,
		});
		this.hooks.watchdog?.track(undefined);
		await this.hooks.afterExit?.();
		this.stopControl = undefined;
		this.current = undefined;
		this.hooks.bus.emit({
			type: 'run/exited',
			pid: app.pid,
			restart: this.runs - 1,
			code: app.exit?.code ?? null,
			signal: app.exit?.signal ?? null,
			uptimeMs: stopStartedAt - app.startedAt,
			byDevtui: true,
			stopMs: result.stopMs,
			forced: result.forced,
			restarting: !this.killOnly && !this.quitWanted,
		});
		this.setState('exited');
		await this.hooks.betweenRuns?.({stopStartedAt, restart: this.runs});
	}

	// The app exited by itself: make sure nothing of its group lingers (an orphaned grandchild
	// holding the port is the classic cause of EADDRINUSE after a restart), then report.
	private async reapSelfExit(app: AppProcess): Promise<void> {
		const exit = app.exit!;
		const uptimeMs = this.now() - app.startedAt;
		const control = (this.stopControl = new StopControl());
		if (findStrays(app).length > 0 || !isGone(app, [])) {
			await stopProcess({
				app,
				signal: this.options.signal,
				timeoutMs: this.options.timeoutMs,
				control,
				emit: event => this.hooks.bus.emit(event),
				now: this.now,
			});
		}
		this.stopControl = undefined;
		await app.outputDone;
		this.hooks.watchdog?.track(undefined);
		await this.hooks.afterExit?.();
		this.current = undefined;
		this.hooks.bus.emit({
			type: 'run/exited',
			pid: app.pid,
			restart: this.runs - 1,
			code: exit.code,
			signal: exit.signal,
			uptimeMs,
			byDevtui: false,
			forced: false,
			restarting: false,
		});
		if (exit.code === 0) {
			this.crashes = 0;
			this.setState('exited');
			return;
		}
		const restartInMs = this.scheduleCrashRestart(uptimeMs);
		this.hooks.bus.emit({
			type: 'run/crashed',
			pid: app.pid,
			code: exit.code,
			signal: exit.signal,
			uptimeMs,
			stderrTail: this.stderrTail.slice(-10),
			...(restartInMs === undefined ? {} : {restartInMs}),
		});
		this.setState('crashed');
	}

	// Returns the error when the command could not be started at all.
	private async spawnNext(wanted: Wanted): Promise<SpawnError | undefined> {
		clearTimeout(this.crashTimer);
		const restart = this.runs;
		this.setState('starting');
		this.stderrTail = [];
		const started = await startInstance(
			{
				...this.options,
				env: this.options.env ?? process.env,
				color: this.options.color ?? false,
				extraEnv: this.hooks.extraEnv?.(restart),
				listenFds: this.hooks.listenFds,
			},
			restart,
			(stream, lines, pid) => {
				if (stream === 'stderr' && pid === this.current?.pid) {
					this.stderrTail.push(...lines.slice(-STDERR_TAIL_LINES));
					if (this.stderrTail.length > STDERR_TAIL_LINES * 2) this.stderrTail.splice(0, this.stderrTail.length - STDERR_TAIL_LINES);
				}
				this.hooks.bus.emit({type: 'run/output', pid, stream, lines});
			},
			this.now,
		);
		if (!started.ok) {
			this.hooks.bus.emit({type: 'run/spawn-failed', restart, command: started.command, message: started.error.message});
			this.setState('crashed');
			if (restart > 0) this.scheduleCrashRestart(0);
			return started.error;
		}
		const {app} = started;
		this.runs++;
		this.current = app;
		if (this.outputPaused) app.setOutputPaused(true);
		void app.exited.then(() => this.notify());
		this.hooks.watchdog?.track(app.pgid, app.marker);
		this.hooks.bus.emit({
			type: 'run/spawned',
			pid: app.pid,
			restart,
			command: started.command,
			spawnMs: started.spawnMs,
			...(wanted.firstChangeAt === undefined ? {} : {changeToSpawnMs: this.now() - wanted.firstChangeAt}),
		});
		this.setState('running');
		return undefined;
	}

	// With --restart-on-crash, arms the backoff timer and returns its delay.
	private scheduleCrashRestart(uptimeMs: number): number | undefined {
		if (!this.options.restartOnCrash) return undefined;
		const backoff = nextBackoff(this.crashes, uptimeMs);
		this.crashes = backoff.crashes;
		clearTimeout(this.crashTimer);
		this.crashTimer = setTimeout(() => {
			this.want('crash-restart', [], undefined);
			this.notify();
		}, backoff.delayMs);
		return backoff.delayMs;
	}
}
