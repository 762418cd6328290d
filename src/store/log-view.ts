// Which log rows the pane shows: the filter, then a window of display rows ending at the anchor
// (or the newest row when following). An entry can take several rows (a long line wraps, a
// pretty-printed record spans lines), so the view is kept and moved in rows: the anchor is the
// entry at the bottom plus how many of its rows are hidden below. Only the entries in the window
// are formatted and wrapped, so the cost is the same for 20 rows on screen whether the buffer
// holds 50 lines or 5,000.

import type {LogEntry, LogView} from './state.js';

/** Display lines for one entry (pretty-printed JSON may take several). */
export type LogFormatter = (entry: LogEntry) => string[];

/** The rows one entry takes in the pane: its display lines, each wrapped (or cut) to the pane's width. At least one. */
export type LogRows = (entry: LogEntry) => readonly string[];

const memo = new WeakMap<readonly LogEntry[], {query: string; result: readonly LogEntry[]}>();

/** Entries whose text contains the filter (case-insensitive); remembered for the last query on each buffer. */
export const filterEntries = (entries: readonly LogEntry[], filter: string): readonly LogEntry[] => {
	const query = filter.trim().toLowerCase();
	if (query === '') return entries;
	const known = memo.get(entries);
	if (known?.query === query) return known.result;
	const result = entries.filter(entry => entry.search.includes(query));
	memo.set(entries, {query, result});
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

/** A row of the log: entry `index`, its display row `row`. */
interface Position {
	index: number;
	row: number;
}

const rowCount = (entries: readonly LogEntry[], index: number, rows: LogRows): number => Math.max(1, rows(entries[index]!).length);

const before = (a: Position, b: Position): boolean => a.index < b.index || (a.index === b.index && a.row < b.row);

/** The bottom row of a view showing the first `height` rows of the buffer. */
const firstPageBottom = (entries: readonly LogEntry[], height: number, rows: LogRows): Position => {
	let remaining = Math.max(1, height);
	for (let index = 0; index < entries.length; index++) {
		const count = rowCount(entries, index, rows);
		if (count >= remaining) return {index, row: remaining - 1};
		remaining -= count;
	}
	const last = entries.length - 1;
	return {index: last, row: rowCount(entries, last, rows) - 1};
};

const newest = (entries: readonly LogEntry[], rows: LogRows): Position => {
	const last = entries.length - 1;
	return {index: last, row: rowCount(entries, last, rows) - 1};
};

/**
 * The bottom row of the view. When the anchor has been dropped from the buffer (a flood went past
 * it), the view stays at the top of what is left: a full page of the oldest rows.
 */
const bottomOf = (entries: readonly LogEntry[], view: LogView, height: number, rows: LogRows): Position => {
	if (view.follow || view.anchorId === undefined) return newest(entries, rows);
	if (view.anchorId < entries[0]!.id) return firstPageBottom(entries, height, rows);
	const index = indexOfId(entries, view.anchorId);
	const count = rowCount(entries, index, rows);
	// The anchor's own rows may have changed (a resize, wrapping turned off): keep within them.
	const below = entries[index]!.id === view.anchorId ? Math.min(count - 1, Math.max(0, view.below ?? 0)) : 0;
	return {index, row: count - 1 - below};
};

const viewAt = (entries: readonly LogEntry[], position: Position, rows: LogRows): LogView => {
	const end = newest(entries, rows);
	if (!before(position, end)) return {follow: true};
	const below = rowCount(entries, position.index, rows) - 1 - position.row;
	return below === 0 ? {follow: false, anchorId: entries[position.index]!.id} : {follow: false, anchorId: entries[position.index]!.id, below};
};

/**
 * The view moved by `by` rows (negative: up, to older rows), never above the first page nor past
 * the newest row, where it follows again. `height` is the pane's, for the first page.
 */
export const scrollLogView = (entries: readonly LogEntry[], view: LogView, by: number, height: number, rows: LogRows): LogView => {
	if (entries.length === 0) return view;
	let {index, row} = bottomOf(entries, view, height, rows);
	row += by;
	while (row < 0 && index > 0) {
		index--;
		row += rowCount(entries, index, rows);
	}
	while (index < entries.length - 1 && row >= rowCount(entries, index, rows)) {
		row -= rowCount(entries, index, rows);
		index++;
	}
	let position = {index, row: Math.max(0, Math.min(row, rowCount(entries, index, rows) - 1))};
	const top = firstPageBottom(entries, height, rows);
	if (before(position, top)) position = top;
	return viewAt(entries, position, rows);
};

/** The view of the first page (Home). */
export const logViewAtStart = (entries: readonly LogEntry[], height: number, rows: LogRows): LogView =>
	entries.length === 0 ? {follow: true} : viewAt(entries, firstPageBottom(entries, height, rows), rows);

export interface LogRow {
	key: string;
	entry: LogEntry;
	text: string;
	/** The first display row of its entry. */
	first: boolean;
}

export const visibleLogRows = (entries: readonly LogEntry[], view: LogView, height: number, rows: LogRows): LogRow[] => {
	if (height <= 0 || entries.length === 0) return [];
	const bottom = bottomOf(entries, view, height, rows);
	const shown: LogRow[] = [];
	for (let index = bottom.index; index >= 0 && shown.length < height; index--) {
		const entry = entries[index]!;
		const lines = rows(entry);
		const last = index === bottom.index ? Math.min(bottom.row, lines.length - 1) : lines.length - 1;
		for (let line = last; line >= 0 && shown.length < height; line--) {
			shown.push({key: `${entry.id}:${line}`, entry, text: lines[line]!, first: line === 0});
		}
	}
	return shown.reverse();
};
