// Turns a stored log line into the lines the log pane shows: JSON lines in pino's format are
// pretty-printed with pino-pretty (synchronously, through its prettyFactory), anything else is
// shown as the app wrote it. Formatting happens only for lines on screen, and each result is
// cached by entry id, so a flood of JSON costs nothing until it is looked at.

import {prettyFactory} from 'pino-pretty';
import {cleanLine} from './log-buffer.js';
import type {LogFormatter} from './log-view.js';

type PinoRecord = Record<string, unknown> & {level: number | string};

/** The parsed record when the line is one of pino's JSON lines, else undefined. */
export const parsePinoLine = (text: string): PinoRecord | undefined => {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
	let value: unknown;
	try {
		value = JSON.parse(trimmed);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const record = value as Record<string, unknown>;
	const level = record['level'];
	if (typeof level !== 'number' && typeof level !== 'string') return undefined;
	return 'msg' in record || 'time' in record ? (record as PinoRecord) : undefined;
};

export interface LogFormatterOptions {
	/** ANSI colours in pino-pretty's output (the terminal supports them). */
	color: boolean;
	/** How many formatted entries to remember. @default 2000 */
	cacheSize?: number;
}

export const createLogFormatter = ({color, cacheSize = 2000}: LogFormatterOptions): LogFormatter => {
	const pretty = prettyFactory({
		colorize: color,
		translateTime: 'SYS:HH:MM:ss.l',
		ignore: 'pid,hostname',
		singleLine: true,
	});
	const cache = new Map<number, string[]>();
	const format = (text: string): string[] => {
		const record = parsePinoLine(text);
		if (!record) return [text];
		try {
			const lines = pretty(record).replace(/\n+$/, '').split('\n').map(cleanLine);
			return lines.length > 0 ? lines : [text];
		} catch {
			// A record pino-pretty cannot handle is still worth showing as it came.
			return [text];
		}
	};
	return entry => {
		const cached = cache.get(entry.id);
		if (cached) return cached;
		const lines = entry.stream === 'devtui' ? [entry.text] : format(entry.text);
		cache.set(entry.id, lines);
		if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
		return lines;
	};
};
