// Decides whether the state file the app left behind is one it can restart from. This runs inside
// the validation worker (a 50 MB parse would freeze the key handling and output of the main
// thread); the checks on bytes are pure so they are unit-tested without a worker.

import {isUtf8} from 'node:buffer';
import {createHash} from 'node:crypto';
import {closeSync, fstatSync, openSync, readFileSync, statSync} from 'node:fs';
import {formatBytes} from '../format-bytes.js';
import type {StateProblem} from '../supervisor/events.js';
import {appKeys, digestKeys, digestValueBytes, type KeyDigests} from './key-digest.js';
import {topLevelValues} from './top-level-values.js';

export const DEFAULT_MAX_STATE_BYTES = 512 * 1024 * 1024;

/** How far the file's mtime may lag the stop's start (clock granularity, coarse filesystems). */
export const DEFAULT_CLOCK_SLACK_MS = 1000;

export interface StateRequest {
	file: string;
	/** How messages name the file. */
	displayPath: string;
	maxBytes: number;
	/** Epoch ms: a file last modified before this (less the slack) is stale. Omitted: not checked. */
	stopStartedAt?: number;
	/** @default DEFAULT_CLOCK_SLACK_MS */
	slackMs?: number;
}

export type StateVerdict =
	| {ok: true; bytes: number; mtimeMs: number; sha1: string; keys: string[]; digests: KeyDigests}
	| {
			ok: false;
			problem: StateProblem;
			message: string;
			/** Something (a file, a directory) is at the path. */
			exists: boolean;
			/** Set when the bytes were read: lets the caller tell a stale copy of a snapshot from new data. */
			sha1?: string;
			bytes?: number;
	  };

type ContentProblem = 'truncated' | 'corrupt' | 'no-marker';

export type ContentVerdict = {ok: true; state: Record<string, unknown>} | {ok: false; problem: ContentProblem; detail: string};


const describeJson = (value: unknown): string => {
	if (Array.isArray(value)) return 'a JSON array';
	if (value === null) return 'null';
	return `a JSON ${typeof value}`;
};

/**
 * V8 reports a document that stops early either as "Unexpected end of JSON input" or with an error
 * position at the very end, so a cut file is told apart from garbage in the middle.
 */
export const isEndOfInputError = (message: string, textLength: number): boolean => {
	if (/end of JSON input/i.test(message)) return true;
	const position = /at position (\d+)/.exec(message);
	return position !== null && Number(position[1]) >= textLength;
};

/** The text, or why the bytes are not UTF-8: a character cut at the end is truncation, bad bytes inside corruption. */
const decodeUtf8 = (bytes: Uint8Array): string | {problem: ContentProblem; detail: string} => {
	// isUtf8 is a fast native check; the streaming decoder only runs on the rare bad file.
	if (isUtf8(bytes)) {
		const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
		// A byte order mark is not JSON, but it is harmless: drop it as TextDecoder would.
		return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	}
	const decoder = new TextDecoder('utf-8', {fatal: true});
	try {
		decoder.decode(bytes, {stream: true});
	} catch {
		return {problem: 'corrupt', detail: 'is not valid UTF-8'};
	}
	return {problem: 'truncated', detail: `ends in the middle of a character (${formatBytes(bytes.length)})`};
};

/** Classifies the bytes of a state file. */
export const inspectStateBytes = (bytes: Uint8Array): ContentVerdict => {
	if (bytes.length === 0) return {ok: false, problem: 'truncated', detail: 'is empty'};
	const text = decodeUtf8(bytes);
	if (typeof text !== 'string') return {ok: false, ...text};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		if (text.trim() === '' || isEndOfInputError(reason, text.trimEnd().length)) {
			return {ok: false, problem: 'truncated', detail: `is truncated: the JSON ends early (${formatBytes(bytes.length)})`};
		}
		return {ok: false, problem: 'corrupt', detail: `is not valid JSON (${reason.slice(0, 120)})`};
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {ok: false, problem: 'no-marker', detail: `holds ${describeJson(value)}, not an object with "restart_marker": true`};
	}
	const state = value as Record<string, unknown>;
	if (state['restart_marker'] !== true) return {ok: false, problem: 'no-marker', detail: 'has no "restart_marker": true'};
	if (typeof state['timestamp'] !== 'number') return {ok: false, problem: 'no-marker', detail: 'has no numeric "timestamp"'};
	return {ok: true, state};
};

/** The problem an fs error code means for the state file. */
export const problemForErrno = (code: string | undefined): {problem: StateProblem; detail: string} => {
	switch (code) {
		case 'ENOENT':
		case 'ENOTDIR':
			return {problem: 'missing', detail: 'does not exist: the app did not save its state'};
		case 'EISDIR':
			return {problem: 'not-a-file', detail: 'is a directory, not a file'};
		case 'EACCES':
		case 'EPERM':
			return {problem: 'unreadable', detail: `cannot be read: permission denied (${code})`};
		default:
			return {problem: 'unreadable', detail: `cannot be read (${code ?? 'unknown error'})`};
	}
};

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const sha1Of = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

const secondsBefore = (earlier: number, later: number): string => `${((later - earlier) / 1000).toFixed(1)} s`;

/** Reads and judges the state file. Synchronous: it runs on the worker thread, never on the main one. */
/** The bytes and modification time of one open of the file, so both describe the same version. */
export const readWholeFile = (file: string): {bytes: Buffer; mtimeMs: number} => {
	const fd = openSync(file, 'r');
	try {
		return {mtimeMs: fstatSync(fd).mtimeMs, bytes: readFileSync(fd)};
	} finally {
		closeSync(fd);
	}
};

export const validateStateFileSync = ({file, displayPath, maxBytes, stopStartedAt, slackMs = DEFAULT_CLOCK_SLACK_MS}: StateRequest): StateVerdict => {
	const fail = (problem: StateProblem, detail: string, exists: boolean, extra: {sha1?: string; bytes?: number} = {}): StateVerdict => ({
		ok: false,
		problem,
		message: `${displayPath} ${detail}`,
		exists,
		...extra,
	});
	let stat;
	try {
		stat = statSync(file);
	} catch (error) {
		const {problem, detail} = problemForErrno(errnoOf(error));
		return fail(problem, detail, problem !== 'missing');
	}
	// Checked before opening: opening a FIFO for reading would block the worker.
	if (stat.isDirectory()) return fail('not-a-file', 'is a directory, not a file', true);
	if (!stat.isFile()) return fail('not-a-file', 'is not a regular file', true);
	if (stat.size > maxBytes) return fail('too-large', `is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`, true, {bytes: stat.size});
	let bytes: Buffer;
	let mtimeMs: number;
	try {
		({bytes, mtimeMs} = readWholeFile(file));
	} catch (error) {
		const {problem, detail} = problemForErrno(errnoOf(error));
		return fail(problem, detail, problem !== 'missing');
	}
	const sha1 = sha1Of(bytes);
	if (stopStartedAt !== undefined && mtimeMs < stopStartedAt - slackMs) {
		const detail = `was not written during this stop (last written ${secondsBefore(mtimeMs, stopStartedAt)} before it began)`;
		return fail('stale', detail, true, {sha1, bytes: bytes.length});
	}
	const content = inspectStateBytes(bytes);
	if (!content.ok) return fail(content.problem, content.detail, true, {sha1, bytes: bytes.length});
	const keys = appKeys(content.state);
	return {ok: true, bytes: bytes.length, mtimeMs, sha1, keys, digests: digestState(bytes, content.state, keys)};
};

/** Digests from the raw bytes; re-serialising is only the safety net should the scan disagree with the parse. */
const digestState = (bytes: Uint8Array, state: Record<string, unknown>, keys: string[]): KeyDigests => {
	const ranges = topLevelValues(bytes);
	const scanned = new Set([...ranges.keys()]);
	const agrees = Object.keys(state).length === scanned.size && keys.every(key => scanned.has(key));
	return agrees ? digestValueBytes(bytes, ranges) : digestKeys(state);
};
