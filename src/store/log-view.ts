// Which log lines the pane shows: the filter, then a window of rows ending at the anchor (or the
// newest line when following). Only the entries in that window are formatted, so pretty-printing
// costs the same for 20 lines on screen whether the buffer holds 50 lines or 5,000.

import type {LogEntry} from './state.js';

/** Display lines for one entry (pretty-printed JSON may take several). */
export type LogFormatter = (entry: LogEntry) => string[];

export const plainFormatter: LogFormatter = entry => [entry.text];

let memo: {entries: readonly LogEntry[]; query: string; result: readonly LogEntry[]} | undefined;

/** Entries whose text contains the filter (case-insensitive); remembered for the last call. */
export const filterEntries = (entries: readonly LogEntry[], filter: string): readonly LogEntry[] => {
	const query = filter.trim().toLowerCase();
	if (query === '') return entries;
	if (memo && memo.entries === entries && memo.query === query) return memo.result;
	const result = entries.filter(entry => entry.search.includes(query));
	memo = {entries, query, result};
	return result;
};

/** Index of the entry with this id, or of the first newer one (ids only grow). */
export const indexOfId = (entries: readonly LogEntry[], id: number): number => {
	let low = 0;
	let high = entries.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (entries[middle]!.id < id) low = middle + 1;
		else high = middle;
	}
	return Math.min(low, entries.length - 1);
};

/**
 * Index of the bottom line of the view. When the anchor has been dropped from the buffer (a flood
 * went past it), the view stays at the top of what is left: a full page of the oldest lines.
 */
export const bottomIndex = (entries: readonly LogEntry[], view: {follow: boolean; anchorId?: number}, page = 1): number => {
	if (view.follow || view.anchorId === undefined) return entries.length - 1;
	const oldest = entries[0];
	if (oldest && view.anchorId < oldest.id) return Math.min(entries.length - 1, Math.max(0, page - 1));
	return indexOfId(entries, view.anchorId);
};

export interface LogRow {
	key: string;
	entry: LogEntry;
	text: string;
	/** The first display line of its entry (continuation lines get no stream mark). */
	first: boolean;
}

export const visibleLogRows = (
	entries: readonly LogEntry[],
	view: {follow: boolean; anchorId?: number},
	height: number,
	format: LogFormatter,
): LogRow[] => {
	const rows: LogRow[] = [];
	for (let index = bottomIndex(entries, view, height); index >= 0 && rows.length < height; index--) {
		const entry = entries[index]!;
		const lines = format(entry);
		for (let line = lines.length - 1; line >= 0 && rows.length < height; line--) {
			rows.push({key: `${entry.id}:${line}`, entry, text: lines[line]!, first: line === 0});
		}
	}
	return rows.reverse();
};
