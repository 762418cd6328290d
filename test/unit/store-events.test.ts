// The core's newer events in the view model: readiness devtui cannot know (and the earlier core's
// "ready at spawn"), the app's own status line, the client's connection, devtui's advice, files set
// aside as the app's own writes (in both shapes of the event), the check's interpreter and a socket
// taken without the client; and the selectors the screen decides with (which panel, which message,
// whether the state pane takes room).

import {describe, expect, it} from 'vitest';
import {nextTickAt} from '../../src/store/clock.js';
import {computeLayout} from '../../src/store/layout.js';
import {checkName, socketView} from '../../src/store/listen-check-view.js';
import {reduceAll} from '../../src/store/reducer.js';
import {headerMessage, topPanel} from '../../src/store/screen.js';
import {appStatus, hasState, shownTimeline, statusDetail} from '../../src/store/selectors.js';
import {createInitialState, type DashboardState} from '../../src/store/state.js';
import {COMMAND, CWD, createScript, output, ready, setState, spawn, stopForChange, T0, validated, type Script} from '../fixtures/dashboard-script.js';
import {STATES} from '../fixtures/states.js';

const fold = (script: Script, state: DashboardState = createInitialState({command: COMMAND, cwd: CWD, watch: ['.'], now: T0})) =>
	reduceAll(state, script.events);

const devtuiLines = (state: DashboardState) => state.logs.entries.filter(entry => entry.stream === 'devtui').map(entry => entry.text);

describe('readiness', () => {
	it('unknown: "started", never "ready", no boot time claimed, and the first start says why', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.wait(2000);
		script.emit({type: 'app/readiness-unknown', pid: 100, restart: 0, afterMs: 2000, waitedFor: ['listening', 'client']});
		const state = fold(script);
		expect(appStatus(state)).toBe('started');
		expect(statusDetail(state)).toBe('readiness unknown');
		expect(devtuiLines(state).at(-1)).toMatch(/^● pid 100 started; nothing tells when it serves .*readiness unknown/);
		const shown = shownTimeline(state)!;
		expect(shown).toMatchObject({live: false, readinessUnknown: true});
		expect(shown.timeline.phases.map(phase => phase.name)).toEqual(['spawn']);
		// It is the first start's news only.
		stopForChange(script, {pid: 100, files: [{path: 'a.py', kind: 'changed'}], batch: 1, phases: []});
		spawn(script, 101, 1);
		script.emit({type: 'app/readiness-unknown', pid: 101, restart: 1, afterMs: 2000, waitedFor: ['listening', 'client']});
		const again = fold(script);
		expect(appStatus(again)).toBe('started');
		expect(devtuiLines(again).filter(line => line.includes('readiness unknown'))).toHaveLength(1);
	});

	it('a real sign (a port it listens on, sd_notify, the client) is ready, and clears an earlier unknown', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.emit({type: 'app/readiness-unknown', pid: 100, restart: 0, afterMs: 2000, waitedFor: ['listening', 'client']});
		script.wait(500);
		script.emit({type: 'app/ready', pid: 100, restart: 0, source: 'listening', port: 8000, bootMs: 2500});
		const state = fold(script);
		expect(appStatus(state)).toBe('ready');
		expect(statusDetail(state)).toBeUndefined();
		expect(state.readinessUnknown).toBeUndefined();
	});
});

describe("the app's own status line (sd_notify STATUS=)", () => {
	it('shows beside the state for the instance that sent it, cleaned, and goes with it', () => {
		const script = createScript();
		spawn(script, 100, 0);
		ready(script, 100, 0, 10);
		script.emit({type: 'app/status', pid: 100, status: 'Serving\t2 workers\u0007'});
		script.emit({type: 'app/status', pid: 999, status: 'someone else'});
		const state = fold(script);
		expect(statusDetail(state)).toBe('Serving    2 workers');
		stopForChange(script, {pid: 100, files: [], batch: 1, phases: []});
		spawn(script, 101, 1);
		expect(statusDetail(fold(script))).toBeUndefined();
	});
});

describe("devtui's own lines", () => {
	it("the client's connection on the first start, as headless says it", () => {
		const script = createScript();
		spawn(script, 100, 0);
		ready(script, 100, 0, 10);
		stopForChange(script, {pid: 100, files: [], batch: 1, phases: []});
		spawn(script, 101, 1);
		ready(script, 101, 1, 10);
		expect(devtuiLines(fold(script)).filter(line => line.includes('connected'))).toEqual(['⇆ pid 100 connected (node client)']);
	});

	it('a notice, whole', () => {
		const script = createScript();
		script.emit({type: 'devtui/notice', message: 'flask runs its own reloader; devtui sets FLASK_RUN_RELOAD=false'});
		expect(devtuiLines(fold(script))).toEqual(['» flask runs its own reloader; devtui sets FLASK_RUN_RELOAD=false']);
	});
});

describe('files set aside as the app’s own writes', () => {
	it('are kept newest first, once each, with a notice and a log line that names the evidence and the way out', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.emit({type: 'watch/feedback-loop', file: 'data/app.db', evidence: 'open-for-writing', pid: 100, restarts: 0});
		script.emit({type: 'watch/feedback-loop', file: 'logs/app.log', evidence: 'restart-timing', restarts: 4});
		script.emit({type: 'watch/feedback-loop', file: 'data/app.db', evidence: 'open-for-writing', restarts: 0});
		const state = fold(script);
		expect(state.setAside.map(entry => [entry.file, entry.evidence])).toEqual([
			['data/app.db', 'open-for-writing'],
			['logs/app.log', 'restart-timing'],
		]);
		expect(state.held).toBe(false);
		expect(headerMessage(state)).toEqual({tone: 'warn', text: 'data/app.db set aside: the app writes it itself'});
		const lines = devtuiLines(state);
		expect(lines).toContain(
			'⊘ data/app.db set aside: its changes no longer restart the app, because the app writes it itself (pid 100 has it open for writing); -i data/app.db ignores it for good; r restarts anyway',
		);
		expect(lines).toContain(
			'⊘ logs/app.log set aside: its changes no longer restart the app, because the app writes it itself (it changed at the same moment after each of the last 4 starts); -i logs/app.log ignores it for good; r restarts anyway',
		);
		expect(lines.at(-1)).toContain('(an app process has it open for writing)');
	});
});

describe('checks and sockets', () => {
	it('name the interpreter a Python check compiled with', () => {
		expect(checkName({check: 'python compile', interpreter: '/usr/bin/python3'})).toBe('python compile · /usr/bin/python3');
		expect(checkName({check: 'npm run typecheck'})).toBe('npm run typecheck');
		expect(devtuiLines(STATES.pythonCheckFailed()).at(-1)).toBe('✗ check failed: python compile with /usr/bin/python3 (exit code 1) · main.py');
	});

	it('count a socket as taken when devtui sees the app accepting on it, without the client', () => {
		expect(socketView(STATES.socketAccepting())).toMatchObject({pid: 28160, taken: 1, total: 1, notTaken: false});
	});
});

describe('what takes a place on screen', () => {
	it('the state pane: only for an app that has state', () => {
		expect(hasState(STATES.runningWithLogs())).toBe(false);
		expect(hasState(STATES.uvicornLogs())).toBe(false);
		expect(hasState(STATES.completedTimeline())).toBe(true);
		const script = createScript();
		spawn(script, 100, 0);
		validated(script, {bytes: 10, keys: ['a'], changedKeys: [], snapshot: 's.json'});
		expect(hasState(fold(script))).toBe(true);
		const state = createInitialState({command: COMMAND, cwd: CWD, watch: ['.'], now: T0});
		expect(hasState(reduceAll(state, [{type: 'preview/none'}]))).toBe(false);
		expect(hasState(reduceAll(state, [{type: 'preview/failed', message: 'EACCES'}]))).toBe(true);
		// The layout: logs over the whole width without, beside the inspector with.
		expect(computeLayout(120, 39, {inspector: false}).bottom).toMatchObject({split: false, logsWidth: 120});
		expect(computeLayout(120, 39).bottom).toMatchObject({split: true, logsWidth: 74});
	});

	it('the top right: a failed check, else a crash, the newer news winning', () => {
		expect(topPanel(STATES.checkFailed()).kind).toBe('check');
		expect(topPanel(STATES.crashed()).kind).toBe('crash');
		expect(topPanel(STATES.runningWithLogs()).kind).toBe('timeline');
	});

	it('the header message: quitting over a notice over the chosen snapshot', () => {
		expect(headerMessage(STATES.quitting())).toEqual({tone: 'warn', text: 'quitting… (q again force-kills)'});
		expect(headerMessage(STATES.snapshotBrowser())).toEqual({tone: 'accent', text: 'next start loads .devtui/snapshots/0001.json'});
		expect(headerMessage(STATES.runningWithLogs())).toBeUndefined();
	});
});

describe("the crash back-off's countdown", () => {
	it('ticks when a whole second less is left, so it never shows more time than there is', () => {
		const script = createScript();
		spawn(script, 100, 0);
		output(script, 100, 'stderr', ['boom']);
		script.emit({type: 'run/exited', pid: 100, restart: 0, code: 1, signal: null, uptimeMs: 10, byDevtui: false, forced: false, restarting: false});
		script.emit({type: 'run/crashed', pid: 100, code: 1, signal: null, uptimeMs: 10, stderrTail: ['boom'], restartInMs: 2500});
		setState(script, 'crashed');
		const state = fold(script);
		const restartAt = state.crash!.restartAt!;
		// 2.5 s left shows "2s" until 2.0 s are left, then "1s".
		expect(nextTickAt(state, restartAt - 2500)).toBe(restartAt - 2000 + 5);
		expect(nextTickAt(state, restartAt - 1000)).toBe(restartAt - 1000 + 5);
	});
});
