import {describe, expect, it} from 'vitest';
import {displayPath, formatCount, formatCountdown, formatMs} from '../../src/store/format.js';
import {computeLayout, pageSize, windowStart} from '../../src/store/layout.js';
import {createLogFormatter, parsePinoLine} from '../../src/store/log-lines.js';
import {filterEntries, visibleLogRows, type LogRows} from '../../src/store/log-view.js';
import {appStatus, countdown, stateAgeMs, uptimeMs, visibleChanges} from '../../src/store/selectors.js';
import {flattenPreview} from '../../src/store/state-tree.js';
import {createInitialState, type LogEntry} from '../../src/store/state.js';
import {phaseBars, timelineSpan} from '../../src/store/timeline-view.js';
import type {RestartTimeline} from '../../src/supervisor/events.js';
import {buildPreview} from '../../src/state/build-preview.js';
import {PREVIEW, STATES} from '../fixtures/states.js';

describe('selectors', () => {
	it('name the status a user sees', () => {
		expect(appStatus(createInitialState({command: [], cwd: '/', watch: [], now: 0}))).toBe('starting');
		expect(appStatus(STATES.firstStart())).toBe('running');
		expect(appStatus(STATES.runningWithLogs())).toBe('ready');
		expect(appStatus(STATES.stopping())).toBe('stopping');
		expect(appStatus(STATES.crashed())).toBe('crashed');
		expect(appStatus(STATES.held())).toBe('held');
		expect(appStatus({...STATES.runningWithLogs(), quitting: {force: false}})).toBe('stopping');
	});

	it('count uptime only while an instance runs', () => {
		// Booted in 312 ms, then up for 3 min 12 s.
		expect(uptimeMs(STATES.runningWithLogs())).toBe(312 + 3 * 60_000 + 12_000);
		expect(uptimeMs(STATES.stopping())).toBeUndefined();
	});

	it('count down to the force kill from the signal and the (moved) deadline', () => {
		const state = STATES.stopping();
		const left = countdown(state)!;
		expect(left.signal).toBe('SIGTERM');
		expect(left.totalMs).toBe(10_000);
		expect(left.elapsedMs + left.remainingMs).toBe(10_000);
		expect(left.extended).toBe(false);
		const extended = countdown({...state, stop: {...state.stop!, deadline: state.stop!.deadline + 5000}})!;
		expect(extended.extended).toBe(true);
		expect(extended.remainingMs).toBe(left.remainingMs + 5000);
	});

	it('show the files behind the restart, or the held ones', () => {
		expect(visibleChanges(STATES.changeBatch()).files.map(file => file.kind)).toEqual(['changed', 'added', 'changed', 'removed', 'changed']);
		expect(visibleChanges(STATES.held())).toMatchObject({mode: 'held'});
		expect(visibleChanges(STATES.runningWithLogs())).toMatchObject({mode: 'none', files: []});
		expect(visibleChanges(STATES.stopping()).files.map(file => file.path)).toEqual(['src/routes/cart.ts', 'src/lib/price.ts']);
	});

	it('age the state from its file time', () => {
		expect(stateAgeMs(STATES.inspectorCollapsed())).toBe(STATES.inspectorCollapsed().now - PREVIEW.mtimeMs);
	});
});

const plainFormatter: LogRows = entry => [entry.text];

describe('the log view', () => {
	const entries: LogEntry[] = ['alpha', 'Beta', 'gamma', 'beta two'].map((text, index) => ({id: index + 1, stream: 'stdout', text, search: text.toLowerCase()}));

	it('filters case-insensitively', () => {
		expect(filterEntries(entries, 'BETA').map(entry => entry.id)).toEqual([2, 4]);
		expect(filterEntries(entries, '  ')).toBe(entries);
	});

	it('shows the rows that end at the anchor, formatting only those', () => {
		const formatted: number[] = [];
		const format = (entry: LogEntry) => {
			formatted.push(entry.id);
			return entry.id === 3 ? ['g1', 'g2'] : [entry.text];
		};
		expect(visibleLogRows(entries, {follow: true}, 2, format).map(row => row.text)).toEqual(['g2', 'beta two']);
		expect(new Set(formatted)).toEqual(new Set([4, 3]));
		expect(visibleLogRows(entries, {follow: false, anchorId: 2}, 3, plainFormatter).map(row => row.text)).toEqual(['alpha', 'Beta']);
	});

	it('stays at the top of the buffer once the anchor was dropped', () => {
		const later = entries.slice(2);
		expect(visibleLogRows(later, {follow: false, anchorId: 1}, 1, plainFormatter).map(row => row.text)).toEqual(['gamma']);
	});
});

describe('pino lines', () => {
	it('are recognised only when they look like pino records', () => {
		expect(parsePinoLine('{"level":30,"time":1,"msg":"hi"}')).toMatchObject({msg: 'hi'});
		expect(parsePinoLine('{"level":"info","msg":"hi"}')).toBeDefined();
		expect(parsePinoLine('{"a":1}')).toBeUndefined();
		expect(parsePinoLine('{"level":30')).toBeUndefined();
		expect(parsePinoLine('plain')).toBeUndefined();
	});

	it('are pretty-printed, other lines shown as written', () => {
		const format = createLogFormatter({color: false});
		const entry = (id: number, text: string): LogEntry => ({id, stream: 'stdout', text, search: text});
		const [line] = format(entry(1, JSON.stringify({level: 50, time: 0, pid: 1, hostname: 'h', msg: 'boom', port: 3})));
		expect(line).toMatch(/ERROR: boom \{"port":3\}$/);
		expect(line).not.toContain('hostname');
		expect(format(entry(2, '\u001B[32mgreen\u001B[39m'))).toEqual(['\u001B[32mgreen\u001B[39m']);
		expect(format({...entry(3, '{"level":30,"msg":"x"}'), stream: 'devtui'})).toEqual(['{"level":30,"msg":"x"}']);
	});

	it('keep their colours when the terminal has them', () => {
		const format = createLogFormatter({color: true});
		expect(format({id: 1, stream: 'stdout', text: '{"level":40,"time":0,"msg":"careful"}', search: ''})[0]).toContain('\u001B[');
	});
});

describe('the state tree', () => {
	it('lists the top level, then the children of expanded nodes, and what was left out', () => {
		const preview = {...PREVIEW, root: buildPreview({a: {b: 1, c: [1, 2, 3]}, d: 'x'}, {maxDepth: 6, maxChildren: 2, maxText: 50, maxNodes: 2000})};
		expect(flattenPreview(preview, {}).map(row => row.key)).toEqual(['a', 'd']);
		const rows = flattenPreview(preview, {'/a': true, '/a/c': true}, ['d']);
		expect(rows.map(row => `${'.'.repeat(row.depth)}${row.more === undefined ? row.key : `+${row.more}`}`)).toEqual(['a', '.b', '.c', '..0', '..1', '..+1', 'd']);
		expect(rows.find(row => row.key === 'd')?.changed).toBe(true);
	});

	it('builds a bounded preview: depth, children and text all capped', () => {
		const node = buildPreview({deep: {deeper: {deepest: 1}}, text: 'x'.repeat(50), list: [1, 2, 3, 4]}, {maxDepth: 2, maxChildren: 3, maxText: 10, maxNodes: 2000});
		const [deep, text, list] = node.children!;
		expect(deep?.children?.[0]).toMatchObject({key: 'deeper', size: 1, children: [], omitted: 1});
		expect(text?.text).toHaveLength(10);
		expect(text?.text?.endsWith('…')).toBe(true);
		expect(list).toMatchObject({size: 4, omitted: 1});
		expect(list?.children).toHaveLength(3);
	});
});

describe('the timeline bars', () => {
	const timeline: RestartTimeline = {
		restart: 1,
		trigger: 'change',
		files: [],
		startedAt: 0,
		phases: [
			{name: 'signal', source: 'devtui', startMs: 0, durationMs: 0, outcome: 'ok'},
			{name: 'wait for exit', source: 'devtui', startMs: 0, durationMs: 500, outcome: 'ok'},
			{name: 'boot', source: 'devtui', startMs: 500, durationMs: undefined, outcome: 'running'},
		],
		forced: false,
		outcome: 'in-progress',
	};

	it('lay phases on one axis, a running one up to now, without the instant signal', () => {
		expect(timelineSpan(timeline, 1000)).toBe(1000);
		const bars = phaseBars(timeline, 1000, 20);
		expect(bars.map(bar => [bar.name, bar.offset, bar.length, bar.durationMs])).toEqual([
			['wait for exit', 0, 10, 500],
			['boot', 10, 10, 500],
		]);
	});

	it('give every phase at least one cell and never pass the width', () => {
		const bars = phaseBars({...timeline, totalMs: 100_000}, 0, 10);
		for (const bar of bars) {
			expect(bar.length).toBeGreaterThanOrEqual(1);
			expect(bar.offset + bar.length).toBeLessThanOrEqual(10);
		}
	});
});

describe('format and layout', () => {
	it('write durations, sizes and counts briefly', () => {
		expect([0, 820, 1420, 12_340, 125_000, 3_720_000].map(formatMs)).toEqual(['0ms', '820ms', '1.42s', '12.3s', '2m05s', '1h02m']);
		// Rounded down, never promising more time than there is: 2.2 s left is "2s".
		expect([7200, 7999, 2200, 1000, 999, 0, -5].map(formatCountdown)).toEqual(['7s', '7s', '2s', '1s', '<1s', '<1s', '<1s']);
		expect(formatCount(1234567)).toBe('1,234,567');
		expect(displayPath('/a/b/c', '/a')).toBe('b/c');
		expect(displayPath('/x', '/a')).toBe('/x');
	});

	it('fit 80x24 and split the bottom on a wide screen', () => {
		const narrow = computeLayout(80, 23);
		expect(narrow.headerHeight + narrow.top.height + narrow.bottom.height + narrow.footerHeight).toBe(23);
		expect(narrow.top.leftWidth + 1 + narrow.top.rightWidth).toBe(80);
		expect(narrow.bottom.split).toBe(false);
		const wide = computeLayout(140, 39);
		expect(wide.bottom.split).toBe(true);
		expect(wide.bottom.logsWidth + 1 + wide.bottom.inspectorWidth).toBe(140);
		expect(computeLayout(80, 10).top.height).toBe(0);
		expect(pageSize(narrow, 'logs')).toBe(narrow.bottom.height - 1);
	});

	it('keep the cursor inside the window', () => {
		expect(windowStart(0, 100, 10)).toBe(0);
		expect(windowStart(50, 100, 10)).toBe(45);
		expect(windowStart(99, 100, 10)).toBe(90);
		expect(windowStart(3, 5, 10)).toBe(0);
	});
});
