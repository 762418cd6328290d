// The dashboard's clock on a rendered App, with the real clock and real timers: the uptime still
// moves, a restart brings back the per-second uptime, an idle dashboard past its first minute does
// not re-render, and output still shows at once.

import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {useDashboard} from '../../src/hooks/use-dashboard.js';
import {reduceAll} from '../../src/store/reducer.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {createInitialState} from '../../src/store/state.js';
import {createStore, type DashboardStore} from '../../src/store/store.js';
import {driveClock} from '../../src/tui/drive-clock.js';
import {COMMAND, CWD, createScript, ready, spawn} from '../fixtures/dashboard-script.js';
import {renderAt, type Rendered} from '../helpers/render.js';
import {waitFor} from '../helpers/wait-for.js';

const commands: DashboardCommands = {restart() {}, togglePostpone() {}, forceKill() {}, quit() {}, listSnapshots() {}, loadSnapshot() {}};

// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;]*m/g, '');

let cleanup: (() => void)[] = [];
afterEach(() => {
	for (const step of cleanup.reverse()) step();
	cleanup = [];
});

/** A store whose app started `uptimeMs` ago (by the real clock) and is ready. */
const storeWithUptime = (uptimeMs: number): DashboardStore => {
	const script = createScript(Date.now() - uptimeMs);
	spawn(script, 4242, 0);
	ready(script, 4242, 0, 100);
	const store = createStore(reduceAll(createInitialState({command: COMMAND, cwd: CWD, watch: ['src'], now: script.now()}), script.events));
	store.dispatch({type: 'tick', now: Date.now()});
	return store;
};

const mount = (store: DashboardStore): {view: Rendered; renders: () => number} => {
	let renders = 0;
	// Re-renders whenever the store hands React a new state, like every pane does.
	const Counter = () => {
		useDashboard();
		renders++;
		return null;
	};
	const view = renderAt(
		<DashboardProvider store={store} commands={commands} formatLog={createLogFormatter({color: false})}>
			<Counter />
			<App />
		</DashboardProvider>,
		{columns: 100, rows: 30},
	);
	const stopClock = driveClock({store});
	cleanup.push(() => view.unmount(), stopClock, () => store.dispose());
	return {view, renders: () => renders};
};

const header = (view: Rendered) => plain(view.lastFrame()).split('\n')[0] ?? '';

describe('the dashboard clock', () => {
	it('shows the first minute as "<1m" and draws nothing in it while idle', async () => {
		const store = storeWithUptime(1200);
		const {view, renders} = mount(store);
		expect(header(view)).toContain('up <1m');
		const before = renders();
		// Seconds used to redraw every second: 2.5 s would have shown at least two renders.
		await new Promise(resolve => setTimeout(resolve, 2500));
		expect(renders()).toBe(before);
	}, 15_000);

	it('moves to minutes when the first one is over', async () => {
		const {view} = mount(storeWithUptime(59_000));
		expect(header(view)).toContain('up <1m');
		await waitFor(() => header(view).includes('up 1m'), {timeout: 5000, message: () => `up 1m in ${header(view)}`});
	});

	it('shows whole minutes after the first one', () => {
		const {view} = mount(storeWithUptime(3 * 60_000 + 12_000));
		expect(header(view)).toMatch(/up 3m · no restarts/);
	});

	it('does not re-render an idle dashboard past its first minute, and still shows output at once', async () => {
		const store = storeWithUptime(61_000);
		const {view, renders} = mount(store);
		const before = renders();
		// Absence can only be watched for a while: the old clock redrew every second, so 2.5 s
		// would have shown at least two renders.
		await new Promise(resolve => setTimeout(resolve, 2500));
		expect(renders()).toBe(before);
		store.ingest({type: 'run/output', pid: 4242, stream: 'stdout', lines: ['a line after a quiet spell'], at: Date.now()});
		await waitFor(() => plain(view.lastFrame()).includes('a line after a quiet spell'), {timeout: 5000, message: 'the line on screen'});
		expect(renders()).toBeGreaterThan(before);
	}, 15_000);

	it('goes back to under a minute when the app restarts', async () => {
		const store = storeWithUptime(61_000);
		const {view} = mount(store);
		expect(header(view)).toContain('up 1m');
		const at = Date.now();
		store.ingest({type: 'supervisor/state', state: 'starting', previous: 'running', at});
		store.ingest({type: 'run/spawned', pid: 4300, restart: 1, command: COMMAND, spawnMs: 5, at});
		store.ingest({type: 'supervisor/state', state: 'running', previous: 'starting', at});
		await waitFor(() => header(view).includes('up <1m'), {timeout: 5000, message: () => `up <1m in ${header(view)}`});
	});
});
