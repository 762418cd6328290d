// The owner loop's rules with a fake child: every edge case of "these changes -> check -> stop ->
// spawn", in milliseconds. test/integration/supervisor.test.ts runs the same kinds of case against
// real processes.

import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {ChangedFile, SupervisorEvent, SupervisorEventOf, SupervisorEventType} from '../../src/supervisor/events.js';
import {Supervisor, type ChangeFilter, type SupervisorDeps} from '../../src/supervisor/supervisor.js';
import {waitFor} from '../helpers/wait-for.js';
import {fakeChecks} from './fake-checks.js';
import {fakeProcesses, type FakeBehaviour} from './fake-processes.js';

const running: Supervisor[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(supervisor => supervisor.quit({force: true})));
});

const changed = (file: string): ChangedFile => ({path: file, kind: 'changed'});

const setup = ({
	behaviour,
	restartOnCrash = false,
	timeoutMs = 1000,
	...deps
}: {behaviour?: (restart: number) => FakeBehaviour; restartOnCrash?: boolean; timeoutMs?: number} & Partial<SupervisorDeps> = {}) => {
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	const processes = fakeProcesses(behaviour);
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-rules-'));
	const supervisor = new Supervisor(
		{
			command: ['app'],
			cwd,
			signal: 'SIGTERM',
			timeoutMs,
			restartArg: undefined,
			stateFile: path.join(cwd, '.devtui/state.json'),
			restartOnCrash,
			env: {},
		},
		{bus, processes: processes.ops, ...deps},
	);
	running.push(supervisor);
	const of = <T extends SupervisorEventType>(type: T) => events.filter(event => event.type === type) as unknown as Array<SupervisorEventOf<T>>;
	const waitForEvent = <T extends SupervisorEventType>(type: T, count = 1) =>
		waitFor(() => of(type)[count - 1], {timeout: 3000, interval: 2, message: () => `${count}× ${type}; events: ${events.map(event => event.type).join(', ')}`});
	// A save: its raw event, then its batch closing.
	const save = (...files: string[]) => {
		for (const file of files) supervisor.changeSeen({path: file, kind: 'changed'});
		supervisor.batchClosed(files.map(changed), Date.now());
	};
	// Nothing more happens: the loop is asleep with nothing to do (a fixed point, not a sleep).
	const settled = async () => {
		for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
	};
	return {supervisor, bus, events, of, waitForEvent, save, settled, processes};
};

describe('the supervisor loop (fake child)', () => {
	it('a batch restarts the app with the restart number and the files; the old one is stopped first', async () => {
		const {supervisor, save, waitForEvent, of, processes} = setup();
		await supervisor.start();
		save('a.js');
		const second = await waitForEvent('run/spawned', 2);
		expect(second.restart).toBe(1);
		expect(processes.children[0]!.app.exit).toBeDefined();
		expect(of('run/stop-requested')[0]).toMatchObject({reason: 'change', files: [changed('a.js')]});
		expect(of('watch/changed')[0]).toMatchObject({batch: 1, files: [changed('a.js')]});
	});

	it('changes while stopping join that restart; a change while starting makes exactly one more', async () => {
		const {supervisor, save, waitForEvent, of, settled} = setup({behaviour: () => ({stopsAfterMs: 30})});
		await supervisor.start();
		save('a.js');
		await waitForEvent('run/signal-sent');
		save('b.js');
		save('c.js');
		await waitForEvent('run/spawned', 2);
		save('d.js');
		save('e.js');
		await waitForEvent('run/spawned', 3);
		await settled();
		expect(of('run/spawned')).toHaveLength(3);
		expect(of('run/stop-requested').map(event => event.files.map(file => file.path))).toEqual([['a.js'], ['d.js', 'e.js']]);
	});

	it('early stop: a changed file that existed stops the app at once; the next one starts when the batch closes', async () => {
		const {supervisor, waitForEvent, of, settled} = setup();
		await supervisor.start();
		supervisor.changeSeen({path: 'a.js', kind: 'changed'});
		await waitForEvent('run/exited');
		await settled();
		expect(of('run/spawned')).toHaveLength(1);
		supervisor.changeSeen({path: 'b.js', kind: 'changed'});
		supervisor.batchClosed([changed('a.js'), changed('b.js')], Date.now());
		expect((await waitForEvent('run/spawned', 2)).restart).toBe(1);
	});

	it('a file the batch created (a temp file) begins no stop, and if it goes again nothing restarts', async () => {
		const {supervisor, of, settled} = setup();
		await supervisor.start();
		supervisor.changeSeen({path: 'sedAb12Cd', kind: 'added'});
		supervisor.changeSeen({path: 'sedAb12Cd', kind: 'changed'});
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		supervisor.changeSeen({path: 'sedAb12Cd', kind: 'removed'});
		supervisor.batchClosed([], Date.now());
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		expect(of('run/spawned')).toHaveLength(1);
	});

	it('an early-stopped batch that comes to nothing still brings the app back', async () => {
		const {supervisor, waitForEvent} = setup();
		await supervisor.start();
		supervisor.changeSeen({path: 'a.js', kind: 'changed'});
		await waitForEvent('run/exited');
		supervisor.batchClosed([], Date.now());
		expect((await waitForEvent('run/spawned', 2)).restart).toBe(1);
	});

	it('a broken save never stops the old app: the cheap check runs on the current content first', async () => {
		const checks = fakeChecks({preflight: async () => false});
		const {supervisor, waitForEvent, of, settled} = setup({checks: checks.runner});
		await supervisor.start();
		supervisor.changeSeen({path: 'app.py', kind: 'changed'});
		await settled();
		expect(checks.preflights).toEqual([['app.py']]);
		expect(of('run/stop-requested')).toEqual([]);
		supervisor.batchClosed([changed('app.py')], Date.now());
		await waitForEvent('check/started');
		checks.latest().fail();
		const failed = await waitForEvent('check/failed');
		expect(failed.appStopped).toBeUndefined();
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		expect(supervisor.state).toBe('running');
	});

	it('a save that passes the cheap check stops the old app early; the full check runs when the batch closes', async () => {
		const checks = fakeChecks();
		const {supervisor, waitForEvent, of} = setup({checks: checks.runner});
		await supervisor.start();
		supervisor.changeSeen({path: 'app.py', kind: 'changed'});
		await waitForEvent('run/exited');
		supervisor.batchClosed([changed('app.py')], Date.now());
		await waitForEvent('check/started');
		expect(of('run/spawned')).toHaveLength(1);
		checks.latest().pass();
		await waitForEvent('run/spawned', 2);
	});

	it('a renamed-in or recreated file is not judged until its batch closes (vim, JetBrains, a rename over it)', async () => {
		const checks = fakeChecks();
		const {supervisor, of, settled, waitForEvent} = setup({checks: checks.runner});
		await supervisor.start();
		supervisor.changeSeen({path: 'app.py', kind: 'removed'});
		supervisor.changeSeen({path: 'app.py', kind: 'added'});
		supervisor.changeSeen({path: 'app.py', kind: 'changed'});
		await settled();
		expect(checks.preflights).toEqual([]);
		expect(of('run/stop-requested')).toEqual([]);
		supervisor.batchClosed([changed('app.py')], Date.now());
		await waitForEvent('check/started');
		checks.latest().pass();
		await waitForEvent('run/spawned', 2);
	});

	it('with a check that has no cheap form (a --check command), nothing stops before it passes', async () => {
		const checks = fakeChecks({appliesTo: () => true, cheap: false});
		const {supervisor, waitForEvent, of, settled} = setup({checks: checks.runner});
		await supervisor.start();
		supervisor.changeSeen({path: 'a.ts', kind: 'changed'});
		supervisor.batchClosed([changed('a.ts')], Date.now());
		await waitForEvent('check/started');
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		checks.latest().pass();
		await waitForEvent('run/spawned', 2);
	});

	it('a failed check keeps its files pending: the next change checks them together, and a pass restarts with all', async () => {
		const checks = fakeChecks({preflight: async () => false});
		const {supervisor, save, waitForEvent, of} = setup({checks: checks.runner});
		await supervisor.start();
		save('a.py');
		await waitForEvent('check/started');
		checks.latest().fail();
		await waitForEvent('check/failed');
		save('b.py');
		await waitForEvent('check/started', 2);
		expect(checks.latest().files.map(file => file.path)).toEqual(['a.py', 'b.py']);
		checks.latest().pass();
		await waitForEvent('run/spawned', 2);
		expect(of('run/stop-requested')[0]!.files.map(file => file.path)).toEqual(['a.py', 'b.py']);
	});

	it('a newer change cancels the running check and checks the union', async () => {
		const checks = fakeChecks({preflight: async () => false});
		const {supervisor, save, waitForEvent} = setup({checks: checks.runner});
		await supervisor.start();
		save('a.py');
		await waitForEvent('check/started');
		const first = checks.latest();
		save('b.py');
		await waitForEvent('check/cancelled');
		expect(first.cancelled).toBe(true);
		await waitForEvent('check/started', 2);
		expect(checks.latest().files.map(file => file.path)).toEqual(['a.py', 'b.py']);
	});

	it('r during a check cancels it and restarts at once with what is pending', async () => {
		const checks = fakeChecks({preflight: async () => false});
		const {supervisor, save, waitForEvent, of} = setup({checks: checks.runner});
		await supervisor.start();
		save('a.py');
		await waitForEvent('check/started');
		supervisor.restart();
		await waitForEvent('run/spawned', 2);
		expect(checks.latest().cancelled).toBe(true);
		expect(of('run/stop-requested')[0]).toMatchObject({reason: 'manual', files: [changed('a.py')]});
	});

	it('held: changes pile up unchecked and stop nothing; release restarts once with all of them; r goes through the hold', async () => {
		const checks = fakeChecks();
		const {supervisor, save, waitForEvent, of, settled} = setup({checks: checks.runner});
		await supervisor.start();
		supervisor.hold(true);
		save('a.py');
		save('b.js');
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		expect(checks.runs).toEqual([]);
		expect(of('supervisor/held').at(-1)).toMatchObject({held: true, pending: [changed('a.py'), changed('b.js')]});
		supervisor.restart();
		await waitForEvent('run/spawned', 2);
		expect(supervisor.held).toBe(true);
		save('c.js');
		await settled();
		expect(of('run/spawned')).toHaveLength(2);
		supervisor.hold(false);
		await waitForEvent('run/spawned', 3);
		expect(of('run/stop-requested')[1]!.files).toEqual([changed('c.js')]);
		expect(checks.runs).toEqual([]);
	});

	it('k stops the app for good; a change starts it again; r right after k (still stopping) restarts', async () => {
		const {supervisor, save, waitForEvent, of, settled} = setup({behaviour: () => ({stopsAfterMs: 'never'})});
		await supervisor.start();
		supervisor.forceKill();
		await waitForEvent('run/exited');
		expect(of('run/exited')[0]).toMatchObject({forced: true, restarting: false});
		await settled();
		expect(supervisor.state).toBe('exited');
		save('a.js');
		await waitForEvent('run/spawned', 2);
		supervisor.forceKill();
		supervisor.restart();
		await waitForEvent('run/spawned', 3);
	});

	it('quitting while a stop is under way ends it without a new instance; a forced quit kills at once', async () => {
		const {supervisor, save, waitForEvent, of} = setup({behaviour: () => ({stopsAfterMs: 'never'}), timeoutMs: 60_000});
		await supervisor.start();
		save('a.js');
		await waitForEvent('run/signal-sent');
		const quitting = supervisor.quit();
		void supervisor.quit({force: true});
		await quitting;
		expect(of('run/force-killed')[0]).toMatchObject({reason: 'quit'});
		expect(of('run/spawned')).toHaveLength(1);
	});

	it('a quit that comes while the first instance is still spawning stops that instance', async () => {
		const {supervisor, of, processes} = setup();
		const starting = supervisor.start();
		const quitting = supervisor.quit();
		await starting;
		await quitting;
		expect(of('run/spawned')).toHaveLength(1);
		expect(processes.latest().app.exit).toBeDefined();
		expect(of('run/exited')[0]).toMatchObject({byDevtui: true, restarting: false});
	});

	it('a crash is reported with the stderr tail; with --restart-on-crash it restarts after the backoff', async () => {
		const {supervisor, waitForEvent, processes} = setup({restartOnCrash: true});
		await supervisor.start();
		processes.latest().print('stderr', 'Traceback', 'Boom');
		processes.latest().exit(1);
		const crashed = await waitForEvent('run/crashed');
		expect(crashed).toMatchObject({code: 1, stderrTail: ['Traceback', 'Boom'], restartInMs: 500});
		expect((await waitForEvent('run/spawned', 2)).restart).toBe(1);
	});

	it('a restart whose command vanished is a spawn failure; a later change tries again', async () => {
		let failures = 0;
		const {supervisor, save, waitForEvent} = setup({
			behaviour: restart => (restart === 1 && failures++ === 0 ? {spawnError: 'command not found: app'} : {}),
		});
		await supervisor.start();
		save('a.js');
		await waitForEvent('run/spawn-failed');
		expect(supervisor.state).toBe('crashed');
		save('b.js');
		await waitForEvent('run/spawned', 2);
	});

	it("the app's own writes neither stop nor restart it, and are reported as set aside", async () => {
		const filter: ChangeFilter = {appWrite: file => file === 'app.log', batchClosed: () => ({})};
		const {supervisor, waitForEvent, of, settled} = setup({changeFilter: filter});
		await supervisor.start();
		supervisor.changeSeen({path: 'app.log', kind: 'changed'});
		supervisor.batchClosed([changed('app.log')], Date.now());
		await waitForEvent('watch/set-aside');
		await settled();
		expect(of('run/stop-requested')).toEqual([]);
		expect(of('watch/changed')).toEqual([]);
	});

	it('a feedback probe shifts the next start by its delay', async () => {
		const filter: ChangeFilter = {appWrite: () => false, batchClosed: () => ({probeDelayMs: 80})};
		const {supervisor, save, waitForEvent} = setup({changeFilter: filter});
		await supervisor.start();
		const at = Date.now();
		save('a.js');
		await waitForEvent('run/spawned', 2);
		expect(Date.now() - at).toBeGreaterThanOrEqual(80);
	});

	it("grants the app's extend only while stopping, capped in total", async () => {
		const {supervisor, save, waitForEvent} = setup({behaviour: () => ({stopsAfterMs: 'never'}), timeoutMs: 1000});
		await supervisor.start();
		expect(supervisor.extendStop(500)).toBeUndefined();
		save('a.js');
		await waitForEvent('run/signal-sent');
		const grant = supervisor.extendStop(5000);
		expect(grant?.grantedMs).toBeGreaterThan(3000);
		supervisor.forceKill();
		await waitForEvent('run/spawned', 2);
	});

	it('a burst of raw events and one closed batch is one restart', async () => {
		const {supervisor, waitForEvent, of, settled} = setup({behaviour: () => ({stopsAfterMs: 20})});
		await supervisor.start();
		const files = Array.from({length: 20}, (_, index) => `f${index % 10}.js`);
		for (const file of files) supervisor.changeSeen({path: file, kind: 'changed'});
		supervisor.batchClosed([...new Set(files)].map(changed), Date.now());
		await waitForEvent('run/spawned', 2);
		await settled();
		expect(of('run/spawned')).toHaveLength(2);
	});
});
