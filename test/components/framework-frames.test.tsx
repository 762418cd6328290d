// Frames of the frameworks' states and of the core's newer events (test/fixtures/states-frameworks.ts)
// at 120x40, the size the first real-world run used, beside the 80x24 frames every state gets in
// app-frames.test.tsx; and what those frames must show: advice in full, the logs' whole width for
// an app without state, stderr marked by level, the set-aside file and its way out.

import chalk from 'chalk';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import type {DashboardState} from '../../src/store/state.js';
import {createStore} from '../../src/store/store.js';
import {STATES, type StateName} from '../fixtures/states.js';
import {renderAt, type Rendered} from '../helpers/render.js';
import {LISTEN_FIXES} from '../../src/listen/listen-advice.js';

const idle: DashboardCommands = {restart() {}, togglePostpone() {}, forceKill() {}, quit() {}, listSnapshots() {}, loadSnapshot() {}};

// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;]*m/g, '');

let mounted: Rendered | undefined;
afterEach(() => mounted?.unmount());

const render = (state: DashboardState, columns: number, rows: number): string => {
	mounted = renderAt(
		<DashboardProvider store={createStore(state)} commands={idle} formatLog={createLogFormatter({color: false})}>
			<App />
		</DashboardProvider>,
		{columns, rows},
	);
	return mounted.lastFrame();
};

const frameOf = (name: StateName, columns = 120, rows = 40): string => plain(render(STATES[name](), columns, rows));

const checkFits = (frame: string, columns: number, rows: number) => {
	const lines = frame.split('\n');
	expect(lines.length).toBe(rows - 1);
	for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
};

/** A wrapped devtui line read back whole: its first row, then the indented rows under it. */
const wholeLine = (frame: string, start: string): string => {
	const rows = frame.split('\n');
	const first = rows.findIndex(row => row.startsWith(` ${start}`));
	expect(first, `a row starting with "${start}"`).toBeGreaterThanOrEqual(0);
	const parts = [rows[first]!.trim()];
	for (const row of rows.slice(first + 1)) {
		if (!row.startsWith('   ') || row.trim() === '') break;
		parts.push(row.trim());
	}
	return parts.join(' ');
};

const AT_120: StateName[] = [
	'runningWithLogs',
	'completedTimeline',
	'uvicornLogs',
	'flaskDev',
	'gunicornNotify',
	'djangoRunserver',
	'readinessUnknown',
	'bindConflict',
	'socketAccepting',
	'feedbackSetAside',
	'quitting',
	'stoppingLate',
	'pythonCheckFailed',
	'wrapOff',
];

describe('the dashboard at 120x40', () => {
	for (const name of AT_120) {
		it(name, () => {
			const frame = frameOf(name);
			checkFits(frame, 120, 40);
			expect(frame).toMatchSnapshot();
		});
	}
});

describe('what these frames must show', () => {
	it("devtui's own advice, whole at any width", () => {
		const advice = `✗ pid 28249 tried to bind the port devtui holds (EADDRINUSE): ${LISTEN_FIXES}, or drop --listen`;
		for (const [columns, rows] of [[120, 40], [80, 24], [60, 20]] as const) {
			const frame = frameOf('bindConflict', columns, rows);
			checkFits(frame, columns, rows);
			expect(wholeLine(frame, '✗ pid 28249')).toBe(advice);
		}
		// Also with app lines cut at the edge (w).
		const cut = frameOf('wrapOff', 80, 24);
		expect(wholeLine(cut, '»')).toBe('» the app writes its logs to logs/app.log inside a watched directory; devtui ignores *.log by default, -i logs/ ignores the folder');
		expect(cut).toContain('indented with a tab, and a very long line that goes on past the edge of an…');
	});

	it('the whole width for the logs of an app without state, the state pane beside them once it has some', () => {
		const none = frameOf('uvicornLogs').split('\n');
		const title = none.find(row => row.startsWith('─ Logs'))!;
		expect([...title].length).toBe(120);
		expect(title).not.toContain('│');
		expect(none.join('\n')).not.toContain('─ State');
		expect(none.join('\n')).toContain('INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)');
		const saved = frameOf('completedTimeline');
		expect(saved).toMatch(/─ Logs .*│─ State · 19 KiB/);
	});

	it('stderr marked by the level each line states: red for errors only', () => {
		const level = chalk.level;
		chalk.level = 1;
		try {
			const rows = render(STATES.uvicornLogs(), 120, 40).split('\n');
			const gutter = (text: string) => {
				const row = rows.find(line => plain(line).includes(text));
				expect(row, text).toBeDefined();
				return /^(?:\u001B\[(\d+)m)?┃/.exec(row!)?.[1] ?? 'plain';
			};
			// gray 90, red 31, yellow 33.
			expect(gutter('INFO:     Uvicorn running')).toBe('90');
			expect(gutter('"GET / HTTP/1.1" 200 OK')).toBe('90');
			expect(gutter('"GET /items/9 HTTP/1.1" 404')).toBe('33');
			expect(gutter('WARNING:  Invalid HTTP request')).toBe('33');
			expect(gutter('ERROR:    Exception in ASGI application')).toBe('31');
			expect(gutter('Traceback (most recent call last):')).toBe('31');
			expect(gutter('    return {"item": ITEMS[item_id]}')).toBe('31');
			expect(gutter('KeyError: 7')).toBe('31');
			expect(gutter('"GET /items/7 HTTP/1.1" 500')).toBe('31');
			// A line that states no level is marked as stderr, in no colour.
			const flask = render(STATES.flaskDev(), 120, 40).split('\n');
			const running = flask.find(line => plain(line).includes('* Running on http://127.0.0.1:5000'))!;
			expect(running).toMatch(/^┃/);
		} finally {
			chalk.level = level;
		}
	});

	it('the file set aside, why, and the way out; the earlier hold in its own words', () => {
		const frame = frameOf('feedbackSetAside');
		expect(frame).toContain('⊘ logs/app.log set aside: the app writes it');
		expect(frame).toContain('changed after each of 3 starts');
		expect(frame).toContain('-i logs/app.log; r restarts anyway');
		expect(frame).toContain('⊘ data/app.db set aside: the app writes it');
		expect(wholeLine(frame, '⊘ data/app.db set aside: its')).toBe(
			'⊘ data/app.db set aside: its changes no longer restart the app, because the app writes it itself (pid 4242 has it open for writing); -i data/app.db ignores it for good; r restarts anyway',
		);
		expect(wholeLine(frame, '⊘ logs/app.log set aside: its')).toContain('(it changed at the same moment after each of the last 3 starts)');
		expect(frame).toContain('logs/app.log set aside: the app writes it itself');
	});

	it('once the news is old, the set-aside files take one row of the changes pane', () => {
		const state = STATES.feedbackSetAside();
		const later = {...state, now: state.now + 60_000};
		const frame = plain(render(later, 120, 40));
		expect(frame).toContain('⊘ 2 files set aside: logs/app.log, data/app.db');
		expect(frame).not.toContain('changed after each of 3 starts');
	});

	it('readiness unknown: started, no boot time claimed', () => {
		const frame = frameOf('readinessUnknown');
		expect(frame).toContain('● started  readiness unknown · python3 worker.py');
		expect(frame).toContain('─ Startup · started in 7ms · readiness unknown');
		expect(frame).not.toMatch(/\bboot\b/);
		expect(frame).not.toContain('ready in');
	});

	it("the app's own status line beside the state, cut to a share of the row", () => {
		const wide = frameOf('gunicornNotify');
		expect(wide).toMatch(/^● ready {4}Gunicorn arbiter booted, 2 wo… · gunicorn -w 2 app:app {10,}pid 3120/);
		const narrow = frameOf('gunicornNotify', 80, 24);
		// At 80 columns the command gives way too: the user typed it, the status is news.
		expect(narrow).toMatch(/^● ready {4}Gunicorn arbiter bo… · gunicorn -w … {2}pid 3120/);
	});

	it('quitting says so, and the countdown never rounds up', () => {
		const quitting = frameOf('quitting', 80, 24);
		expect(quitting).toContain('─ Quitting · 2.20s so far');
		expect(quitting).not.toContain('Restarting');
		expect(quitting).toContain('force kill in 7s');
		// 7.8 s into a 10 s deadline: 2.2 s left.
		expect(frameOf('stoppingLate', 80, 24)).toContain('force kill in 2s');
	});

	it('the interpreter of a failed Python check, the connection of the client, the socket taken without it', () => {
		const check = frameOf('pythonCheckFailed');
		expect(check).toContain('─ Check failed · python compile · /usr/bin/python3');
		expect(check).toContain('✗ check failed: python compile with /usr/bin/python3 (exit code 1) · main.py');
		expect(frameOf('runningWithLogs')).toContain('⇆ pid 4242 connected (node client)');
		expect(frameOf('socketAccepting')).toContain('⇄ 127.0.0.1:8000 → pid 28160 ✓ taken');
	});

	it('a timeline with no room for every row says how many it left out, and which', () => {
		const frame = frameOf('forceKilled', 80, 24);
		expect(frame).toContain('+2 more: state check, spawn');
		expect(frame).toContain('#3  change  10.0s  339ms ✗ killed');
	});

	it("a one-time notice from devtui, whole", () => {
		expect(wholeLine(frameOf('flaskDev'), '»')).toBe(
			'» flask runs its own reloader, which would reload into broken code behind devtui; devtui sets FLASK_RUN_RELOAD=false (pass --reload to flask to keep it)',
		);
	});
});
