import {describe, expect, it} from 'vitest';
import {footerHints, keyContextOf} from '../../src/keymap.js';
import {blamedFirst, checkView, highlightBlamed, outputRows, socketView} from '../../src/store/listen-check-view.js';
import {reduceAll} from '../../src/store/reducer.js';
import {createInitialState, type DashboardState} from '../../src/store/state.js';
import type {CheckFailure} from '../../src/supervisor/events.js';
import {COMMAND, CWD, createScript, ready, setState, spawn, stopForChange, T0, type Script} from '../fixtures/dashboard-script.js';
import {STATES} from '../fixtures/states.js';

const fold = (script: Script): DashboardState =>
	reduceAll(createInitialState({command: COMMAND, cwd: CWD, watch: ['.'], now: T0}), script.events);

const SOCKETS = [
	{name: '8000', address: '127.0.0.1:8000', fd: 3},
	{name: 'admin=9000', address: '127.0.0.1:9000', fd: 4},
];

const listening = (): Script => {
	const script = createScript();
	script.emit({type: 'socket/listening', sockets: SOCKETS});
	spawn(script, 100, 0);
	return script;
};

const FILES = [
	{path: 'app/models.py', kind: 'changed'},
	{path: 'app/views.py', kind: 'changed'},
] as const;

const FAILURE: CheckFailure = {
	check: 'python compile',
	exitCode: 1,
	signal: null,
	output: ['app/models.py:12:9: SyntaxError: invalid syntax', '\tdef broken(:\r'],
	blamed: ['app/models.py'],
};

const failedCheck = (script: Script) => {
	script.emit({type: 'check/started', checks: ['python compile'], files: [...FILES]});
	script.wait(120);
	script.emit({type: 'check/failed', durationMs: 120, failure: FAILURE, files: [...FILES]});
};

describe('the held sockets', () => {
	it('are not there without --listen', () => {
		expect(STATES.runningWithLogs().sockets).toBeUndefined();
		expect(socketView(STATES.runningWithLogs())).toBeUndefined();
	});

	it('are listed once held, and a line in the log says so', () => {
		const state = fold(listening());
		expect(socketView(state)).toEqual({addresses: ['127.0.0.1:8000', '127.0.0.1:9000'], pid: 100, taken: 0, total: 2, waiting: 0, peakWaiting: 0, notTaken: false});
		expect(state.logs.entries.map(entry => entry.text)).toContain('⇄ holding 127.0.0.1:8000 (fd 3), 127.0.0.1:9000 (fd 4) for the app');
	});

	it('count as taken only by the instance running now, and only the ones it named', () => {
		const script = listening();
		script.emit({type: 'socket/taken', pid: 100, names: ['8000'], via: 'client'});
		expect(socketView(fold(script))).toMatchObject({pid: 100, taken: 1, total: 2});
		script.emit({type: 'socket/taken', pid: 100, names: ['8000', 'admin=9000'], via: 'client'});
		expect(socketView(fold(script))).toMatchObject({taken: 2});

		// The next instance has to say it for itself.
		stopForChange(script, {pid: 100, files: [], batch: 1, phases: []});
		expect(socketView(fold(script))).toMatchObject({taken: 0});
		expect(socketView(fold(script))?.pid).toBeUndefined();
		spawn(script, 200, 1);
		expect(socketView(fold(script))).toMatchObject({pid: 200, taken: 0});
		// A late word from the old instance does not count for the new one.
		script.emit({type: 'socket/taken', pid: 100, names: ['8000'], via: 'client'});
		expect(socketView(fold(script))).toMatchObject({pid: 200, taken: 0});
		// A helper that names no socket serves on all of them.
		script.emit({type: 'socket/taken', pid: 200, names: [], via: 'client'});
		expect(socketView(fold(script))).toMatchObject({pid: 200, taken: 2});
	});

	it('keep the waiting connections, and their peak during the restart only', () => {
		const script = listening();
		ready(script, 100, 0, 50);
		// A busy app that is serving: the count shows, the restart's peak does not move.
		script.emit({type: 'socket/waiting', waiting: 2});
		expect(socketView(fold(script))).toMatchObject({waiting: 2, peakWaiting: 0});
		script.emit({type: 'socket/waiting', waiting: 0});

		stopForChange(script, {pid: 100, files: [], batch: 1, phases: [{name: 'save', ms: 10}], pauseMs: 100});
		script.emit({type: 'socket/waiting', waiting: 4});
		script.emit({type: 'socket/waiting', waiting: 9});
		script.emit({type: 'socket/waiting', waiting: 6});
		expect(socketView(fold(script))).toMatchObject({waiting: 6, peakWaiting: 9});

		script.emit({type: 'run/exited', pid: 100, restart: 0, code: 0, signal: null, uptimeMs: 1000, byDevtui: true, stopMs: 100, forced: false, restarting: true});
		spawn(script, 200, 1);
		script.emit({type: 'socket/taken', pid: 200, names: ['8000', 'admin=9000'], via: 'client'});
		ready(script, 200, 1, 40);
		script.emit({type: 'socket/waiting', waiting: 0});
		expect(socketView(fold(script))).toMatchObject({pid: 200, taken: 2, waiting: 0, peakWaiting: 9});

		// The next restart counts from what waits when it begins.
		setState(script, 'running');
		stopForChange(script, {pid: 200, files: [], batch: 2, phases: [], pauseMs: 0});
		expect(socketView(fold(script))).toMatchObject({waiting: 0, peakWaiting: 0});
	});
});

describe('the pre-restart checks', () => {
	it('show nothing before the first check', () => {
		expect(checkView(STATES.runningWithLogs())).toBeUndefined();
	});

	it('show a running check with its files and the time so far', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.emit({type: 'check/started', checks: ['python compile', 'mypy .'], files: [...FILES]});
		script.wait(700);
		script.emit({type: 'run/output', pid: 100, stream: 'stdout', lines: ['still serving']});
		expect(checkView(fold(script))).toEqual({status: 'running', checks: ['python compile', 'mypy .'], files: [...FILES], elapsedMs: 700});
	});

	it('keep a failure, its output cleaned, while the old app serves; a newer check replaces it', () => {
		const script = createScript();
		spawn(script, 100, 0);
		ready(script, 100, 0, 50);
		failedCheck(script);
		script.wait(30_000);
		script.emit({type: 'run/output', pid: 100, stream: 'stdout', lines: ['GET / 200']});
		const state = fold(script);
		expect(checkView(state)).toMatchObject({
			status: 'failed',
			serving: true,
			durationMs: 120,
			failure: {check: 'python compile', blamed: ['app/models.py'], output: ['app/models.py:12:9: SyntaxError: invalid syntax', '    def broken(:']},
		});
		expect(state.logs.entries.map(entry => entry.text)).toContain('✗ check failed: python compile (exit code 1) · app/models.py');
		expect(footerHints(keyContextOf(state)).find(hint => hint.label === 'r')?.hint).toBe('restart anyway');

		script.emit({type: 'check/started', checks: ['python compile'], files: [FILES[0]]});
		expect(checkView(fold(script))?.status).toBe('running');
		script.emit({type: 'check/cancelled', reason: 'a newer change'});
		expect(checkView(fold(script))).toBeUndefined();
	});

	it('scroll the changes pane over the checked files it shows', () => {
		const script = createScript();
		spawn(script, 100, 0);
		const files = Array.from({length: 6}, (_, index) => ({path: `app/m${index}.py`, kind: 'changed' as const}));
		script.emit({type: 'check/started', checks: ['python compile'], files});
		const state = reduceAll(fold(script), [{type: 'ui/focus-pane', pane: 'changes'}, {type: 'ui/scroll', by: 10}]);
		expect(state.ui.changesTop).toBe(5);
	});

	it('say when no app is left serving (it crashed, or an early stop took it down)', () => {
		const script = createScript();
		spawn(script, 100, 0);
		script.emit({type: 'run/exited', pid: 100, restart: 0, code: 1, signal: null, uptimeMs: 10, byDevtui: false, forced: false, restarting: false});
		script.emit({type: 'run/crashed', pid: 100, code: 1, signal: null, uptimeMs: 10, stderrTail: []});
		setState(script, 'crashed');
		script.wait(5_000);
		script.emit({type: 'check/started', checks: ['python compile'], files: [...FILES]});
		script.emit({type: 'check/failed', durationMs: 80, failure: FAILURE, files: [...FILES], appStopped: true});
		expect(checkView(fold(script))).toMatchObject({status: 'failed', serving: false});
	});

	it('give way to the countdown when r restarts anyway, and are gone once the new instance runs', () => {
		const script = createScript();
		spawn(script, 100, 0);
		ready(script, 100, 0, 50);
		failedCheck(script);
		setState(script, 'stopping');
		script.emit({type: 'run/stop-requested', pid: 100, reason: 'manual', files: []});
		script.emit({type: 'run/signal-sent', pid: 100, signal: 'SIGTERM', deadline: script.now() + 5000, timeoutMs: 5000});
		let state = fold(script);
		expect(checkView(state)).toBeUndefined();
		expect(state.check?.status).toBe('failed');
		script.emit({type: 'run/exited', pid: 100, restart: 0, code: 0, signal: null, uptimeMs: 1000, byDevtui: true, stopMs: 20, forced: false, restarting: true});
		spawn(script, 200, 1);
		state = fold(script);
		expect(state.check).toBeUndefined();
		expect(keyContextOf(state).checkFailed).toBeUndefined();
	});

	it('end with a passed check, which the restart that follows clears', () => {
		const state = STATES.checkPassedRestart();
		expect(checkView(state)).toBeUndefined();
		expect(state.check).toBeUndefined();
		expect(state.last?.phases[0]).toMatchObject({name: 'check', outcome: 'ok', durationMs: 2610});
		// The failure before it is in the history as a restart that did not happen.
		expect(state.history.map(entry => entry.outcome)).toEqual(['ready', 'check-failed', 'ready']);
	});
});

describe('the failure view helpers', () => {
	it('put the blamed files first, in their order', () => {
		const files = [{path: 'a.py', kind: 'changed'}, {path: 'b.py', kind: 'added'}, {path: 'c.py', kind: 'changed'}] as const;
		expect(blamedFirst([...files], ['c.py']).map(file => file.path)).toEqual(['c.py', 'a.py', 'b.py']);
	});

	it('show the output wrapped when all of it fits that way, else its last lines one row each', () => {
		const output = ['abcdefgh', '', '  ', 'ij'];
		expect(outputRows(output, 4, 3)).toEqual(['abcd', 'efgh', 'ij']);
		expect(outputRows(output, 4, 2)).toEqual(['abcdefgh', 'ij']);
		expect(outputRows(output, 4, 1)).toEqual(['ij']);
		expect(outputRows(output, 4, 0)).toEqual([]);
		expect(outputRows([], 4, 3)).toEqual([]);
	});

	it('pick the blamed files out of a line of output, the longest name first', () => {
		expect(highlightBlamed('  File "/srv/app/models.py", line 3: models.py:4 (not models.pyc, not app/models.py.bak)', ['models.py', 'app/models.py'])).toEqual([
			{text: '  File "/srv/', hit: false},
			{text: 'app/models.py', hit: true},
			{text: '", line 3: ', hit: false},
			{text: 'models.py', hit: true},
			{text: ':4 (not models.pyc, not app/models.py.bak)', hit: false},
		]);
		expect(highlightBlamed('no match here', ['a.py'])).toEqual([{text: 'no match here', hit: false}]);
		expect(highlightBlamed('', ['a.py'])).toEqual([]);
	});
});
