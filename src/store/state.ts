// The dashboard's view model: everything the screen shows, folded from the event stream and the
// user's keys. Plain data only (no functions, no Maps), so a state can be built in a test from a
// sequence of events and compared, and every component can be rendered from one value.

import type {StatePreview} from '../state/state-preview-types.js';
import type {
	ChangedFile,
	CheckFailure,
	FeedbackEvidence,
	ForceKillReason,
	HeldSocket,
	OutputStream,
	RestartTimeline,
	StateProblem,
	SupervisorState,
} from '../supervisor/events.js';
import {initialTimelineState, type TimelineState} from '../timeline/restart-timeline.js';
import type {LogLevel, LogTrace} from './log-level.js';

/** 'services' exists only in a stack of several services (stack-state.ts). */
export type PaneId = 'services' | 'changes' | 'timeline' | 'logs' | 'inspector';

/** Focus order for tab / shift+tab. */
export const PANES: readonly PaneId[] = ['changes', 'timeline', 'logs', 'inspector'];

/** 'started': the instance runs and nothing tells when it serves (readiness unknown). */
export type AppStatus = 'starting' | 'running' | 'started' | 'ready' | 'stopping' | 'crashed' | 'held' | 'exited';

export interface LogEntry {
	/** Increasing; the scroll anchor refers to it. */
	id: number;
	/** `devtui` marks devtui's own lines (a restart, a crash) between the app's. */
	stream: OutputStream | 'devtui';
	/** The line as the app wrote it (ANSI colours kept), tabs expanded, cut to a bounded length. */
	text: string;
	/** Lower-case text without ANSI codes, for the filter. */
	search: string;
	/** The level a stderr line states (log-level.ts); absent when it states none. */
	level?: LogLevel;
	/** The service that wrote it, in a stack's merged log; absent for a single app. */
	service?: string;
}

export interface LogState {
	entries: readonly LogEntry[];
	nextId: number;
	/** Lines dropped from the front since the start (the buffer is bounded). */
	dropped: number;
	/** What the last stderr line left open: its traceback or stack, which indented lines continue. */
	trace?: LogTrace;
}

export interface StopInfo {
	pid: number;
	signal: string;
	signalAt: number;
	/** When the force kill comes; app/extend moves it. */
	deadline: number;
	timeoutMs: number;
	forced?: {reason: ForceKillReason; at: number};
}

export interface CrashInfo {
	pid: number;
	code: number | null;
	signal: string | null;
	uptimeMs: number;
	stderrTail: string[];
	at: number;
	/** When the automatic restart comes (--restart-on-crash), or undefined: waiting for a change. */
	restartAt?: number;
}

export interface HistoryEntry {
	restart: number;
	at: number;
	trigger: RestartTimeline['trigger'];
	stopMs?: number;
	/** From the spawn to ready (or failure). */
	startMs?: number;
	totalMs?: number;
	/** Nothing told when the instance served: no start time is claimed. */
	readinessUnknown?: true;
	forced: boolean;
	interruptedPhase?: string;
	outcome: RestartTimeline['outcome'];
}

export interface PersistedState {
	bytes?: number;
	keys: string[];
	changedKeys: string[];
	snapshot?: string;
	validatedAt?: number;
	invalid?: {reason: StateProblem; message: string; at: number};
	restored?: {snapshot: string; reason: string; at: number};
}

export interface PreviewState {
	status: 'none' | 'loading' | 'ready' | 'error';
	preview?: StatePreview;
	message?: string;
}

/** One entry of the snapshot browser (the fields of the state keeper's SnapshotInfo it shows). */
export interface SnapshotItem {
	file: string;
	path: string;
	restart: number;
	bytes: number;
	changedKeys: string[];
	savedAt: number;
	valid: boolean;
}

export interface SnapshotList {
	status: 'idle' | 'loading' | 'ready' | 'error';
	items: SnapshotItem[];
	message?: string;
}

/** The sockets devtui holds for the app (`--listen`); absent when none are. */
export interface SocketState {
	held: HeldSocket[];
	/** The instance that said it serves on them (cleared on every spawn), and which ones. */
	takenBy?: {pid: number; names: string[]; at: number};
	/** The instance that devtui found not serving on them (cleared on every spawn). */
	notTakenBy?: {pid: number; reason: 'waiting' | 'bind-conflict'};
	/** Connections waiting in the backlog, as last sampled. */
	waiting: number;
	/** Most connections seen waiting while the current restart was under way (0: none). */
	peakWaiting: number;
}

/** The pre-restart checks of the latest change; absent before the first. */
export type CheckState =
	| {status: 'running'; checks: string[]; files: ChangedFile[]; startedAt: number}
	| {status: 'passed'; checks: string[]; files: ChangedFile[]; startedAt: number; durationMs: number}
	| {status: 'failed'; checks: string[]; files: ChangedFile[]; startedAt: number; durationMs: number; failure: CheckFailure; at: number; appStopped: boolean}
	| {status: 'cancelled'; checks: string[]; files: ChangedFile[]; startedAt: number; reason: string};

/** A watched file whose changes no longer restart the app, because the app writes it itself. */
export interface SetAsideFile {
	file: string;
	evidence: FeedbackEvidence;
	/** The app process seen with it open for writing. */
	pid?: number;
	/** Restarts in a row after which it changed (the timing evidence). */
	restarts: number;
	at: number;
}

/**
 * Where the log view is: following the newest line, or with the entry `anchorId` at the bottom,
 * `below` of its display rows (a long line wraps over several) hidden under the view.
 */
export interface LogView {
	follow: boolean;
	anchorId?: number;
	below?: number;
}

export interface UiState {
	focus: PaneId;
	/** Which of logs and inspector a narrow screen shows (the last one focused). */
	bottom: 'logs' | 'inspector';
	help: boolean;
	filter: {editing: boolean; draft: string; applied: string};
	log: LogView;
	/** App lines wrap (the default) or take one row each, cut at the edge; devtui's own lines always wrap. */
	wrap: boolean;
	changesTop: number;
	historyTop: number;
	tree: {expanded: Readonly<Record<string, true>>; cursor: number};
	browser: {open: boolean; cursor: number};
}

export interface DashboardState {
	/** The latest time known from events and ticks; the reducer never reads a clock. */
	now: number;
	command: string[];
	cwd: string;
	watchPaths: string[];
	polling: boolean;
	/** --warm is on: the next instance waits, started ahead of time (shown in the header). */
	warm?: {interpreter: 'node' | 'python'; preload: boolean};
	/** The watcher has scanned its paths: edits from now on count. */
	watchReady: boolean;
	supervisor: SupervisorState;
	pid?: number;
	startedAt?: number;
	/** The pid that reported ready (equal to `pid` once the current instance is ready). */
	readyPid?: number;
	/** The instance whose readiness devtui cannot know (no client, port or pattern tells it). */
	readinessUnknown?: {pid: number; restart: number};
	/** The app's own status line (sd_notify STATUS=), from the instance that sent it. */
	statusLine?: {pid: number; text: string};
	/** Files set aside as the app's own writes, newest first. */
	setAside: SetAsideFile[];
	/** The restart number of the current (or last) instance: 0 for the first start. */
	restart: number;
	held: boolean;
	pending: ChangedFile[];
	/** The last batch of changes the watcher closed. */
	batch?: {files: ChangedFile[]; at: number};
	stop?: StopInfo;
	crash?: CrashInfo;
	spawnFailure?: {message: string; at: number};
	/** The restart in progress (foldTimeline's `current`). */
	timeline: TimelineState;
	last?: RestartTimeline;
	/** Completed restarts, newest first, bounded. */
	history: HistoryEntry[];
	logs: LogState;
	persisted: PersistedState;
	preview: PreviewState;
	snapshots: SnapshotList;
	sockets?: SocketState;
	check?: CheckState;
	/** Snapshot file chosen in the browser, to be loaded on the next start. */
	chosenSnapshot?: string;
	notice?: {level: 'warn' | 'error'; text: string; at: number};
	quitting?: {force: boolean};
	ui: UiState;
}

export const LOG_CAP = 5000;
export const HISTORY_CAP = 20;

export interface InitialStateInput {
	command: string[];
	cwd: string;
	watch: string[];
	now: number;
}

export const createInitialState = ({command, cwd, watch, now}: InitialStateInput): DashboardState => ({
	now,
	command,
	cwd,
	watchPaths: watch,
	polling: false,
	watchReady: false,
	supervisor: 'idle',
	restart: 0,
	held: false,
	pending: [],
	setAside: [],
	timeline: initialTimelineState,
	history: [],
	logs: {entries: [], nextId: 1, dropped: 0},
	persisted: {keys: [], changedKeys: []},
	preview: {status: 'none'},
	snapshots: {status: 'idle', items: []},
	ui: {
		focus: 'logs',
		bottom: 'logs',
		help: false,
		filter: {editing: false, draft: '', applied: ''},
		log: {follow: true},
		wrap: true,
		changesTop: 0,
		historyTop: 0,
		tree: {expanded: {}, cursor: 0},
		browser: {open: false, cursor: 0},
	},
});
