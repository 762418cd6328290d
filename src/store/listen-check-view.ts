// What the dashboard shows of the socket handoff (`--listen`) and of the pre-restart checks.
// Pure functions of the state (time included: `state.now`); undefined when there is nothing to
// show, so a dashboard without these features looks exactly as before.

import type {ChangedFile, CheckFailure} from '../supervisor/events.js';
import {wrapLine} from './log-wrap.js';
import {appStatus, visibleChanges} from './selectors.js';
import type {DashboardState} from './state.js';

export interface SocketView {
	addresses: string[];
	/** The instance running now, if any. */
	pid?: number;
	/** How many of the held sockets that instance said it serves on. */
	taken: number;
	total: number;
	waiting: number;
	peakWaiting: number;
	/** devtui found the running instance not serving on the sockets (it bound its own port, or never took them). */
	notTaken: boolean;
}

export const socketView = (state: DashboardState): SocketView | undefined => {
	const {sockets} = state;
	if (!sockets || sockets.held.length === 0) return undefined;
	const {takenBy} = sockets;
	// `pid` stays after an exit (the last instance); only a live one can be serving on the sockets.
	const pid = state.supervisor === 'running' || state.supervisor === 'stopping' ? state.pid : undefined;
	const current = takenBy !== undefined && pid !== undefined && takenBy.pid === pid;
	// A helper that names no socket serves on all it was handed.
	const taken = !current ? 0 : takenBy.names.length === 0 ? sockets.held.length : sockets.held.filter(socket => takenBy.names.includes(socket.name)).length;
	return {
		addresses: sockets.held.map(socket => socket.address),
		...(pid === undefined ? {} : {pid}),
		taken,
		total: sockets.held.length,
		waiting: sockets.waiting,
		peakWaiting: sockets.peakWaiting,
		notTaken: !current && pid !== undefined && sockets.notTakenBy?.pid === pid,
	};
};

export type CheckView =
	| {status: 'running'; checks: string[]; files: ChangedFile[]; elapsedMs: number}
	| {
			status: 'failed';
			files: ChangedFile[];
			durationMs: number;
			failure: CheckFailure;
			at: number;
			/** The app from before the change still runs (what the failure panel tells the user). */
			serving: boolean;
	  };

/**
 * The check to show: one running, or the last one that failed until a restart replaces it (while
 * a restart requested with `r` stops the old app, its countdown shows instead).
 */
export const checkView = (state: DashboardState): CheckView | undefined => {
	const {check} = state;
	if (check?.status === 'running') {
		return {status: 'running', checks: check.checks, files: check.files, elapsedMs: Math.max(0, state.now - check.startedAt)};
	}
	if (check?.status !== 'failed') return undefined;
	if (state.stop !== undefined || state.supervisor === 'stopping' || state.supervisor === 'starting' || state.quitting) return undefined;
	const status = appStatus(state);
	return {
		status: 'failed',
		files: check.files,
		durationMs: check.durationMs,
		failure: check.failure,
		at: check.at,
		serving: !check.appStopped && (status === 'ready' || status === 'running' || status === 'held'),
	};
};

/** The check and, for the Python check, the interpreter it compiled with ("python compile · /usr/bin/python3"). */
export const checkName = ({check, interpreter}: Pick<CheckFailure, 'check' | 'interpreter'>): string => (interpreter ? `${check} · ${interpreter}` : check);

/** The check the changes pane shows instead of the last restart's files (held changes come first). */
export const paneCheck = (state: DashboardState): CheckView | undefined => (state.held ? undefined : checkView(state));

/** The files the changes pane lists, for scrolling it. */
export const paneFiles = (state: DashboardState): ChangedFile[] => paneCheck(state)?.files ?? visibleChanges(state).files;

/** The changed files with the ones the check blamed first (a short pane shows those). */
export const blamedFirst = (files: ChangedFile[], blamed: readonly string[]): ChangedFile[] => [
	...files.filter(file => blamed.includes(file.path)),
	...files.filter(file => !blamed.includes(file.path)),
];

export interface Span {
	text: string;
	/** One of the blamed files. */
	hit: boolean;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// As the blame itself reads names: not inside a longer name (`ba.py`, `a.pyc`, `a.py.bak`).
const namePattern = (names: readonly string[]): RegExp | undefined => {
	const alternatives = names
		.filter(Boolean)
		.sort((a, b) => b.length - a.length)
		.map(escape);
	return alternatives.length === 0 ? undefined : new RegExp(String.raw`(?<![\w.@+-])(?:${alternatives.join('|')})(?![\w-]|\.\w)`, 'g');
};

/** Splits a line of the check's output around the blamed files it names (the longest name wins). */
export const highlightBlamed = (line: string, blamed: readonly string[]): Span[] => {
	const pattern = namePattern(blamed);
	const spans: Span[] = [];
	let from = 0;
	for (const match of pattern ? line.matchAll(pattern) : []) {
		if (match.index > from) spans.push({text: line.slice(from, match.index), hit: false});
		spans.push({text: match[0], hit: true});
		from = match.index + match[0].length;
	}
	if (from < line.length) spans.push({text: line.slice(from), hit: false});
	return spans;
};

/**
 * The rows of the check's output a panel `width` columns wide and `rows` tall shows: the last
 * lines, blank ones left out; wrapped at words when all of them fit that way (a wide, tall panel
 * shows whole error messages), else one row each, cut at the edge by the view.
 */
export const outputRows = (output: readonly string[], width: number, rows: number): string[] => {
	const lines = output.filter(line => line.trim() !== '');
	const wrapped = lines.flatMap(line => wrapLine(line, Math.max(1, width)));
	if (wrapped.length <= rows) return wrapped;
	return rows > 0 ? lines.slice(-rows) : [];
};
