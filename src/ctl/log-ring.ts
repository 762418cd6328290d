// The newest output of one service, for `devtui ctl logs`: bounded by lines and by bytes, so a
// service that floods its output costs a fixed amount of memory, and the oldest lines go first.
// Output is kept as the chunks it arrived in (one array of lines per read) and turned into one
// entry per line only when someone asks: a flood then costs no object per line.

import type {LogEntry} from './ctl-protocol.js';

type LineEntry = Extract<LogEntry, {kind: 'line'}>;

/** A chunk of lines as they arrived, or one of devtui's marks between instances. */
export type LogRecord = {kind: 'lines'; at: number; pid: number; restart: number; stream: LineEntry['stream']; lines: string[]} | Exclude<LogEntry, LineEntry>;

export interface LogRing {
	push(record: LogRecord): void;
	/** The newest `count` entries, oldest first. */
	last(count: number): LogEntry[];
}

const MARK_BYTES = 64;

const linesOf = (record: LogRecord): number => (record.kind === 'lines' ? record.lines.length : 1);
const bytesOf = (record: LogRecord): number => (record.kind === 'lines' ? record.lines.reduce((sum, line) => sum + line.length + 1, 0) : MARK_BYTES);

/** One entry per line (or the mark itself). */
export const entriesOf = (record: LogRecord): LogEntry[] =>
	record.kind === 'lines' ? record.lines.map(line => ({kind: 'line', at: record.at, pid: record.pid, restart: record.restart, stream: record.stream, line})) : [record];

export const createLogRing = ({maxEntries = 5000, maxBytes = 2 * 1024 * 1024}: {maxEntries?: number; maxBytes?: number} = {}): LogRing => {
	let records: LogRecord[] = [];
	let start = 0;
	let lines = 0;
	let bytes = 0;
	const dropOldest = () => {
		const oldest = records[start]!;
		const excess = lines - maxEntries;
		if (oldest.kind === 'lines' && bytes <= maxBytes && excess > 0 && excess < oldest.lines.length) {
			// Over by lines only: trim the oldest chunk from its front instead of losing all of it.
			bytes -= bytesOf({...oldest, lines: oldest.lines.slice(0, excess)});
			records[start] = {...oldest, lines: oldest.lines.slice(excess)};
			lines -= excess;
			return;
		}
		start++;
		lines -= linesOf(oldest);
		bytes -= bytesOf(oldest);
		// Compact now and then, so the array does not keep every record ever dropped.
		if (start > 1024 && start * 2 > records.length) {
			records = records.slice(start);
			start = 0;
		}
	};
	return {
		push(record) {
			if (record.kind === 'lines' && record.lines.length === 0) return;
			if (record.kind === 'lines' && record.lines.length > maxEntries) record = {...record, lines: record.lines.slice(-maxEntries)};
			records.push(record);
			lines += linesOf(record);
			bytes += bytesOf(record);
			while ((lines > maxEntries || bytes > maxBytes) && records.length - start > 1) dropOldest();
		},
		last(count) {
			const out: LogEntry[] = [];
			for (let index = records.length - 1; index >= start && out.length < count; index--) {
				const entries = entriesOf(records[index]!);
				out.unshift(...entries.slice(Math.max(0, entries.length - (count - out.length))));
			}
			return out;
		},
	};
};
