import {describe, expect, it} from 'vitest';
import type {DashboardAction} from '../../src/store/actions.js';
import {LOG_CAP, createInitialState, type DashboardState} from '../../src/store/state.js';
import {coalesceOutput, reduce, reduceAll} from '../../src/store/reducer.js';
import {scrollLogView, type LogRows} from '../../src/store/log-view.js';
import {appStatus} from '../../src/store/selectors.js';
import type {SupervisorEvent} from '../../src/supervisor/events.js';
import {COMMAND, CWD, createScript, output, ready, spawn, stopForChange, T0, validated} from '../fixtures/dashboard-script.js';
import {PREVIEW, STATES} from '../fixtures/states.js';

const initial = () => createInitialState({command: COMMAND, cwd: CWD, watch: ['.'], now: T0});
const fold = (events: readonly DashboardAction[], state: DashboardState = initial()) => reduceAll(state, events);

const deepFreeze = <T>(value: T): T => {
	if (value && typeof value === 'object') {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
};

describe('the reducer folds the core events', () => {
	it('follows an instance from spawn to ready and into a stop', () => {
		const script = createScript();
		spawn(script, 100, 0);
		let state = fold(script.events);
		expect(appStatus(state)).toBe('running');
		expect(state.pid).toBe(100);

		ready(script, 100, 0, 200);
		state = fold(script.events);
		expect(appStatus(state)).toBe('ready');
		expect(state.history).toHaveLength(1);
		expect(state.last?.outcome).toBe('ready');

		stopForChange(script, {pid: 100, files: [{path: 'a.ts', kind: 'changed'}], batch: 1, phases: [{name: 'save', ms: 30}], pauseMs: 500});
		state = fold(script.events);
		expect(appStatus(state)).toBe('stopping');
		expect(state.stop?.signal).toBe('SIGTERM');
		expect(state.timeline.current?.phases.map(phase => [phase.name, phase.outcome])).toEqual([
			['signal', 'ok'],
			['wait for exit', 'running'],
			['save', 'running'],
		]);
		// Time is the latest event's; the reducer reads no clock.
		expect(state.now).toBe(script.events.at(-1)!.at);
	});

	it('records a completed restart in the history, newest first, with its stop and start times', () => {
		const state = STATES.completedTimeline();
		expect(state.history.map(entry => entry.restart)).toEqual([3, 2, 1, 0]);
		const [latest] = state.history;
		expect(latest?.stopMs).toBeGreaterThan(1000);
		expect(latest?.startMs).toBeGreaterThan(300);
		expect(latest?.forced).toBe(false);
		expect(state.restart).toBe(3);
	});

	it('marks a force kill and the phase it interrupted', () => {
		const state = STATES.forceKilled();
		expect(state.last?.forced).toBe(true);
		expect(state.last?.interruptedPhase).toBe('save_state');
		expect(state.history[0]?.forced).toBe(true);
		expect(state.stop).toBeUndefined();
	});

	it('moves the deadline when the app is granted more time', () => {
		const script = createScript();
		spawn(script, 100, 0);
		stopForChange(script, {pid: 100, files: [], batch: 1, phases: [{name: 'save', ms: 0}], pauseMs: 100});
		const before = fold(script.events);
		script.emit({type: 'app/extend', pid: 100, requestedMs: 5000, grantedMs: 5000, deadline: before.stop!.deadline + 5000});
		expect(fold(script.events).stop?.deadline).toBe(before.stop!.deadline + 5000);
	});

	it('keeps a crash with its stderr tail, cleaned of control characters', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.emit({type: 'run/crashed', pid: 100, code: 2, signal: null, uptimeMs: 50, stderrTail: ['a\tb\r'], restartInMs: 1000});
		script.emit({type: 'supervisor/state', state: 'crashed', previous: 'running'});
		const state = fold(script.events);
		expect(appStatus(state)).toBe('crashed');
		expect(state.crash).toMatchObject({code: 2, stderrTail: ['a    b'], restartAt: script.now() + 1000});
	});

	it('shows held changes and forgets them on release', () => {
		const held = STATES.held();
		expect(appStatus(held)).toBe('held');
		expect(held.pending).toHaveLength(3);
		const released = reduce(held, {type: 'supervisor/held', held: false, pending: held.pending, at: held.now});
		expect(released.held).toBe(false);
		expect(released.pending).toEqual([]);
	});

	it('keeps the state summary, the invalid save and the restored snapshot', () => {
		const state = STATES.invalidSave();
		expect(state.persisted.invalid?.reason).toBe('truncated');
		expect(state.persisted.restored?.snapshot).toBe('.devtui/snapshots/0003.json');
		// The keys changed by the replaced save do not describe the restored snapshot.
		expect(state.persisted.changedKeys).toEqual([]);
		const script = createScript();
		validated(script, {bytes: 10, keys: ['a'], changedKeys: ['a'], snapshot: 's.json'});
		const after = fold(script.events, state);
		expect(after.persisted.invalid).toBeUndefined();
		expect(after.persisted.changedKeys).toEqual(['a']);
	});

	it('forgets the chosen snapshot once the rollback happened', () => {
		const chosen = reduce(initial(), {type: 'snapshot/chosen', file: 's/1.json'});
		expect(chosen.chosenSnapshot).toBe('s/1.json');
		const other = reduce(chosen, {type: 'state/restored', snapshot: 's/0.json', reason: 'truncated', at: T0});
		expect(other.chosenSnapshot).toBe('s/1.json');
		const rolledBack = reduce(chosen, {type: 'state/restored', snapshot: 's/1.json', reason: 'rollback', at: T0});
		expect(rolledBack.chosenSnapshot).toBeUndefined();
	});

	it('never changes the state it is given', () => {
		const state = deepFreeze(STATES.stopping());
		const script = createScript(state.now);
		output(script, 4293, 'stdout', ['x']);
		expect(() => reduceAll(state, [...script.events, {type: 'ui/focus', step: 1}, {type: 'tick', now: state.now + 5}])).not.toThrow();
	});
});

describe('the log buffer', () => {
	const lines = (count: number, from = 0) => Array.from({length: count}, (_, index) => `line ${from + index}`);
	const outputEvent = (batch: string[], stream: 'stdout' | 'stderr' = 'stdout', pid = 1): SupervisorEvent => ({type: 'run/output', pid, stream, lines: batch, at: T0});

	it('is capped, dropping the oldest lines and counting them', () => {
		const state = fold([outputEvent(lines(LOG_CAP - 10)), outputEvent(lines(30, LOG_CAP))]);
		expect(state.logs.entries).toHaveLength(LOG_CAP);
		expect(state.logs.dropped).toBe(20);
		expect(state.logs.entries.at(-1)?.text).toBe(`line ${LOG_CAP + 29}`);
		expect(state.logs.entries[0]?.text).toBe('line 20');
	});

	it('never builds more than the cap from one huge batch', () => {
		const state = fold([outputEvent(lines(LOG_CAP * 3))]);
		expect(state.logs.entries).toHaveLength(LOG_CAP);
		expect(state.logs.entries[0]?.text).toBe(`line ${LOG_CAP * 2}`);
		expect(state.logs.dropped).toBe(LOG_CAP * 2);
		// Ids keep counting the dropped lines, so an anchor id stays meaningful.
		expect(state.logs.entries[0]?.id).toBe(LOG_CAP * 2 + 1);
	});

	it("shows a notice as one of devtui's own lines", () => {
		const state = fold([{type: 'devtui/notice', message: 'django runserver runs its own reloader: devtui adds --noreload', at: T0}]);
		expect(state.logs.entries.map(entry => [entry.stream, entry.text])).toEqual([['devtui', '» django runserver runs its own reloader: devtui adds --noreload']]);
	});

	it('cuts runaway lines and expands tabs', () => {
		const state = fold([outputEvent(['\tx', 'y'.repeat(5000)])]);
		expect(state.logs.entries[0]?.text).toBe('    x');
		expect(state.logs.entries[1]?.text.length).toBeLessThan(2100);
	});

	it('joins consecutive output of one stream, and keeps the order across streams', () => {
		const actions = coalesceOutput([outputEvent(['a']), outputEvent(['b']), outputEvent(['c'], 'stderr'), outputEvent(['d'])]);
		expect(actions.map(action => (action.type === 'run/output' ? action.lines.join('') : action.type))).toEqual(['ab', 'c', 'd']);
		const state = fold([outputEvent(['a']), outputEvent(['b']), outputEvent(['c'], 'stderr'), outputEvent(['d'])]);
		expect(state.logs.entries.map(entry => `${entry.stream}:${entry.text}`)).toEqual(['stdout:a', 'stdout:b', 'stderr:c', 'stdout:d']);
	});

	it('makes pino levels searchable by name', () => {
		const state = fold([outputEvent([JSON.stringify({level: 40, time: T0, msg: 'slow'})])]);
		expect(state.logs.entries[0]?.search).toContain('warn');
	});
});

describe('the reducer folds the dashboard actions', () => {
	const withLines = (count: number) =>
		fold([{type: 'run/output', pid: 1, stream: 'stdout', lines: Array.from({length: count}, (_, index) => `line ${index}`), at: T0}]);

	it('cycles the focus through the panes both ways', () => {
		let state = initial();
		const seen = [];
		for (let index = 0; index < 4; index++) {
			state = reduce(state, {type: 'ui/focus', step: 1});
			seen.push(state.ui.focus);
		}
		expect(seen).toEqual(['inspector', 'changes', 'timeline', 'logs']);
		expect(reduce(state, {type: 'ui/focus', step: -1}).ui.focus).toBe('timeline');
		// The narrow screen's bottom tab follows the last of logs and inspector focused.
		expect(reduce(state, {type: 'ui/focus-pane', pane: 'inspector'}).ui.bottom).toBe('inspector');
	});

	it('keeps a paused log view on the same line while new lines arrive', () => {
		const rows: LogRows = entry => [entry.text];
		const lines = withLines(100);
		const paused = reduce(lines, {type: 'ui/log-view', view: scrollLogView(lines.logs.entries, lines.ui.log, -10, 10, rows)});
		expect(paused.ui.log).toEqual({follow: false, anchorId: 90});
		const more = fold([{type: 'run/output', pid: 1, stream: 'stdout', lines: ['new'], at: T0}], paused);
		expect(more.ui.log).toEqual({follow: false, anchorId: 90});
		// The other panes' scrolling never moves the logs (the keys move them by display rows).
		expect(reduce(more, {type: 'ui/scroll', by: 100}).ui.log).toEqual({follow: false, anchorId: 90});
	});

	it('toggles wrapping, keeping the place in the logs', () => {
		const paused = reduce(withLines(20), {type: 'ui/log-view', view: {follow: false, anchorId: 5, below: 1}});
		const cut = reduce(paused, {type: 'ui/wrap'});
		expect(cut.ui.wrap).toBe(false);
		expect(cut.ui.log).toEqual(paused.ui.log);
		expect(reduce(cut, {type: 'ui/wrap'}).ui.wrap).toBe(true);
	});

	it('filters: type, apply, clear', () => {
		let state = withLines(20);
		state = reduceAll(state, [{type: 'ui/filter-open'}, {type: 'ui/filter-input', text: 'line 1'}, {type: 'ui/filter-input', text: 'x'}, {type: 'ui/filter-delete'}]);
		expect(state.ui.filter).toEqual({editing: true, draft: 'line 1', applied: ''});
		state = reduce(state, {type: 'ui/filter-apply'});
		expect(state.ui.filter).toEqual({editing: false, draft: 'line 1', applied: 'line 1'});
		state = reduce(state, {type: 'ui/filter-clear'});
		expect(state.ui.filter.applied).toBe('');
	});

	it('expands and collapses the node under the cursor, and keeps the cursor inside the rows', () => {
		let state = reduceAll(initial(), [{type: 'preview/loaded', preview: PREVIEW}, {type: 'ui/focus-pane', pane: 'inspector'}]);
		state = reduceAll(state, [{type: 'ui/scroll', by: 2}, {type: 'ui/tree-toggle'}]);
		expect(state.ui.tree.expanded).toEqual({'/sessions': true});
		state = reduce(state, {type: 'ui/tree-toggle'});
		expect(state.ui.tree.expanded).toEqual({});
		state = reduce(state, {type: 'ui/scroll', by: 1000});
		expect(state.ui.tree.cursor).toBe(6);
		// A scalar does not expand.
		expect(reduce(reduce(state, {type: 'ui/scroll-to', edge: 'start'}), {type: 'ui/tree-toggle'}).ui.tree.expanded).toEqual({});
	});

	it('moves the snapshot cursor while the browser is open', () => {
		const state = STATES.snapshotBrowser();
		expect(state.ui.browser).toEqual({open: true, cursor: 2});
		expect(reduce(state, {type: 'ui/scroll', by: -5}).ui.browser.cursor).toBe(0);
		expect(reduce(state, {type: 'ui/browser'}).ui.browser.open).toBe(false);
	});

	it('advances time only forwards', () => {
		const state = initial();
		expect(reduce(state, {type: 'tick', now: T0 + 1000}).now).toBe(T0 + 1000);
		expect(reduce(state, {type: 'tick', now: T0 - 1000})).toBe(state);
	});
});
