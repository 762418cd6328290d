// The bounded log buffer: appending a batch copies at most LOG_CAP entries, whatever the batch's
// size, so memory and work stay flat under a flood. Lines are cleaned once here (tabs expanded,
// carriage returns and stray control characters dropped, length cut) so rendering can trust them.

import {classifyStderr, type LogTrace} from './log-level.js';
import {LOG_CAP, type LogEntry, type LogState} from './state.js';

/** Longer lines are cut: one runaway line (a minified bundle, a base64 blob) must not cost a frame. */
export const MAX_LINE_LENGTH = 2000;

// SGR colour codes (kept in the text, dropped from the search text) and other C0 controls (dropped).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[\d;:]*[A-Za-z]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001A\u001C-\u001F\u007F]/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, '');

export const cleanLine = (line: string): string => {
	const cut = line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line;
	return cut.replace(/\t/g, '    ').replace(CONTROL, '');
};

const PINO_LEVELS: Record<string, string> = {'10': 'trace', '20': 'debug', '30': 'info', '40': 'warn', '50': 'error', '60': 'fatal'};

// Most lines carry no escape code: the replace is skipped for them.
const plainOf = (text: string): string => (text.includes('\u001B') ? stripAnsi(text) : text);

const withPinoLevel = (lower: string): string => {
	if (!lower.startsWith('{')) return lower;
	const level = /"level":\s*(\d+)/.exec(lower)?.[1];
	const label = level === undefined ? undefined : PINO_LEVELS[level];
	return label === undefined ? lower : `${lower} ${label}`;
};

/** What the filter matches: the visible text, plus the level's name for pino's JSON lines. */
export const searchText = (text: string): string => withPinoLevel(plainOf(text).toLowerCase());

export const appendLines = (
	logs: LogState,
	stream: LogEntry['stream'],
	lines: readonly string[],
	cap: number = LOG_CAP,
): LogState => {
	if (lines.length === 0) return logs;
	// Lines that would be dropped at once are never built.
	const skipped = Math.max(0, lines.length - cap);
	const added: LogEntry[] = [];
	let id = logs.nextId + skipped;
	let trace: LogTrace | undefined = logs.trace;
	for (let index = skipped; index < lines.length; index++) {
		const text = cleanLine(lines[index]!);
		const plain = plainOf(text);
		const lower = plain.toLowerCase();
		const search = withPinoLevel(lower);
		// Every entry has the same fields (level undefined but present): one shape for V8, however mixed the output.
		if (stream !== 'stderr') {
			added.push({id: id++, stream, text, search, level: undefined});
			continue;
		}
		const classified = classifyStderr(plain, lower, search, trace);
		trace = classified.trace;
		added.push({id: id++, stream, text, search, level: classified.level});
	}
	const keep = Math.max(0, cap - added.length);
	const kept = logs.entries.length > keep ? logs.entries.slice(logs.entries.length - keep) : logs.entries;
	const next: LogState = {
		entries: kept.length === 0 ? added : [...kept, ...added],
		nextId: id,
		dropped: logs.dropped + skipped + (logs.entries.length - kept.length),
	};
	return trace === undefined ? next : {...next, trace};
};

/** Lines of one source (a stack's service), as its own log built them. */
export interface SourceLines {
	service: string;
	entries: readonly LogEntry[];
	/** Lines the source's own bounded log dropped before these (a burst longer than its cap). */
	dropped?: number;
}

/**
 * Appends lines built elsewhere (a stack's services' lines, each tagged with its service) to a
 * bounded log in one copy, renumbering them from the log's own ids so ids keep increasing across
 * sources. A whole batch of interleaved services costs one copy of the buffer, not one per run.
 */
export const appendEntries = (logs: LogState, sources: readonly SourceLines[], cap: number = LOG_CAP): LogState => {
	const total = sources.reduce((sum, source) => sum + source.entries.length, 0);
	const before = sources.reduce((sum, source) => sum + (source.dropped ?? 0), 0);
	if (total === 0) return before === 0 ? logs : {...logs, dropped: logs.dropped + before};
	// Lines that would be dropped at once are never built.
	let skip = Math.max(0, total - cap);
	const skipped = skip;
	const added: LogEntry[] = [];
	let id = logs.nextId + skipped;
	for (const {service, entries} of sources) {
		const from = Math.min(skip, entries.length);
		skip -= from;
		for (let index = from; index < entries.length; index++) {
			const {text, stream, search, level} = entries[index]!;
			// One shape for every entry of the merged log (V8 keeps one hidden class).
			added.push({id: id++, stream, text, search, level, service});
		}
	}
	const keep = Math.max(0, cap - added.length);
	const kept = logs.entries.length > keep ? logs.entries.slice(logs.entries.length - keep) : logs.entries;
	return {
		entries: kept.length === 0 ? added : [...kept, ...added],
		nextId: id,
		dropped: logs.dropped + before + skipped + (logs.entries.length - kept.length),
	};
};
