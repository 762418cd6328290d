// Turns one line from the control channel into a typed message or a one-line problem. Only known
// fields are copied out, so what the rest of devtui sees is exactly the typed shape; unknown fields
// are ignored so that a newer client still works with an older devtui.

import {CHANGE_KINDS, STOP_REASONS, type ChangedFile, type StopReason} from '../supervisor/events.js';
import type {AppMessage, DevtuiMessage, Problem} from './messages.js';

export type ParseResult<T> = {ok: true; message: T} | {ok: false; problem: Problem};

type Fields = Record<string, unknown>;

const MAX_TEXT = 1000;
const SNIPPET = 60;

const snippet = (line: string): string =>
	JSON.stringify(line.length > SNIPPET ? `${line.slice(0, SNIPPET)}…` : line);

const fail = (kind: Problem['kind'], message: string): {ok: false; problem: Problem} => ({ok: false, problem: {kind, message}});

const badField = (type: string, field: string, expected: string) =>
	fail('bad-field', `"${type}" message: field "${field}" must be ${expected}`);

const isInt = (value: unknown, min: number): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

const isText = (value: unknown, allowEmpty = false): value is string =>
	typeof value === 'string' && (allowEmpty || value.length > 0) && value.length <= MAX_TEXT;

const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** Parses the JSON of a line into an object with a string `type`, or says why not. */
const parseObject = (line: string): ParseResult<Fields & {type: string}> => {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return fail('not-json', `not JSON: ${snippet(line)}`);
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return fail('not-object', `not a JSON object: ${snippet(line)}`);
	}
	const fields = value as Fields;
	if (typeof fields.type !== 'string') return fail('unknown-type', `message without a "type": ${snippet(line)}`);
	return {ok: true, message: fields as Fields & {type: string}};
};

const unknownType = (type: string) => fail('unknown-type', `unknown message type ${snippet(type)}`);

const parseHello = (f: Fields): ParseResult<AppMessage> => {
	if (!isInt(f.v, 1)) return badField('hello', 'v', 'a protocol version (an integer >= 1)');
	if (!isInt(f.pid, 1)) return badField('hello', 'pid', 'a process id (an integer >= 1)');
	if (!isInt(f.restart, 0)) return badField('hello', 'restart', 'an integer >= 0');
	if (!isText(f.client, true)) return badField('hello', 'client', 'a string');
	return {ok: true, message: {type: 'hello', v: f.v, pid: f.pid, restart: f.restart, client: f.client}};
};

const parsePhase = (f: Fields): ParseResult<AppMessage> => {
	if (!isText(f.name)) return badField('phase', 'name', 'a non-empty string');
	if (f.event !== 'start' && f.event !== 'end') return badField('phase', 'event', '"start" or "end"');
	if (f.event === 'start') return {ok: true, message: {type: 'phase', name: f.name, event: 'start'}};
	if (f.ok !== undefined && typeof f.ok !== 'boolean') return badField('phase', 'ok', 'a boolean');
	if (f.error !== undefined && typeof f.error !== 'string') return badField('phase', 'error', 'a string');
	return {
		ok: true,
		message: {
			type: 'phase',
			name: f.name,
			event: 'end',
			...(f.ok === undefined ? {} : {ok: f.ok}),
			...(f.error === undefined ? {} : {error: clip(f.error)}),
		},
	};
};

const parseState = (f: Fields): ParseResult<AppMessage> => {
	if (!isText(f.path)) return badField('state', 'path', 'a non-empty string');
	if (!isInt(f.bytes, 0)) return badField('state', 'bytes', 'an integer >= 0');
	return {ok: true, message: {type: 'state', path: f.path, bytes: f.bytes}};
};

const parseExtend = (f: Fields): ParseResult<AppMessage> => {
	if (typeof f.ms !== 'number' || !Number.isFinite(f.ms) || f.ms <= 0) return badField('extend', 'ms', 'a number > 0');
	return {ok: true, message: {type: 'extend', ms: Math.ceil(f.ms)}};
};

const MAX_NAMES = 64;

const parseListening = (f: Fields): ParseResult<AppMessage> => {
	if (!Array.isArray(f.names) || f.names.length > MAX_NAMES || !f.names.every(name => isText(name))) {
		return badField('listening', 'names', `a list of up to ${MAX_NAMES} non-empty strings`);
	}
	return {ok: true, message: {type: 'listening', names: f.names as string[]}};
};

/** Parses a line an app sent to devtui. */
export const parseAppMessage = (line: string): ParseResult<AppMessage> => {
	const parsed = parseObject(line);
	if (!parsed.ok) return parsed;
	const fields = parsed.message;
	switch (fields.type) {
		case 'hello':
			return parseHello(fields);
		case 'ready':
			return {ok: true, message: {type: 'ready'}};
		case 'phase':
			return parsePhase(fields);
		case 'state':
			return parseState(fields);
		case 'extend':
			return parseExtend(fields);
		case 'listening':
			return parseListening(fields);
		default:
			return unknownType(fields.type);
	}
};


const isChangedFile = (value: unknown): value is ChangedFile =>
	typeof value === 'object' &&
	value !== null &&
	typeof (value as Fields).path === 'string' &&
	(CHANGE_KINDS as readonly string[]).includes((value as Fields).kind as string);

/** Parses a line devtui sent to an app (used by the Node client). */
export const parseDevtuiMessage = (line: string): ParseResult<DevtuiMessage> => {
	const parsed = parseObject(line);
	if (!parsed.ok) return parsed;
	const f = parsed.message;
	switch (f.type) {
		case 'welcome':
			if (!isInt(f.v, 1)) return badField('welcome', 'v', 'an integer >= 1');
			if (!isInt(f.restart, 0)) return badField('welcome', 'restart', 'an integer >= 0');
			return {ok: true, message: {type: 'welcome', v: f.v, restart: f.restart}};
		case 'shutdown':
			if (!isInt(f.v, 1)) return badField('shutdown', 'v', 'an integer >= 1');
			if (!(STOP_REASONS as readonly string[]).includes(f.reason as string)) return badField('shutdown', 'reason', 'a stop reason');
			if (!Array.isArray(f.files) || !f.files.every(isChangedFile)) return badField('shutdown', 'files', 'a list of {path, kind}');
			if (!isInt(f.deadline, 0)) return badField('shutdown', 'deadline', 'epoch milliseconds');
			if (!isInt(f.timeoutMs, 0)) return badField('shutdown', 'timeoutMs', 'an integer >= 0');
			return {
				ok: true,
				message: {
					type: 'shutdown',
					v: f.v,
					reason: f.reason as StopReason,
					files: f.files.map(file => ({path: file.path, kind: file.kind})),
					deadline: f.deadline,
					timeoutMs: f.timeoutMs,
				},
			};
		case 'error':
			if (typeof f.message !== 'string') return badField('error', 'message', 'a string');
			return {ok: true, message: {type: 'error', message: clip(f.message)}};
		default:
			return unknownType(f.type);
	}
};
