// Frames of the whole dashboard, for every state a user can see, at 80x24 and (for a selection)
// on a wide 140x40 terminal. The states come from real event sequences (test/fixtures/states.ts).

import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import type {DashboardState} from '../../src/store/state.js';
import {createStore} from '../../src/store/store.js';
import {STATES, type StateName} from '../fixtures/states.js';
import {renderAt, type Rendered} from '../helpers/render.js';

const idle: DashboardCommands = {restart() {}, togglePostpone() {}, forceKill() {}, quit() {}, listSnapshots() {}, loadSnapshot() {}};

// Colour depends on the machine running the tests; the text and the layout do not.
// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;]*m/g, '');

let mounted: Rendered | undefined;
afterEach(() => mounted?.unmount());

export const renderState = (state: DashboardState, size: {columns: number; rows: number}, commands = idle): Rendered => {
	const store = createStore(state);
	mounted = renderAt(
		<DashboardProvider store={store} commands={commands} formatLog={createLogFormatter({color: false})}>
			<App />
		</DashboardProvider>,
		size,
	);
	return mounted;
};

const frameOf = (name: StateName, columns: number, rows: number): string => plain(renderState(STATES[name](), {columns, rows}).lastFrame());

const checkFits = (frame: string, columns: number, rows: number) => {
	const lines = frame.split('\n');
	// One row is left free below the frame (see App).
	expect(lines.length).toBe(rows - 1);
	for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
};

const ALL = Object.keys(STATES) as StateName[];
const WIDE: StateName[] = ['runningWithLogs', 'stopping', 'forceKilled', 'crashed', 'inspectorExpanded', 'snapshotBrowser', 'help', 'socketNotTaken', 'checkFailed'];

describe('the dashboard at 80x24', () => {
	for (const name of ALL) {
		it(name, () => {
			const frame = frameOf(name, 80, 24);
			checkFits(frame, 80, 24);
			expect(frame).toMatchSnapshot();
		});
	}
});

describe('the dashboard at 140x40', () => {
	for (const name of WIDE) {
		it(name, () => {
			const frame = frameOf(name, 140, 40);
			checkFits(frame, 140, 40);
			expect(frame).toMatchSnapshot();
		});
	}
});

describe('what the frames must show', () => {
	it('the countdown and the running phases while stopping', () => {
		const frame = frameOf('stopping', 80, 24);
		expect(frame).toContain('SIGTERM sent · force kill in 7s');
		expect(frame).toMatch(/save_state +.*1\.65s …/);
	});

	it('the force kill and the phase it cut short', () => {
		expect(frameOf('forceKilled', 80, 24)).toContain('✗ killed at 10.0s timeout, in save_state');
	});

	it('pino lines pretty-printed, stderr marked', () => {
		const frame = frameOf('jsonLogs', 80, 24);
		expect(frame).toContain('WARN: slow query {"table":"products","ms":812}');
		expect(frameOf('crashed', 80, 24)).toContain("┃TypeError: Cannot read properties of undefined (reading 'items')");
	});

	it("the app's own colours, untouched", () => {
		const frame = renderState(STATES.runningWithLogs(), {columns: 80, rows: 24}).lastFrame();
		expect(frame).toContain('\u001B[32m✓\u001B[39m connected to postgres');
	});

	it('the held socket: who took it, and the connections waiting while the app restarts', () => {
		expect(frameOf('socketWaiting', 80, 24)).toContain('⇄ 127.0.0.1:3000 → pid 4242 ✓ taken · 7 waiting');
		expect(frameOf('socketNotTaken', 80, 24)).toContain('⇄ 127.0.0.1:3000 → pid 4259 not taken yet · 9 waiting');
		expect(frameOf('socketTaken', 80, 24)).toContain('⇄ 127.0.0.1:3000 → pid 4259 ✓ taken · peak 9 waiting');
		// Without --listen nothing of it shows.
		expect(frameOf('runningWithLogs', 80, 24)).not.toContain('⇄');
	});

	it('a running check, and a failed one with its blamed files, its output and the way out', () => {
		const running = frameOf('checkRunning', 80, 24);
		expect(running).toContain('─ Checking · npm run typecheck');
		expect(running).toContain('─ Checking · change · 1.45s so far');
		expect(running).toMatch(/│ check +▒+·* +1\.40s …/);
		const frame = frameOf('checkFailed', 80, 24);
		expect(frame).toContain('─ Check failed · npm run typecheck');
		expect(frame).toContain('old app still serving · exit 2 · 2.82s');
		expect(frame).toContain('fix and save, or r to restart anyway');
		expect(frame).toContain(' ~ src/routes/cart.ts ✗');
		expect(frame).toMatch(/┃ src\/routes\/cart\.ts\(58,12\): error TS2345/);
		expect(frame).toContain('r restart anyway');
		// The restart after a passing check shows the check as the first phase of its timeline.
		const passed = frameOf('checkPassedRestart', 80, 24);
		expect(passed).toMatch(/│ check +█+·+ +2\.61s/);
		expect(passed).not.toContain('Check failed');
		expect(passed).toContain('r restart ');
		expect(passed).not.toContain('restart anyway');
	});

	it('the same screen reflowed when the terminal is resized', async () => {
		const rendered = renderState(STATES.inspectorCollapsed(), {columns: 80, rows: 24});
		expect(plain(rendered.lastFrame())).not.toContain('─ Logs');
		rendered.stdout.resize(140, 40);
		await rendered.press('');
		const frame = plain(rendered.lastFrame());
		checkFits(frame, 140, 40);
		expect(frame).toContain('─ Logs');
		expect(frame).toContain('─ State');
	});
});
