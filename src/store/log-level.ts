// The level of a line the app wrote to stderr, where the line says it, so the log pane can mark
// errors as errors and leave the rest alone: Python frameworks (logging, uvicorn, gunicorn, Flask,
// Django, Werkzeug) write all their logging, INFO included, to stderr.
//
// What is read, in this order:
// - a request line (Werkzeug, Django runserver, uvicorn's access log): its status, as those servers
//   colour it on a terminal (5xx error, 4xx warning, else info);
// - a level word at the start (`INFO:`, `WARNING:root:`, `error:`, `npm ERR!`), or in the first
//   brackets after a timestamp (gunicorn `[…] [123] [INFO]`, Flask `[…] ERROR in app:`);
// - a Python traceback, a JavaScript exception and its stack (`TypeError: …`, `    at …`), and the
//   location line Node prints above an uncaught error: error, and so are the indented lines that
//   follow them (the trace a line "continues");
// - warnings (`DeprecationWarning:`, `(node:1) ExperimentalWarning:`): warning;
// - else an upper-case level word near the start (`2026-12-03 13:40:33,123 app WARNING …`), or the
//   words error, fatal or exception: error.
// Lines that say none of this have no level (the pane marks them as stderr, not as errors).
//
// It runs for every stderr line as it arrives, during floods too, so each rule is one anchored or
// short regular expression on text that is already lower-cased for the filter, tried only when
// the line's first character can start it.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** What the lines after a line take from it: a traceback's or a stack's indented lines share its level. */
export interface LogTrace {
	level: LogLevel;
	/** A Python traceback ends with its first line that is not indented (the exception itself). */
	python: boolean;
}

export interface Classified {
	level?: LogLevel;
	trace?: LogTrace;
}

const WORD_LEVEL: Record<string, LogLevel> = {
	trace: 'debug',
	debug: 'debug',
	info: 'info',
	notice: 'info',
	warn: 'warn',
	warning: 'warn',
	err: 'error',
	error: 'error',
	crit: 'error',
	critical: 'error',
	fatal: 'error',
	panic: 'error',
};

const LEVEL_WORDS = 'trace|debug|info|notice|warn|warning|err|error|crit|critical|fatal|panic';

// `INFO:`, `WARNING:root:msg`, `info  - ready`, `error: …`, `ERROR` alone.
const PREFIX = new RegExp(String.raw`^(${LEVEL_WORDS})(?=[:\s\]]|$)`);
// `[2026-12-03 13:40:33 +0000] [123] [INFO] …` (gunicorn, hypercorn), `[…,123] ERROR in app: …` (Flask), `[INFO] …`.
const BRACKETED = new RegExp(String.raw`^(?:\[(${LEVEL_WORDS})\]|\[[^\]]{1,48}\]\s*(?:\[\d+\]\s*)?\[?(${LEVEL_WORDS})\b)`);
// `"GET /cart HTTP/1.1" 404`: the status of a request line.
const REQUEST = /"[a-z]+ \S* http\/[\d.]+" (\d)\d\d\b/;
const NPM = /^npm (err!|error|warn|warning)(?=\s|$)/;
// `TypeError: …`, `Error [ERR_MODULE_NOT_FOUND]: …`, `json.decoder.JSONDecodeError: …`.
const EXCEPTION = /^[\w$.]*(?:error|exception)(?: \[[^\]]*\])?:/;
const WARNING = /^(?:\(node:\d+\) |\S+:\d+: )?\w*warning:/;
// What Node prints above an uncaught error: `file:///app/src/cart.ts:41`.
const LOCATION = /^(?:file:\/\/)?\/\S*:\d+$/;
const TRACEBACK = /^\s*(?:\+ )?(?:exception group )?traceback \(most recent call last\)/;
const CHAINED = /^(?:during handling of the above exception|the above exception was the direct cause)/;
const UPPER_LEVEL = /^.{0,40}?\b(DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL)\b/;
// A cheap test first: most lines have no run of four capitals.
const UPPER_RUN = /[A-Z]{4}/;
const KEYWORD = /\b(?:error|fatal|exception)\b/;
// (A regular expression scans a line faster than String.includes here, measured.)
const HTTP = / http\//;

const PINO: Record<string, LogLevel> = {trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'error'};

// Every answer is one of these constants: nothing is allocated per line.
const NONE: Classified = Object.freeze({});
const PLAIN: Record<LogLevel, Classified> = {
	error: Object.freeze({level: 'error'}),
	warn: Object.freeze({level: 'warn'}),
	info: Object.freeze({level: 'info'}),
	debug: Object.freeze({level: 'debug'}),
};
const PYTHON_TRACE: LogTrace = Object.freeze({level: 'error', python: true});
const TRACED: Record<'error' | 'warn', Classified> = {
	error: Object.freeze({level: 'error', trace: Object.freeze({level: 'error', python: false})}),
	warn: Object.freeze({level: 'warn', trace: Object.freeze({level: 'warn', python: false})}),
};
const TRACEBACK_START: Classified = Object.freeze({level: 'error', trace: PYTHON_TRACE});

// The indented lines under an error or a warning (a multi-line message, a stack) are part of it.
const withTrace = (level: LogLevel): Classified => (level === 'error' || level === 'warn' ? TRACED[level] : PLAIN[level]);

// Two spaces or more: a traceback's and a stack's lines. One space is how Werkzeug starts its own
// lines (" * Running on …"), which belong to nothing above them.
const isIndented = (text: string): boolean => text === '' || text.startsWith('  ') || text.startsWith('\t');

const fresh = (plain: string, lower: string, search: string): Classified => {
	const first = lower.charCodeAt(0);
	// pino's JSON: the level the filter already read from it (the search text ends with its name).
	if (first === 0x7b /* { */) {
		const label = PINO[search.slice(search.lastIndexOf(' ') + 1)];
		return label ? PLAIN[label] : NONE;
	}
	if (HTTP.test(lower)) {
		const status = REQUEST.exec(lower)?.[1];
		if (status !== undefined) return PLAIN[status === '5' ? 'error' : status === '4' ? 'warn' : 'info'];
	}
	if (first === 0x5b /* [ */) {
		const match = BRACKETED.exec(lower);
		if (match) return withTrace(WORD_LEVEL[match[1] ?? match[2]!]!);
	} else if (first >= 0x61 && first <= 0x7a) {
		const word = PREFIX.exec(lower)?.[1];
		if (word !== undefined) return withTrace(WORD_LEVEL[word]!);
		const npm = first === 0x6e /* n */ ? NPM.exec(lower)?.[1] : undefined;
		if (npm !== undefined) return PLAIN[npm.startsWith('w') ? 'warn' : 'error'];
		if (first === 0x74 /* t */ && TRACEBACK.test(lower)) return TRACEBACK_START;
		if (CHAINED.test(lower)) return PLAIN.error;
	}
	if (EXCEPTION.test(lower)) return TRACED.error;
	if (WARNING.test(lower)) return TRACED.warn;
	if ((first === 0x2f /* / */ || first === 0x66) /* f */ && LOCATION.test(lower)) return TRACED.error;
	const upper = UPPER_RUN.test(plain) ? UPPER_LEVEL.exec(plain)?.[1] : undefined;
	if (upper !== undefined) return PLAIN[WORD_LEVEL[upper.toLowerCase()]!];
	return KEYWORD.test(lower) ? PLAIN.error : NONE;
};

/**
 * The level of one stderr line: `plain` without ANSI codes, `lower` the same lower-cased, `search`
 * the filter's text; `trace` what the previous stderr line left open.
 */
export const classifyStderr = (plain: string, lower: string, search: string, trace: LogTrace | undefined): Classified => {
	if (trace && isIndented(plain)) return trace.python ? TRACEBACK_START : withTrace(trace.level);
	// An indented traceback header (exception groups) opens one even without a trace.
	if (isIndented(plain) && plain !== '' && TRACEBACK.test(lower)) return TRACEBACK_START;
	// The exception line that ends a Python traceback.
	if (trace?.python) return PLAIN.error;
	return fresh(plain, lower, search);
};
