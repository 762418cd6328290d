// Wrapping log lines to the pane, and the log view kept and moved in display rows, so a long line
// that wraps over several rows scrolls like any other: one row per ↑, a page per PgUp, never past
// either end, and still in place when new lines arrive or the pane changes width.

import {describe, expect, it} from 'vitest';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {logViewAtStart, scrollLogView, visibleLogRows, type LogRows} from '../../src/store/log-view.js';
import {createLogRows, wrapLine} from '../../src/store/log-wrap.js';
import type {LogEntry, LogView} from '../../src/store/state.js';

const entry = (id: number, text: string, stream: LogEntry['stream'] = 'stdout'): LogEntry => ({id, stream, text, search: text.toLowerCase()});

describe('wrapping a line', () => {
	it('breaks at words, hard where a word is longer than the row', () => {
		expect(wrapLine('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
		expect(wrapLine('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
		expect(wrapLine('short', 10)).toEqual(['short']);
	});

	it("keeps the line's indentation on every row, at most half the width", () => {
		expect(wrapLine('    at handleCart (file:///app/cart.ts:41:30)', 24)).toEqual(['    at handleCart', '    (file:///app/cart.ts', '    :41:30)']);
		expect(wrapLine(`${' '.repeat(30)}deep words here`, 20)).toEqual([`${' '.repeat(10)}deep words`, `${' '.repeat(10)}here`]);
	});

	it("hangs a devtui line's continuation under the text after its mark", () => {
		expect(wrapLine('✗ pid 1 tried to bind the port devtui holds', 20, true)).toEqual(['✗ pid 1 tried to', '  bind the port', '  devtui holds']);
	});

	it('counts colours as nothing and wide characters as two columns', () => {
		const rows = wrapLine('\u001B[32m✓\u001B[39m connected to postgres', 12);
		expect(rows.map(row => row.replace(/\u001B\[\d+m/g, ''))).toEqual(['✓ connected', 'to postgres']);
		expect(wrapLine('日本語のテキストです', 10)).toEqual(['日本語のテ', 'キストです']);
	});
});

describe('the rows of an entry', () => {
	const format = createLogFormatter({color: false});
	const long = entry(1, 'a long line of app output that does not fit');
	const advice = entry(2, '✗ start the app directly and serve with the listen helper', 'devtui');

	it('wrap app lines, or cut them (one row, the pane cuts it), and always wrap devtui lines', () => {
		const rows = createLogRows(format);
		expect(rows(20, true)(long)).toEqual(['a long line of app', 'output that does not', 'fit']);
		expect(rows(20, false)(long)).toEqual([long.text]);
		expect(rows(20, false)(advice)).toEqual(['✗ start the app', '  directly and serve', '  with the listen', '  helper']);
	});

	it('are remembered per width and setting', () => {
		let calls = 0;
		const rows = createLogRows(item => {
			calls++;
			return [item.text];
		});
		rows(20, true)(long);
		rows(20, true)(long);
		expect(calls).toBe(1);
		rows(30, true)(long);
		expect(calls).toBe(2);
		rows(30, false)(long);
		// Cut app lines do not depend on the width.
		rows(50, false)(long);
		expect(calls).toBe(3);
	});
});

describe('the log view in display rows', () => {
	// Entry n takes n rows ("n.0", "n.1", …): 1 + 2 + 3 + 4 = 10 rows.
	const entries = [1, 2, 3, 4].map(id => entry(id, String(id)));
	const rows: LogRows = item => Array.from({length: item.id}, (_, index) => `${item.id}.${index}`);
	const shown = (view: LogView, height: number) => visibleLogRows(entries, view, height, rows).map(row => row.text);

	it('follows the newest row, and shows the rows that end at the anchor', () => {
		expect(shown({follow: true}, 3)).toEqual(['4.1', '4.2', '4.3']);
		expect(shown({follow: false, anchorId: 3}, 4)).toEqual(['2.0', '2.1', '3.0', '3.1', '3.2'].slice(1));
		// Part of the anchor's rows hidden below the view.
		expect(shown({follow: false, anchorId: 4, below: 2}, 3)).toEqual(['3.2', '4.0', '4.1']);
	});

	it('moves one row at a time through a wrapped line, and a page of rows at once', () => {
		let view: LogView = {follow: true};
		view = scrollLogView(entries, view, -1, 3, rows);
		expect(view).toEqual({follow: false, anchorId: 4, below: 1});
		expect(shown(view, 3)).toEqual(['4.0', '4.1', '4.2']);
		view = scrollLogView(entries, view, -3, 3, rows);
		expect(view).toEqual({follow: false, anchorId: 3});
		expect(shown(view, 3)).toEqual(['3.0', '3.1', '3.2']);
		view = scrollLogView(entries, view, 1, 3, rows);
		expect(view).toEqual({follow: false, anchorId: 4, below: 3});
		expect(shown(view, 3)).toEqual(['3.1', '3.2', '4.0']);
		// A page up from there: three rows, whatever entries they belong to.
		expect(shown(scrollLogView(entries, view, -3, 3, rows), 3)).toEqual(['2.0', '2.1', '3.0']);
	});

	it('stops at the first page at the top, and follows again at the bottom', () => {
		const top = scrollLogView(entries, {follow: true}, -100, 3, rows);
		expect(shown(top, 3)).toEqual(['1.0', '2.0', '2.1']);
		expect(top).toEqual(logViewAtStart(entries, 3, rows));
		expect(scrollLogView(entries, top, 100, 3, rows)).toEqual({follow: true});
		expect(scrollLogView(entries, {follow: false, anchorId: 4, below: 1}, 1, 3, rows)).toEqual({follow: true});
	});

	it('stays on the same rows while new lines arrive', () => {
		const view = scrollLogView(entries, {follow: true}, -2, 3, rows);
		const more = [...entries, entry(5, '5'), entry(6, '6')];
		expect(visibleLogRows(more, view, 3, rows).map(row => row.text)).toEqual(shown(view, 3));
	});

	it('keeps within the anchor when it takes fewer rows than before (a wider pane, wrapping off)', () => {
		const one: LogRows = item => [String(item.id)];
		expect(visibleLogRows(entries, {follow: false, anchorId: 4, below: 3}, 2, one).map(row => row.text)).toEqual(['3', '4']);
	});

	it('shows the first page once the anchor was dropped from the buffer', () => {
		const later = entries.slice(2);
		expect(visibleLogRows(later, {follow: false, anchorId: 1}, 4, rows).map(row => row.text)).toEqual(['3.0', '3.1', '3.2', '4.0']);
		expect(shown({follow: true}, 0)).toEqual([]);
	});
});
