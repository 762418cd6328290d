// The typed event stream. Everything devtui does is one of these, timestamped. Headless mode prints
// them, `--json` serialises them, and the dashboard's store folds them into a view model, so the
// core never needs to know who is listening.

/** What happened to a file, after a batch's events for it were folded into one. */
export const CHANGE_KINDS = ['added', 'changed', 'removed'] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ChangedFile {
	/** Path relative to the working directory, with forward slashes. */
	path: string;
	kind: ChangeKind;
}

export type SupervisorState = 'idle' | 'starting' | 'running' | 'stopping' | 'exited' | 'crashed';

export const STOP_REASONS = ['change', 'manual', 'quit', 'crash-restart'] as const;

export type StopReason = (typeof STOP_REASONS)[number];

export type ForceKillReason = 'timeout' | 'manual' | 'quit';

export type OutputStream = 'stdout' | 'stderr';

/**
 * How devtui knows an instance is ready: its client said `ready`; a line matched --ready-pattern;
 * --ready-port accepted a connection; or one of its processes was seen listening on a TCP port
 * (or accepting on the socket devtui holds for it with --listen) in /proc; or it sent READY=1 over
 * sd_notify ('notify').
 */
export type ReadySource = 'client' | 'pattern' | 'port' | 'listening' | 'notify';

export type StateProblem = 'missing' | 'stale' | 'truncated' | 'corrupt' | 'no-marker' | 'not-a-file' | 'too-large' | 'unreadable';

export type TimelineSource = 'devtui' | 'app';

export interface TimelinePhase {
	name: string;
	source: TimelineSource;
	/** Milliseconds from the start of the restart (the first change, or the request). */
	startMs: number;
	/** Undefined while the phase is still running. */
	durationMs: number | undefined;
	outcome: 'ok' | 'failed' | 'interrupted' | 'running';
	error?: string;
}

export interface RestartTimeline {
	/** The restart number of the instance this timeline starts (0: the first start). */
	restart: number;
	trigger: StopReason | 'start';
	files: ChangedFile[];
	startedAt: number;
	phases: TimelinePhase[];
	/** From the stop request until the old process group was gone. */
	stopMs?: number;
	forced: boolean;
	/** The app's phase that was running when the force kill came. */
	interruptedPhase?: string;
	/**
	 * From the start of the restart until the new instance was ready (or failed); for 'started',
	 * until it was spawned: devtui never claims a boot time it did not see.
	 */
	totalMs?: number;
	/** How the instance showed it was ready (outcome 'ready'). */
	readiness?: ReadySign;
	/**
	 * --warm: the instance was a parked interpreter handed "go" (its spawn phase is named 'go').
	 * `goToReadyMs`: from go to ready; `coldMs`: spawn to ready of the last cold start, for comparison;
	 * `preloaded`: the modules it had imported while parked (Python).
	 */
	warm?: {goToReadyMs?: number; coldMs?: number; preloaded?: number};
	/**
	 * 'check-failed': a pre-restart check failed, so no new instance was started. 'started': the new
	 * instance runs but gave no sign of readiness (app/readiness-unknown, or it was stopped or exited
	 * before any).
	 */
	outcome: 'ready' | 'started' | 'crashed' | 'spawn-failed' | 'stopped' | 'check-failed' | 'in-progress';
}

/** What showed an instance ready, as `app/ready` and the restart's timeline carry it. */
export interface ReadySign {
	source: ReadySource;
	/** 'listening' and 'port': the TCP port. */
	port?: number;
	/** 'listening': the local address the socket is bound to ("0.0.0.0", "::", "127.0.0.1"). */
	address?: string;
	/** 'listening': the socket is the one devtui holds for the app (--listen), and the app accepts on it. */
	held?: boolean;
}

/** A socket devtui holds for the app (`--listen`). */
export interface HeldSocket {
	/** The LISTEN_FDNAMES name: the --listen spec as written. */
	name: string;
	/** What it is bound to, e.g. "127.0.0.1:8000". */
	address: string;
	/** The descriptor number the app finds it at (3 for the first). */
	fd: number;
}

export interface CheckFailure {
	/** The check's name: "python compile" or the --check command. */
	check: string;
	exitCode: number | null;
	signal: string | null;
	/** Its output, stdout and stderr interleaved, the last lines only. */
	output: string[];
	/** Changed files its output names. */
	blamed: string[];
	/** The interpreter the check ran (the Python compile check: the app's own, e.g. /usr/bin/python3). */
	interpreter?: string;
	/** The app runs a reloader of its own that devtui could not turn off: it may have reloaded the broken code itself. */
	appReloadsItself?: string;
	/** That interpreter's version (`3.11.2`), when known (the warm checker says it). */
	interpreterVersion?: string;
}

/** Why devtui believes the app writes a watched file itself. */
export type FeedbackEvidence = 'open-for-writing' | 'restart-timing';

/**
 * A watched file set aside: its changes no longer restart the app, because the app writes it
 * itself. `pid` is the app process seen with it open for writing; `restarts` how many restarts
 * in a row it changed right after the start.
 */
export interface FeedbackLoop {
	file: string;
	evidence: FeedbackEvidence;
	pid?: number;
	restarts: number;
}

interface EventPayloads {
	/** The watcher has scanned its paths and is listening. */
	'watch/ready': {paths: string[]; durationMs: number; polling: boolean};
	/** A non-fatal watcher problem (an unreadable directory, a watch limit). */
	'watch/error': {message: string};
	/**
	 * A batch began to hold a change that counts (`open`), or that batch closed (after its
	 * `watch/changed`). Between the two a restart is coming that no other event announces yet:
	 * `devtui ctl wait-ready` waits for it. The app's own writes never open one.
	 */
	'watch/batch': {open: boolean};
	/** A batch of changes closed: the quiet time passed with no further change. `files` are the ones that count. */
	'watch/changed': {batch: number; files: ChangedFile[]; firstChangeAt: number};
	/** Files of a closed batch that are the app's own writes (see `watch/feedback-loop`): they restart nothing. */
	'watch/set-aside': {files: string[]};
	/** A watched file is the app's own write, so its changes restart nothing (see FeedbackLoop). */
	'watch/feedback-loop': FeedbackLoop;
	/** The supervisor moved to another state. */
	'supervisor/state': {state: SupervisorState; previous: SupervisorState};
	/** Automatic restarts were held (postponed) or released; `pending` are the changes waiting. */
	'supervisor/held': {held: boolean; pending: ChangedFile[]};
	/** Something went wrong that devtui survives (reported once, never a crash). */
	'supervisor/error': {message: string};
	/** The app's process was started. `restart` is 0 for the first start. */
	'run/spawned': {
		pid: number;
		restart: number;
		command: string[];
		spawnMs: number;
		changeToSpawnMs?: number;
		/** --warm: a parked interpreter got "go" (spawnMs is then the go); unset for a cold start. */
		warm?: {parkedMs: number; preloaded: number};
	};
	/** The app's command could not be started at all. */
	'run/spawn-failed': {restart: number; command: string[]; message: string};
	/** A stop began. */
	'run/stop-requested': {pid: number; reason: StopReason; files: ChangedFile[]};
	/** The stop signal went to the app's process group. */
	'run/signal-sent': {pid: number; signal: NodeJS.Signals; deadline: number; timeoutMs: number};
	/** The app did not stop in time (or the user asked): SIGKILL to the whole group. */
	'run/force-killed': {pid: number; reason: ForceKillReason; afterMs: number};
	/** The app's process group is gone. `stopMs` is set when devtui stopped it. */
	'run/exited': {
		pid: number;
		restart: number;
		code: number | null;
		signal: string | null;
		uptimeMs: number;
		byDevtui: boolean;
		stopMs?: number;
		forced: boolean;
		/** Whether a new instance follows this stop (false after `k` on a running app, or on quit). */
		restarting: boolean;
	};
	/** The app exited by itself with a failure. Follows `run/exited`. */
	'run/crashed': {
		pid: number;
		code: number | null;
		signal: string | null;
		uptimeMs: number;
		stderrTail: string[];
		/** Milliseconds until the automatic restart (`--restart-on-crash`), or undefined: waiting for a change. */
		restartInMs?: number;
	};
	/** Lines the app wrote, in order, one batch per chunk read. */
	'run/output': {pid: number; stream: OutputStream; lines: string[]};
	/** The app said hello on the control channel. */
	'app/hello': {pid: number; restart: number; client: string};
	/**
	 * The app is serving. `source` (and `port`, `address`, `held`) says how devtui knows; `bootMs` is
	 * from the spawn to the moment that sign was seen. `late`: app/readiness-unknown came first.
	 */
	'app/ready': {pid: number; restart: number; bootMs: number; late?: boolean} & ReadySign;
	/**
	 * No sign of readiness `afterMs` after the spawn (`waitedFor`: the signs devtui looked for). The
	 * instance counts as started, readiness unknown; a sign seen later still gives `app/ready`.
	 */
	'app/readiness-unknown': {pid: number; restart: number; afterMs: number; waitedFor: ReadySource[]};
	/** One of the app's own shutdown (or startup) phases began or ended. */
	'app/phase': {pid: number; name: string; event: 'start' | 'end'; ok?: boolean; error?: string};
	/**
	 * The app asked for more time before the force kill (the client's `extend`, or sd_notify's
	 * EXTEND_TIMEOUT_USEC); `grantedMs` is after the cap.
	 */
	'app/extend': {pid: number; requestedMs: number; grantedMs: number; deadline: number};
	/** The app's own status line, sd_notify's STATUS= (empty: cleared). `pid` is the instance's, whichever of its processes sent it. */
	'app/status': {pid: number; status: string};
	/** The app said it is shutting down (sd_notify's STOPPING=1); once per instance. */
	'app/stopping': {pid: number};
	/** The app reported that it saved its state. */
	'app/state-saved': {pid: number; path: string; bytes: number};
	/**
	 * Something unusable arrived on the control channel, or on the NOTIFY_SOCKET (`channel: 'notify'`);
	 * reported once per kind, then ignored.
	 */
	'channel/problem': {message: string; channel?: 'notify'};
	/** The state file written during the last stop is valid and was snapshotted. */
	'state/validated': {bytes: number; keys: string[]; changedKeys: string[]; snapshot: string; durationMs: number};
	/** The state file is missing, stale, truncated or corrupt. */
	'state/invalid': {reason: StateProblem; message: string};
	/** A snapshot was put back as the state file before the next start. */
	'state/restored': {snapshot: string; reason: string};
	/** devtui bound the --listen sockets; every instance gets them from fd 3 on. */
	'socket/listening': {sockets: HeldSocket[]};
	/**
	 * The app serves on the sockets it was handed: its client said so (`via: 'client'`, the
	 * `listening` message), or an app process with the socket open was seen accepting on it
	 * (`via: 'accepting'`, from /proc: an epoll set or a blocked accept/poll/select). `pid` is the
	 * instance's (run/spawned's), even when a process below it took the sockets.
	 */
	'socket/taken': {pid: number; names: string[]; restart?: number; via: 'client' | 'accepting'};
	/** Connections waiting in the held sockets' backlog (sampled while they are not 0, and when they drain). */
	'socket/waiting': {
		waiting: number;
		/** On a drain (waiting 0): the most that waited at once, and how long the queue was not empty. */
		peak?: number;
		waitedMs?: number;
	};
	/**
	 * The app did not take the held socket: connections waited at a ready instance ('waiting'), or
	 * it died binding the held port itself ('bind-conflict', EADDRINUSE in its last output).
	 * `resetting`: devtui now resets connections on the held sockets, until a stop or a new instance
	 * begins or this one takes them, so that clients fail at once instead of waiting for nothing.
	 */
	'socket/not-taken': {pid: number; reason: 'waiting' | 'bind-conflict'; waiting?: number; waitedMs?: number; resetting?: boolean};
	/** Pre-restart checks began on these files (every change since the running app started). */
	'check/started': {
		checks: string[];
		files: ChangedFile[];
		/** When the earliest of these changes happened: where the restart's timeline begins. */
		firstChangeAt?: number;
	};
	/** Every check passed: the restart goes on. */
	'check/passed': {durationMs: number};
	/** A check failed: the running app keeps serving until a change passes (or `r`). */
	'check/failed': {
		durationMs: number;
		failure: CheckFailure;
		files: ChangedFile[];
		/** True when the app was already down (it crashed, or an early stop took it down): it stays down. */
		appStopped?: boolean;
	};
	/** A newer change (or `r`, or quitting) replaced a running check. */
	'check/cancelled': {reason: string};
	/** A restart finished (the new instance is ready, or it failed): its whole timeline. */
	'restart/completed': {timeline: RestartTimeline};
	/** devtui is quitting; `force` after a second Ctrl-C. */
	'devtui/quitting': {force: boolean; reason: string};
	/**
	 * --warm is on for this command: each next instance is a node or python interpreter started
	 * ahead of time (`preload`: Python imports the app's third-party modules while it waits).
	 */
	'warm/mode': {interpreter: 'node' | 'python'; preload: boolean};
	/** Something the developer should know once, in one line (e.g. the app runs a reloader of its own). */
	'devtui/notice': {message: string};
}

export type SupervisorEventType = keyof EventPayloads;

export type SupervisorEventOf<T extends SupervisorEventType> = {type: T; at: number} & EventPayloads[T];

export type SupervisorEvent = {[T in SupervisorEventType]: SupervisorEventOf<T>}[SupervisorEventType];

/** Distributes over the union so each variant keeps its own payload. */
export type EventInput = SupervisorEvent extends infer E ? (E extends SupervisorEvent ? Omit<E, 'at'> : never) : never;
