// The rows a log entry takes in a pane `width` columns wide: its display lines (log-lines.ts),
// each wrapped at word boundaries (ANSI colours and wide characters counted right, by wrap-ansi,
// the wrapper Ink itself uses), continuation rows indented under the line's own indentation, so a
// wrapped stack frame stays readable. With wrapping off, app lines take one row each (the pane
// cuts them at the edge); devtui's own lines always wrap, since their advice is only useful whole.
//
// Why wrap by default (with `w` to cut lines instead): the peers that show an app's output beside
// other panes all wrap by default. process-compose's log view starts with wrap on and toggles it
// with F6; lazydocker's `wrapMainPanel` defaults to true; mprocs runs each app in a terminal
// emulator the size of its pane and overmind in a tmux pane, where long lines wrap as in any
// terminal. Cutting loses the end of a line, which is where an error message usually says what
// went wrong; one row per line is still there for wide tables and minified dumps.

import wrapAnsi from 'wrap-ansi';
import type {LogFormatter, LogRows} from './log-view.js';
import type {LogEntry} from './state.js';

// Printable ASCII only: its length is its width, so a short line needs no measuring.
const NARROW = /^[\x20-\x7E]*$/;
const LEADING = /^ */;
// devtui's lines begin with a one-column mark ("✗ ", "▶ "): continuation rows go under the text.
const MARK = /^\S /;

/** One line as rows `width` columns wide; continuation rows indented by `indent` (at most half the width). */
const wrapIndented = (line: string, width: number, lead: string): string[] => {
	const indent = Math.min([...lead].length, Math.floor(width / 2));
	const rest = line.slice(lead.length);
	const rows = wrapAnsi(rest, Math.max(1, width - indent), {hard: true, trim: true, wordWrap: true}).split('\n');
	const pad = ' '.repeat(indent);
	return rows.map((row, index) => (index === 0 ? `${lead.slice(0, indent)}${row}` : `${pad}${row}`));
};

/** A line wrapped to rows `width` columns wide; `marked` lines hang their continuation under the text after the mark. */
export const wrapLine = (line: string, width: number, marked = false): string[] => {
	if (width <= 0 || (line.length <= width && NARROW.test(line))) return [line];
	const lead = marked && MARK.test(line) ? line.slice(0, 2) : LEADING.exec(line)![0];
	const rows = wrapIndented(line, width, lead);
	return rows.length > 0 ? rows : [line];
};

export interface LogRowsFor {
	/** The rows of the entries in a pane `width` columns wide (the gutter excluded). */
	(width: number, wrap: boolean): LogRows;
}

/**
 * The rows of each entry, remembered by entry id for the last width and wrap setting asked (the
 * pane asks for the same few entries on every frame).
 */
export const createLogRows = (format: LogFormatter, cacheSize = 2000): LogRowsFor => {
	const cache = new Map<number, {width: number; wrap: boolean; rows: readonly string[]}>();
	const compute = (entry: LogEntry, width: number, wrap: boolean): readonly string[] => {
		const lines = format(entry);
		const devtui = entry.stream === 'devtui';
		if (!wrap && !devtui) return lines;
		const rows = lines.flatMap(line => wrapLine(line, width, devtui));
		return rows.length > 0 ? rows : [''];
	};
	return (width, wrap) => entry => {
		const known = cache.get(entry.id);
		// With wrapping off, only devtui's lines depend on the width.
		if (known && known.wrap === wrap && (known.width === width || (!wrap && entry.stream !== 'devtui'))) return known.rows;
		const rows = compute(entry, width, wrap);
		cache.delete(entry.id);
		cache.set(entry.id, {width, wrap, rows});
		if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
		return rows;
	};
};
