// Keys pressed on the mounted dashboard: what each one asks of the core, and what it changes on
// screen. The commands are a recorder; the store, the keymap and Ink's input handling are real.

import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {reduceAll} from '../../src/store/reducer.js';
import type {DashboardState} from '../../src/store/state.js';
import {createStore, type DashboardStore} from '../../src/store/store.js';
import {STATES} from '../fixtures/states.js';
import {KEYS, renderAt, type Rendered} from '../helpers/render.js';
import {waitFor} from '../helpers/wait-for.js';

// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;]*m/g, '');

const recorder = () => {
	const calls: string[] = [];
	const commands: DashboardCommands = {
		restart: () => calls.push('restart'),
		togglePostpone: () => calls.push('togglePostpone'),
		forceKill: () => calls.push('forceKill'),
		quit: () => calls.push('quit'),
		listSnapshots: () => calls.push('listSnapshots'),
		loadSnapshot: file => calls.push(`loadSnapshot ${file}`),
	};
	return {calls, commands};
};

let mounted: {rendered: Rendered; store: DashboardStore} | undefined;
afterEach(() => {
	mounted?.rendered.unmount();
	mounted?.store.dispose();
});

const mount = (state: DashboardState, commands: DashboardCommands, size = {columns: 80, rows: 24}) => {
	const store = createStore(state);
	const rendered = renderAt(
		<DashboardProvider store={store} commands={commands} formatLog={createLogFormatter({color: false})}>
			<App />
		</DashboardProvider>,
		size,
	);
	mounted = {rendered, store};
	return {...rendered, store, frame: () => plain(rendered.lastFrame())};
};

describe('keys on the dashboard', () => {
	it('send restart, postpone, force kill and quit to the core', async () => {
		const {calls, commands} = recorder();
		const view = mount(STATES.runningWithLogs(), commands);
		for (const key of ['r', 'p', 'k', 'q', 'q', KEYS.ctrlC]) await view.press(key);
		// The second q and Ctrl-C reach the same command: the composition root turns a second quit into a force kill.
		expect(calls).toEqual(['restart', 'togglePostpone', 'forceKill', 'quit', 'quit', 'quit']);
	});

	it('move the focus with tab and shift+tab; the narrow screen shows the focused tab', async () => {
		const view = mount(STATES.inspectorCollapsed(), recorder().commands);
		expect(view.frame()).toContain('─ State');
		await view.press(KEYS.shiftTab);
		expect(view.store.getState().ui.focus).toBe('logs');
		expect(view.frame()).toContain('─ Logs');
		await view.press(KEYS.tab);
		expect(view.frame()).toContain('─ State');
	});

	it('open and close the help', async () => {
		const view = mount(STATES.runningWithLogs(), recorder().commands);
		await view.press('?');
		expect(view.frame()).toContain('─ Keys');
		await view.press(KEYS.escape);
		await waitFor(() => !view.frame().includes('─ Keys'), {message: 'the help to close'});
		expect(view.frame()).toContain('─ Logs');
	});

	it('filter the logs: type, enter applies, esc clears', async () => {
		const view = mount(STATES.logFilter(), recorder().commands);
		await view.press(KEYS.escape);
		await waitFor(() => view.frame().includes('─ Logs · 17 lines'), {message: 'the filter to clear'});
		await view.press('/');
		for (const key of ['c', 'a', 'r', 'd', 'x']) await view.press(key);
		await view.press(KEYS.backspace);
		expect(view.frame()).toContain('/ card');
		await view.press(KEYS.enter);
		expect(view.frame()).toContain('filter "card" · 1 of 17 lines');
		expect(view.frame()).toContain('order 5521 failed: Error: card declined');
	});

	it('scroll the logs back, and End follows again', async () => {
		const view = mount(STATES.runningWithLogs(), recorder().commands);
		await view.press(KEYS.pageUp);
		expect(view.frame()).toContain('paused, End follows');
		expect(view.frame()).toContain('▶ started pid 4242');
		await view.press(KEYS.end);
		expect(view.frame()).toContain('following');
	});

	it('scroll a row at a time through a line that wraps, a page of rows with PgUp, and Home shows the first page', async () => {
		const view = mount(STATES.runningWithLogs(), recorder().commands);
		const logRows = () => {
			const rows = view.frame().split('\n');
			const title = rows.findIndex(row => row.startsWith('─ Logs'));
			return rows.slice(title + 1, -1);
		};
		// The long line takes the last two rows.
		expect(logRows().slice(-2)).toEqual(['     indented with a tab, and a very long line that goes on past the edge of an', '     80 column terminal to show where it is cut']);
		await view.press(KEYS.up);
		expect(view.frame()).toContain('paused, End follows');
		expect(logRows().at(-1)).toBe('     indented with a tab, and a very long line that goes on past the edge of an');
		await view.press(KEYS.up);
		expect(logRows().at(-1)).toBe(' GET  /api/products/991    404    2ms');
		await view.press(KEYS.home);
		expect(logRows()[0]).toBe(' ▶ started pid 4242: node server.mjs --port 3000');
		await view.press(KEYS.end);
		expect(view.frame()).toContain('following');
		expect(logRows().at(-1)).toBe('     80 column terminal to show where it is cut');
	});

	it('page through wrapped lines by rows: PgUp shows the rows just above, PgDn these again', async () => {
		const state = STATES.runningWithLogs();
		const lines = Array.from({length: 30}, (_, index) => (index % 3 === 0 ? `line ${index} ${'that wraps over two rows '.repeat(4)}` : `line ${index}`));
		const withLines = reduceAll(state, [{type: 'run/output', pid: 4242, stream: 'stdout', lines, at: state.now}]);
		const logRows = (frame: string) => {
			const rows = plain(frame).split('\n');
			return rows.slice(rows.findIndex(row => row.startsWith('─ Logs')) + 1, -1);
		};
		// Every row, from a terminal as wide and tall enough for all of them.
		const all = logRows(mount(withLines, recorder().commands, {columns: 80, rows: 120}).lastFrame()).filter(row => row.trim() !== '');
		mounted?.rendered.unmount();
		const view = mount(withLines, recorder().commands);
		const bottom = logRows(view.lastFrame());
		expect(all.slice(-bottom.length)).toEqual(bottom);
		await view.press(KEYS.pageUp);
		const above = logRows(view.lastFrame());
		expect(above).toEqual(all.slice(-2 * bottom.length, -bottom.length));
		await view.press(KEYS.pageDown);
		expect(logRows(view.lastFrame())).toEqual(bottom);
		expect(view.frame()).toContain('following');
	});

	it('w cuts app lines at the edge and wraps them again; devtui lines stay whole', async () => {
		const view = mount(STATES.socketIgnored(), recorder().commands);
		expect(view.frame()).toContain('     80 column terminal to show where it is cut');
		await view.press('w');
		expect(view.store.getState().ui.wrap).toBe(false);
		expect(view.frame()).toContain('lines cut');
		expect(view.frame()).toContain('     indented with a tab, and a very long line that goes on past the edge of an…');
		expect(view.frame()).not.toContain('80 column terminal');
		// The last row of devtui's advice, wrapped, not cut.
		expect(view.frame()).toContain("   fd://3); run the app's own command after --, not a launcher");
		await view.press('w');
		expect(view.frame()).toContain('     80 column terminal to show where it is cut');
	});

	it('give the logs the whole width of an app without state; tab still reaches the state pane', async () => {
		const view = mount(STATES.runningWithLogs(), recorder().commands, {columns: 120, rows: 40});
		expect(view.frame()).not.toContain('─ State');
		await view.press(KEYS.tab);
		expect(view.store.getState().ui.focus).toBe('inspector');
		expect(view.frame()).toContain('─ State');
		expect(view.frame()).toContain('no state file yet');
		expect(view.frame()).not.toContain('─ Logs');
	});

	it('expand a node with enter, and choose a snapshot for the next start', async () => {
		const {calls, commands} = recorder();
		const view = mount(STATES.inspectorCollapsed(), commands);
		await view.press(KEYS.down);
		await view.press(KEYS.down);
		await view.press(KEYS.enter);
		expect(view.frame()).toContain('▾ sessions');
		expect(view.frame()).toContain('byUser: {3}');
		await view.press('s');
		expect(calls).toEqual(['listSnapshots']);
		const items = [{file: '.devtui/snapshots/a.json', path: '/app/.devtui/snapshots/a.json', restart: 2, bytes: 900, changedKeys: ['x'], savedAt: 0, valid: true}];
		view.store.dispatch({type: 'snapshots/listed', items});
		await view.press(KEYS.enter);
		expect(calls).toEqual(['listSnapshots', 'loadSnapshot /app/.devtui/snapshots/a.json']);
		expect(view.frame()).toContain('next start loads .devtui/snapshots/a.json');
		// Enter again cancels the choice.
		await view.press(KEYS.enter);
		expect(calls.at(-1)).toBe('loadSnapshot undefined');
	});

	it('act promptly during a flood of output', async () => {
		const view = mount(STATES.runningWithLogs(), recorder().commands);
		let sent = 0;
		const flood = setInterval(() => {
			for (let index = 0; index < 200; index++) {
				view.store.ingest({type: 'run/output', pid: 4242, stream: 'stdout', lines: [JSON.stringify({level: 30, time: 0, msg: `line ${sent++}`})], at: 0});
			}
		}, 1);
		try {
			await waitFor(() => sent > 5000, {message: 'the flood to start'});
			const started = performance.now();
			await view.press('?');
			await waitFor(() => view.frame().includes('─ Keys'), {message: 'the help during a flood', interval: 1});
			// Generous for a loaded machine; it takes a few tens of ms on an idle one.
			expect(performance.now() - started).toBeLessThan(1000);
		} finally {
			clearInterval(flood);
		}
	});
});
