// Frames of a stack's dashboard: the services pane in each state a service can be in (running,
// waiting, crashed, held), and the whole screen at 80x24 with eight services and at 120x40. The
// states are folded from real stack streams (test/fixtures/states-stack.ts).

import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {ServicesPane} from '../../components/ServicesPane.js';
import {serviceColor} from '../../components/theme.js';
import {reduceAll} from '../../src/store/reducer.js';
import {reduceStack, reduceStackAll} from '../../src/store/reduce-stack.js';
import {createStackState} from '../../src/store/stack-state.js';
import {serviceRows} from '../../src/store/stack-view.js';
import {createInitialState} from '../../src/store/state.js';
import {COMMAND, CWD, createScript, output, ready, spawn, T0} from '../fixtures/dashboard-script.js';
import {serviceInfo} from '../fixtures/stack-script.js';
import {App} from '../../components/App.js';
import {DashboardProvider} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {createStore} from '../../src/store/store.js';
import {renderAt} from '../helpers/render.js';
import {idleCommands} from '../helpers/render-stack.js';
import {STACK_STATES, type StackStateName} from '../fixtures/states-stack.js';
import type {Rendered} from '../helpers/render.js';
import {renderStack} from '../helpers/render-stack.js';

// eslint-disable-next-line no-control-regex
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001B\[[\d;]*m/g, '');

let mounted: Rendered | undefined;
afterEach(() => {
	cleanup();
	mounted?.unmount();
	mounted = undefined;
});

const pane = (name: StackStateName, width = 44, focused = false): string => {
	const state = STACK_STATES[name]();
	const rows = serviceRows(state);
	const frame = plain(render(<ServicesPane rows={rows} focused={focused} width={width} height={rows.length + 1} />).lastFrame());
	for (const line of frame.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(width);
	return frame;
};

const frameOf = (name: StackStateName, columns: number, rows: number): string => {
	mounted = renderStack(STACK_STATES[name](), {columns, rows});
	const frame = plain(mounted.lastFrame());
	const lines = frame.split('\n');
	// One row is left free below the frame (see App).
	expect(lines.length).toBe(rows - 1);
	for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
	return frame;
};

describe('ServicesPane', () => {
	it('running: status, pid, restarts and the last change→ready time, the focused one marked', () => {
		const frame = pane('stackRunning');
		expect(frame).toMatch(/› ● api +ready +4119 ↻2 +981 ms/);
		expect(frame).toMatch(/ {2}● queue +ready +4101 ↻0$/m);
		expect(frame).toMatchSnapshot();
	});

	it('waiting: what the service waits for, in place of its figures', () => {
		const frame = pane('stackWaiting');
		expect(frame).toContain('○ worker waits for queue ready');
		expect(frame).toMatch(/● queue +running +4102 ↻1/);
		expect(frame).toMatchSnapshot();
	});

	it('crashed: the crashed service, and the one waiting for it says why it cannot start', () => {
		const frame = pane('stackCrashed');
		expect(frame).toMatch(/› ● api +crashed +4119 ↻2/);
		expect(frame).toContain('○ web    waits for api (crashed)');
		expect(frame).toMatchSnapshot();
	});

	it('held: the held service with its pending changes', () => {
		const frame = pane('stackHeld');
		expect(frame).toMatch(/› ● worker held \+2 +4133 ↻0/);
		expect(frame).toMatchSnapshot();
	});

	it('focused, at the narrowest left column (36): the time goes before anything else is cut', () => {
		const frame = pane('stackPaneFocused', 36, true);
		expect(frame).toContain('─ Services · 4 · ↻ · change→ready');
		expect(frame).toMatch(/› ○ worker waits for queue ready/);
		expect(frame).toMatchSnapshot();
	});

	it('more services than rows: a window around the focused one, and the title says which', () => {
		const state = STACK_STATES.stackEight();
		const frame = plain(render(<ServicesPane rows={serviceRows(state)} focused={false} width={44} height={5} />).lastFrame());
		expect(frame).toContain('8 (1-4 shown)');
		expect(frame).toContain('› ● api');
		expect(frame.split('\n')).toHaveLength(5);
	});
});

describe('the stack dashboard at 80x24', () => {
	const NAMES: StackStateName[] = ['stackEight', 'stackEightCrashed', 'stackWaiting', 'stackHeld', 'stackLogFocused', 'stackPaneFocused', 'stackHelp'];
	for (const name of NAMES) {
		it(name, () => {
			expect(frameOf(name, 80, 24)).toMatchSnapshot();
		});
	}

	it('eight services: every one on its row, the focused one in the panes, every service named in the log', () => {
		const frame = frameOf('stackEight', 80, 24);
		expect(frame.split('\n')[0]).toBe('● 8 services · 6 ready · 1 running · 1 waiting');
		expect(frame).toContain('› api ready · uvicorn app.main:app --port 8000');
		for (const service of ['queue', 'api', 'worker', 'web', 'mailer', 'search', 'cron', 'admin']) expect(frame).toMatch(new RegExp(`[›\\s] [●○] ${service} `));
		expect(frame).toContain('─ Restart #2 · change → ready in 981ms');
		expect(frame).toMatch(/^worker {2}◌ waits for queue ready/m);
		expect(frame).toMatch(/^queue {3}fake queue: replaying 12 messages from disk/m);
	});

	it('a crashed service focused: its crash panel, its stderr in the log under its name', () => {
		const frame = frameOf('stackEightCrashed', 80, 24);
		expect(frame).toContain('─ Crashed · exit code 1 after 20.0s');
		expect(frame).toContain('○ web    waits for api (crashed)');
		expect(frame).toMatch(/^api {4}┃AttributeError: 'NoneType' object has no attribute 'items'/m);
		expect(frame).toContain('1 crashed');
	});

	it('the log of the focused service only: no names, the title says whose', () => {
		const frame = frameOf('stackLogFocused', 80, 24);
		expect(frame).toContain('─ Logs · only api · ');
		expect(frame).not.toMatch(/^(queue|worker|web) /m);
		expect(frame).toContain(' INFO:     Uvicorn running on http://127.0.0.1:8000');
	});

	it('the help lists every key, a stack\'s included, in two columns when one cannot hold them', () => {
		const frame = frameOf('stackHelp', 80, 24);
		for (const label of ['r ', 'p ', 'k ', 'q ', 'ctrl+c', 'R ', 'P ', '[ ]', '1-9', 'l ', 'tab/shift+tab', '↑↓', 'PgUp/PgDn', 'Home/End', 'esc', '? ', '/ ', 'w ', 'enter/space', 's ']) {
			expect(frame).toContain(`   ${label}`);
		}
	});
});

describe('the stack dashboard at 120x40', () => {
	for (const name of ['stackEight', 'stackWaiting', 'stackPaneFocused', 'stackHelp'] as StackStateName[]) {
		it(name, () => {
			expect(frameOf(name, 120, 40)).toMatchSnapshot();
		});
	}

	it('room for the changes and the history beside the services', () => {
		const frame = frameOf('stackWaiting', 120, 40);
		expect(frame).toContain('─ Services · 4 · ↻ restarts · change→ready');
		expect(frame).toContain('─ Changes · 2 files');
		expect(frame).toContain('─ History');
	});
});

describe('colours', () => {
	// Ink's own colours are off in a test run (no TTY); the screenshots render them (FORCE_COLOR).
	it('a distinct colour for each of eight services, none of them a status colour', () => {
		const colours = Array.from({length: 8}, (_, index) => serviceColor(index));
		expect(new Set(colours).size).toBe(8);
		for (const colour of colours) expect(['red', 'yellow', 'green']).not.toContain(colour);
		// The same service, the same colour: it comes from its place in the stack's order.
		expect(serviceColor(2)).toBe(serviceColor(2));
	});
});

describe('a stack of one service', () => {
	it('looks exactly like one app: no services pane, no names in the log, the same frame', () => {
		const script = createScript();
		script.emit({type: 'watch/ready', paths: [`${CWD}/src`], durationMs: 10, polling: false});
		spawn(script, 4242, 0);
		output(script, 4242, 'stdout', ['listening on http://localhost:3000']);
		output(script, 4242, 'stderr', ['warn: cache cold']);
		ready(script, 4242, 0, 300);
		script.wait(5_000);
		const tick = {type: 'tick', now: script.now()} as const;
		const app = reduceAll(createInitialState({command: COMMAND, cwd: CWD, watch: [], now: T0}), [...script.events, tick]);
		const info = serviceInfo('app', COMMAND, {}, CWD);
		const stack = reduceStack(reduceStackAll(createStackState({cwd: CWD, now: T0, services: [info]}), script.events.map(event => ({...event, service: 'app'}))), tick);
		const alone = renderAt(
			<DashboardProvider store={createStore(app)} commands={idleCommands} formatLog={createLogFormatter({color: false})}>
				<App />
			</DashboardProvider>,
			{columns: 80, rows: 24},
		);
		const single = plain(alone.lastFrame());
		alone.unmount();
		mounted = renderStack(stack, {columns: 80, rows: 24});
		const one = plain(mounted.lastFrame());
		expect(one).toBe(single);
		expect(one).not.toContain('Services');
	});
});
