// The gate's coordination logic, with checks whose outcome the test decides (the real processes are
// covered in test/integration/check.test.ts).

import {describe, expect, it} from 'vitest';
import {createCheckGate, type GateTarget, type StartCheck} from '../../src/check/check-gate.js';
import type {CheckConfig, PlannedCheck} from '../../src/check/plan-checks.js';
import type {CheckRunResult} from '../../src/check/run-check.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {ChangedFile, SupervisorEvent} from '../../src/supervisor/events.js';

interface FakeRun {
	check: PlannedCheck;
	env: NodeJS.ProcessEnv;
	cancelled: boolean;
	finish(result: Partial<CheckRunResult>): Promise<void>;
}

const changed = (...paths: string[]): ChangedFile[] => paths.map(path => ({path, kind: 'changed'}));

const setup = (config: CheckConfig, {pid = 100}: {pid?: number | undefined} = {}) => {
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	const calls: Array<{call: string; files?: string[]; firstChangeAt?: number | undefined}> = [];
	const target: GateTarget & {held: boolean} = {
		pid,
		held: false,
		changeStarted: () => calls.push({call: 'changeStarted'}),
		changesReady: (files, firstChangeAt) => calls.push({call: 'changesReady', files: files.map(file => file.path), firstChangeAt}),
		changeWithdrawn: () => calls.push({call: 'changeWithdrawn'}),
	};
	const runs: FakeRun[] = [];
	const startCheck: StartCheck = (check, env) => {
		let resolve: (result: CheckRunResult) => void = () => {};
		const result = new Promise<CheckRunResult>(done => (resolve = done));
		const run: FakeRun = {
			check,
			env,
			cancelled: false,
			async finish(partial) {
				resolve({ok: true, exitCode: 0, signal: null, output: [], cancelled: run.cancelled, ...partial});
				// Let the gate's continuation run.
				await new Promise(done => setImmediate(done));
			},
		};
		runs.push(run);
		return {
			result,
			cancel() {
				run.cancelled = true;
				resolve({ok: false, exitCode: null, signal: 'SIGKILL', output: [], cancelled: true});
			},
		};
	};
	const gate = createCheckGate({config, cwd: '/project', env: {KEEP: '1'}, bus, target, startCheck});
	const types = () => events.map(event => event.type).filter(type => type.startsWith('check/'));
	return {gate, events, calls, runs, types, target};
};

describe('the check gate', () => {
	it('without a check, passes batches straight through and lets the first change begin the stop', () => {
		const {gate, calls, runs, types} = setup({command: undefined, python: '/usr/bin/python3'});
		gate.changeStarted(['README.md']);
		gate.batch(changed('README.md'), 5);
		expect(calls).toEqual([{call: 'changeStarted'}, {call: 'changesReady', files: ['README.md'], firstChangeAt: 5}]);
		expect(runs).toEqual([]);
		expect(types()).toEqual([]);
	});

	it('holds the restart until --check passes, and hands over every pending change at once', async () => {
		const {gate, calls, runs, events, types} = setup({command: 'lint {files}', python: undefined});
		gate.changeStarted(['a.js']);
		gate.batch(changed('a.js'), 10);
		expect(calls).toEqual([]);
		expect(runs[0]!.check.argv).toEqual(['/bin/sh', '-c', 'lint a.js']);
		expect(runs[0]!.env).toMatchObject({KEEP: '1', DEVTUI_CHANGED_FILES: 'a.js'});
		await runs[0]!.finish({ok: true});
		expect(calls).toEqual([{call: 'changesReady', files: ['a.js'], firstChangeAt: 10}]);
		expect(types()).toEqual(['check/started', 'check/passed']);
		expect(events.find(event => event.type === 'check/started')).toMatchObject({checks: ['lint {files}'], firstChangeAt: 10});
		expect(gate.pending).toEqual([]);
	});

	it('a failure restarts nothing, blames the file, and the next change checks everything pending', async () => {
		const {gate, calls, runs, events} = setup({command: 'check', python: undefined});
		gate.batch(changed('broken.js'), 10);
		await runs[0]!.finish({ok: false, exitCode: 2, output: ['broken.js:3: unexpected token']});
		expect(calls).toEqual([]);
		expect(events.find(event => event.type === 'check/failed')).toMatchObject({
			failure: {check: 'check', exitCode: 2, blamed: ['broken.js'], output: ['broken.js:3: unexpected token']},
			files: changed('broken.js'),
		});
		expect(events.find(event => event.type === 'check/failed')).not.toHaveProperty('appStopped');
		gate.batch(changed('other.js'), 30);
		expect(runs[1]!.env['DEVTUI_CHANGED_FILES']).toBe('broken.js\nother.js');
		await runs[1]!.finish({ok: true});
		// Timed from the change that passed, not from the broken save before it.
		expect(calls).toEqual([{call: 'changesReady', files: ['broken.js', 'other.js'], firstChangeAt: 30}]);
	});

	it('a newer batch cancels the running check and checks the union; the old result is ignored', async () => {
		const {gate, calls, runs, types} = setup({command: 'check', python: undefined});
		gate.batch(changed('a.js'), 10);
		gate.batch(changed('b.js'), 20);
		expect(runs[0]!.cancelled).toBe(true);
		expect(runs[1]!.env['DEVTUI_CHANGED_FILES']).toBe('a.js\nb.js');
		await runs[0]!.finish({ok: true});
		expect(calls).toEqual([]);
		await runs[1]!.finish({ok: true});
		expect(calls).toEqual([{call: 'changesReady', files: ['a.js', 'b.js'], firstChangeAt: 10}]);
		expect(types()).toEqual(['check/started', 'check/cancelled', 'check/started', 'check/passed']);
	});

	it('a forced restart cancels the check and takes the pending changes with it', async () => {
		const {gate, calls, runs, events} = setup({command: 'check', python: undefined});
		gate.batch(changed('a.js'), 10);
		gate.restartRequested();
		expect(runs[0]!.cancelled).toBe(true);
		expect(events.at(-1)).toMatchObject({type: 'check/cancelled', reason: 'restart requested'});
		expect(calls).toEqual([{call: 'changesReady', files: ['a.js'], firstChangeAt: undefined}]);
		// Nothing pending any more: another forced restart hands over nothing.
		gate.restartRequested();
		expect(calls).toHaveLength(1);
	});

	it('runs the Python compile check first, and only on .py files; its failure skips --check', async () => {
		const {gate, runs, events} = setup({command: 'mypy .', python: '/venv/bin/python'});
		gate.changeStarted(['app.py']);
		gate.batch([...changed('app.py', 'data.json'), {path: 'gone.py', kind: 'removed'}], 10);
		expect(runs[0]!.check.name).toBe('python compile');
		expect(runs[0]!.check.argv[0]).toBe('/venv/bin/python');
		expect(runs[0]!.check.argv.slice(5)).toEqual(['app.py']);
		expect(events.find(event => event.type === 'check/started')).toMatchObject({checks: ['python compile', 'mypy .']});
		await runs[0]!.finish({ok: false, exitCode: 1, output: ['app.py:2:5: SyntaxError: invalid syntax']});
		expect(runs).toHaveLength(1);
		expect(events.find(event => event.type === 'check/failed')).toMatchObject({failure: {check: 'python compile', blamed: ['app.py']}});
	});

	it('with only the Python check, a batch that opens on a .py file never begins an early stop', () => {
		const {gate, calls} = setup({command: undefined, python: 'python3'});
		gate.changeStarted(['pkg/mod.py']);
		expect(calls).toEqual([]);
	});

	it('an early-stopped batch that turns out to hold a broken .py file lets the supervisor stop waiting for it', async () => {
		const {gate, calls, runs, events} = setup({command: undefined, python: 'python3'});
		gate.changeStarted(['static/style.css']);
		gate.batch(changed('static/style.css', 'views.py'), 10);
		await runs[0]!.finish({ok: false, exitCode: 1, output: ['views.py:1:1: SyntaxError: x']});
		expect(calls).toEqual([{call: 'changeStarted'}, {call: 'changeWithdrawn'}]);
		expect(events.find(event => event.type === 'check/failed')).toMatchObject({appStopped: true});
		// While a .py file is pending, even a .css change must not stop the app early.
		gate.changeStarted(['static/style.css']);
		expect(calls).toHaveLength(2);
	});

	it('while restarts are held, batches go to the supervisor unchecked (with what was pending)', async () => {
		const {gate, calls, runs, target} = setup({command: 'check', python: undefined});
		gate.batch(changed('a.js'), 10);
		await runs[0]!.finish({ok: false, exitCode: 1});
		target.held = true;
		gate.batch(changed('b.js'), 20);
		expect(runs).toHaveLength(1);
		expect(calls).toEqual([{call: 'changesReady', files: ['a.js', 'b.js'], firstChangeAt: 20}]);
	});

	it('quitting cancels a running check, and nothing is handed over afterwards', async () => {
		const {gate, calls, runs, events} = setup({command: 'check', python: undefined});
		gate.batch(changed('a.js'), 10);
		gate.dispose();
		expect(events.at(-1)).toMatchObject({type: 'check/cancelled', reason: 'quitting'});
		await runs[0]!.finish({ok: true});
		gate.batch(changed('b.js'), 20);
		expect(calls).toEqual([]);
		expect(runs).toHaveLength(1);
	});
});
