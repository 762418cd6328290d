// Keys pressed on the mounted dashboard: what each one asks of the core, and what it changes on
// screen. The commands are a recorder; the store, the keymap and Ink's input handling are real.

import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
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
		await waitFor(() => view.frame().includes('─ Logs · 16 lines'), {message: 'the filter to clear'});
		await view.press('/');
		for (const key of ['c', 'a', 'r', 'd', 'x']) await view.press(key);
		await view.press(KEYS.backspace);
		expect(view.frame()).toContain('/ card');
		await view.press(KEYS.enter);
		expect(view.frame()).toContain('filter "card" · 1 of 16 lines');
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
