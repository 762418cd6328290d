// The newest output of one service, for `devtui ctl logs`: a ring bounded by lines and by bytes,
// so a service that floods its output costs a fixed amount of memory, and the oldest lines go first.

import type {LogEntry} from './ctl-protocol.js';

export interface LogRing {
	push(entry: LogEntry): void;
	/** The newest `count` entries, oldest first. */
	last(count: number): LogEntry[];
}

const sizeOf = (entry: LogEntry): number => (entry.kind === 'line' ? entry.line.length : 0) + 64;

export const createLogRing = ({maxEntries = 5000, maxBytes = 2 * 1024 * 1024}: {maxEntries?: number; maxBytes?: number} = {}): LogRing => {
	const entries: Array<LogEntry | undefined> = new Array(maxEntries);
	let head = 0;
	let length = 0;
	let bytes = 0;
	const dropOldest = () => {
		const index = (head - length + maxEntries) % maxEntries;
		bytes -= sizeOf(entries[index]!);
		entries[index] = undefined;
		length--;
	};
	return {
		push(entry) {
			if (length === maxEntries) dropOldest();
			entries[head] = entry;
			head = (head + 1) % maxEntries;
			length++;
			bytes += sizeOf(entry);
			while (bytes > maxBytes && length > 1) dropOldest();
		},
		last(count) {
			const taken = Math.max(0, Math.min(count, length));
			return Array.from({length: taken}, (_, offset) => entries[(head - taken + offset + maxEntries) % maxEntries]!);
		},
	};
};
