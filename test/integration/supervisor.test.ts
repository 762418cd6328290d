import {afterEach, describe, expect, it} from 'vitest';
import {fixture, supervise} from '../helpers/supervise.js';
import {isAlive, pidsIn} from '../helpers/process-alive.js';
import {waitFor} from '../helpers/wait-for.js';
import {freePort} from '../helpers/free-port.js';
import {readFileSync} from 'node:fs';

const running: Array<{supervisor: {quit: (o?: {force?: boolean}) => Promise<void>}}> = [];
const track = <T extends {supervisor: {quit: (o?: {force?: boolean}) => Promise<void>}}>(run: T): T => {
	running.push(run);
	return run;
};
afterEach(async () => {
	await Promise.all(running.splice(0).map(run => run.supervisor.quit({force: true})));
});

describe('supervisor with real processes', () => {
	it('starts the app, restarts it on a batch of changes with the restart number, and stops it on quit', async () => {
		const run = track(supervise([process.execPath, fixture('ready.mjs')]));
		await run.supervisor.start();
		const first = await run.waitForOutput(/READY/);
		expect(first).toContain('restart=0');
		run.supervisor.batchClosed([{path: 'app.py', kind: 'changed'}], Date.now());
		const second = await run.waitForOutput(/READY/, 2);
		expect(second).toContain('restart=1');
		const [firstPid] = pidsIn(first);
		const [secondPid] = pidsIn(second);
		expect(secondPid).not.toBe(firstPid);
		expect(isAlive(firstPid!)).toBe(false);
		expect(run.output()).toContain(`STOPPING pid=${firstPid} signal=SIGTERM`);
		const exited = run.of('run/exited')[0]!;
		expect(exited).toMatchObject({pid: firstPid, byDevtui: true, forced: false});
		expect(run.of('run/stop-requested')[0]).toMatchObject({reason: 'change', files: [{path: 'app.py', kind: 'changed'}]});
		await run.supervisor.quit();
		expect(isAlive(secondPid!)).toBe(false);
		expect(run.supervisor.state).toBe('exited');
	});

	it('sends the configured signal', async () => {
		const run = track(supervise([process.execPath, fixture('ready.mjs')], {signal: 'SIGUSR2'}));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		run.supervisor.restart();
		await run.waitForOutput(/STOPPING .* signal=SIGUSR2/);
		expect(run.of('run/signal-sent')[0]?.signal).toBe('SIGUSR2');
	});

	it('force-kills an app that ignores SIGTERM at the deadline, together with its grandchild', async () => {
		const timeoutMs = 600;
		const run = track(supervise([process.execPath, fixture('stubborn.mjs')], {timeoutMs}));
		await run.supervisor.start();
		const ready = await run.waitForOutput(/READY/);
		await run.waitForOutput(/GRANDCHILD/);
		const [appPid, grandchildPid] = pidsIn(ready);
		run.supervisor.restart();
		const killed = await run.waitForEvent('run/force-killed');
		expect(killed.reason).toBe('timeout');
		const sent = run.of('run/signal-sent')[0]!;
		// A correctness bound, not a benchmark: the kill comes at the deadline, not long after it.
		expect(killed.at - sent.at).toBeGreaterThanOrEqual(timeoutMs - 5);
		expect(killed.at - sent.deadline).toBeLessThan(250);
		await run.waitForOutput(/READY/, 2);
		expect(isAlive(appPid!)).toBe(false);
		expect(isAlive(grandchildPid!)).toBe(false);
		expect(run.of('run/exited')[0]).toMatchObject({forced: true, byDevtui: true});
	});

	it('stops the whole tree of a shell launcher (sh -> node)', async () => {
		const run = track(supervise([fixture('tree.sh')]));
		await run.supervisor.start();
		const shell = await run.waitForOutput(/SHELL/);
		const ready = await run.waitForOutput(/READY/);
		const [shellPid] = pidsIn(shell);
		const [nodePid] = pidsIn(ready);
		run.supervisor.restart();
		await run.waitForOutput(/READY/, 2);
		expect(isAlive(shellPid!)).toBe(false);
		expect(isAlive(nodePid!)).toBe(false);
	});

	it('never runs two instances: a port-holding app restarted 15 times never sees EADDRINUSE', async () => {
		const port = await freePort();
		const run = track(supervise([process.execPath, fixture('port-holder.mjs')], {env: {...process.env, PORT: String(port)}}));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		for (let i = 1; i <= 15; i++) {
			// Changes arrive while starting and while stopping, too.
			run.supervisor.changeSeen({path: 'x.js', kind: 'changed'});
			run.supervisor.batchClosed([{path: `f${i}.js`, kind: 'changed'}], Date.now());
			if (i % 3 === 0) {
				run.supervisor.batchClosed([{path: `g${i}.js`, kind: 'added'}], Date.now());
			}
			await run.waitForOutput(/READY/, i + 1, 15_000);
		}
		expect(run.output().filter(line => line.includes('BIND FAILED'))).toEqual([]);
		expect(run.of('run/crashed')).toEqual([]);
		const spawned = run.of('run/spawned').map(event => event.pid);
		expect(new Set(spawned).size).toBe(spawned.length);
	});

	it('changes while stopping join the restart in progress; a change while starting causes exactly one more', async () => {
		const run = track(supervise([process.execPath, fixture('stubborn.mjs')], {timeoutMs: 400}));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		run.supervisor.batchClosed([{path: 'a.js', kind: 'changed'}], Date.now());
		await run.waitForEvent('run/signal-sent');
		// The new app is not started yet, so it will read these files anyway: no extra restart.
		run.supervisor.batchClosed([{path: 'b.js', kind: 'changed'}], Date.now());
		run.supervisor.batchClosed([{path: 'c.js', kind: 'added'}], Date.now());
		await run.waitForEvent('run/spawned', 2);
		// A change while the new app is starting may have been missed by it: one more restart, never two.
		run.supervisor.batchClosed([{path: 'd.js', kind: 'changed'}], Date.now());
		run.supervisor.batchClosed([{path: 'e.js', kind: 'changed'}], Date.now());
		const third = await run.waitForEvent('run/spawned', 3);
		await run.waitForOutput(new RegExp(`READY pid=${third.pid}`));
		expect(run.of('run/stop-requested').map(event => event.files.map(file => file.path))).toEqual([
			['a.js'],
			['d.js', 'e.js'],
		]);
		// Nothing else is pending: the next start comes only from the next request.
		run.supervisor.restart();
		const fourth = await run.waitForEvent('run/spawned', 4);
		await run.waitForOutput(new RegExp(`READY pid=${fourth.pid}`));
		expect(run.of('run/spawned')).toHaveLength(4);
	});

	it('early stop: the first change stops the app, the new one starts only when the batch closes', async () => {
		const run = track(supervise([process.execPath, fixture('ready.mjs')]));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		run.supervisor.changeSeen({path: 'x.js', kind: 'changed'});
		await run.waitForEvent('run/exited');
		expect(run.supervisor.state).toBe('exited');
		expect(run.of('run/spawned')).toHaveLength(1);
		run.supervisor.batchClosed([{path: 'x.py', kind: 'changed'}], Date.now());
		await run.waitForOutput(/READY/, 2);
		// An empty batch (a temp file that came and went) still brings back an app stopped for it.
		run.supervisor.changeSeen({path: 'x.js', kind: 'changed'});
		await run.waitForEvent('run/exited', 2);
		run.supervisor.batchClosed([], Date.now());
		await run.waitForOutput(/READY/, 3);
	});

	it('reports a crash with its exit code and last stderr lines, then waits for a change', async () => {
		const run = track(supervise([process.execPath, fixture('crash.mjs')]));
		await run.supervisor.start();
		const crashed = await run.waitForEvent('run/crashed');
		expect(crashed.code).toBe(3);
		expect(crashed.stderrTail).toEqual(['something went wrong: boom', 'Traceback: line 42']);
		expect(crashed.restartInMs).toBeUndefined();
		expect(run.supervisor.state).toBe('crashed');
		run.supervisor.batchClosed([{path: 'fix.js', kind: 'changed'}], Date.now());
		await run.waitForOutput(/READY .*restart=1/);
		await run.waitForEvent('run/crashed', 2);
	});

	it('--restart-on-crash restarts with a growing backoff', async () => {
		const run = track(supervise([process.execPath, fixture('crash.mjs')], {restartOnCrash: true, env: {...process.env, CRASH_AFTER_MS: '0'}}));
		await run.supervisor.start();
		await run.waitForEvent('run/crashed', 3, 20_000);
		const delays = run.of('run/crashed').map(event => event.restartInMs);
		expect(delays.slice(0, 3)).toEqual([500, 1000, 2000]);
		const spawned = run.of('run/spawned');
		// The second start waited at least the first backoff after the first crash.
		expect(spawned[1]!.at - run.of('run/crashed')[0]!.at).toBeGreaterThanOrEqual(490);
	});

	it('a clean exit is not a crash', async () => {
		const run = track(supervise([process.execPath, '-e', 'console.log("done")']));
		await run.supervisor.start();
		const exited = await run.waitForEvent('run/exited');
		expect(exited).toMatchObject({code: 0, byDevtui: false});
		await waitFor(() => run.supervisor.state === 'exited');
		expect(run.of('run/crashed')).toEqual([]);
	});

	it('gives the app DEVTUI, DEVTUI_RESTART and DEVTUI_STATE_FILE, and appends --restart-arg on restarts only', async () => {
		const run = track(supervise([process.execPath, fixture('env.mjs'), '--port', '1'], {restartArg: '--restart'}));
		await run.supervisor.start();
		const env = await run.waitForOutput(/^ENV/);
		expect(JSON.parse(env.slice(4))).toEqual({
			DEVTUI: '1',
			DEVTUI_RESTART: '0',
			DEVTUI_STATE_FILE: `${run.cwd}/.devtui/restart_state.json`,
			PYTHONUNBUFFERED: '1',
		});
		expect(await run.waitForOutput(/READY/)).toContain('args=["--port","1"]');
		run.supervisor.restart();
		expect(JSON.parse((await run.waitForOutput(/^ENV/, 2)).slice(4)).DEVTUI_RESTART).toBe('1');
		expect(await run.waitForOutput(/READY/, 2)).toContain('args=["--port","1","--restart"]');
	});

	it('k force-kills a running app, which then waits for a change', async () => {
		const run = track(supervise([process.execPath, fixture('stubborn.mjs')]));
		await run.supervisor.start();
		const [pid] = pidsIn(await run.waitForOutput(/READY/));
		run.supervisor.forceKill();
		const killed = await run.waitForEvent('run/force-killed');
		expect(killed.reason).toBe('manual');
		await run.waitForEvent('run/exited');
		expect(isAlive(pid!)).toBe(false);
		expect(run.of('run/signal-sent')).toEqual([]);
		expect(run.supervisor.state).toBe('exited');
		run.supervisor.restart();
		await run.waitForOutput(/READY/, 2);
	});

	it('r right after k (while the kill is still under way) restarts the app', async () => {
		const run = track(supervise([process.execPath, fixture('stubborn.mjs')]));
		await run.supervisor.start();
		const [pid] = pidsIn(await run.waitForOutput(/READY/));
		run.supervisor.forceKill();
		run.supervisor.restart();
		const second = await run.waitForEvent('run/spawned', 2);
		expect(second.pid).not.toBe(pid);
		expect(isAlive(pid!)).toBe(false);
	});

	it('a forced quit during a slow stop kills at once', async () => {
		const run = track(supervise([process.execPath, fixture('stubborn.mjs')], {timeoutMs: 20_000}));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		const quitting = run.supervisor.quit();
		await run.waitForEvent('run/signal-sent');
		void run.supervisor.quit({force: true});
		await quitting;
		expect(run.of('run/force-killed')[0]?.reason).toBe('quit');
	});

	it('reports a command that cannot be started', async () => {
		const run = track(supervise(['definitely-not-a-command-xyz']));
		await expect(run.supervisor.start()).rejects.toThrow(/command not found: definitely-not-a-command-xyz/);
		expect(run.of('run/spawn-failed')).toHaveLength(1);
	});
});

describe('holding restarts (postpone)', () => {
	it('piles changes up while held, restarts once on release, and r restarts while held', async () => {
		const run = track(supervise([process.execPath, fixture('ready.mjs')]));
		await run.supervisor.start();
		const first = pidsIn(await run.waitForOutput(/READY/))[0]!;
		run.supervisor.hold(true);
		run.supervisor.changeSeen({path: 'x.js', kind: 'changed'});
		run.supervisor.batchClosed([{path: 'a.py', kind: 'changed'}], Date.now());
		run.supervisor.changeSeen({path: 'x.js', kind: 'changed'});
		run.supervisor.batchClosed([{path: 'b.py', kind: 'added'}], Date.now());
		expect(run.of('supervisor/held').at(-1)).toMatchObject({held: true, pending: [{path: 'a.py'}, {path: 'b.py'}]});
		// r while held: restarts now with the held files, and the hold stays on.
		run.supervisor.restart();
		const second = await run.waitForEvent('run/spawned', 2);
		expect(run.of('run/stop-requested')[0]).toMatchObject({pid: first, reason: 'manual', files: [{path: 'a.py'}, {path: 'b.py'}]});
		expect(run.supervisor.held).toBe(true);
		run.supervisor.batchClosed([{path: 'c.py', kind: 'changed'}], Date.now());
		run.supervisor.batchClosed([{path: 'd.py', kind: 'changed'}], Date.now());
		// The app stayed up: still the second instance, nothing stopped since.
		expect(run.of('run/stop-requested')).toHaveLength(1);
		expect(isAlive(second.pid)).toBe(true);
		run.supervisor.hold(false);
		await run.waitForEvent('run/spawned', 3);
		expect(run.of('run/stop-requested')[1]?.files.map(file => file.path)).toEqual(['c.py', 'd.py']);
		// Releasing with nothing pending restarts nothing.
		run.supervisor.hold(true);
		run.supervisor.hold(false);
		run.supervisor.restart();
		await run.waitForEvent('run/spawned', 4);
		expect(run.of('run/stop-requested')).toHaveLength(3);
	});
});

describe('descendants that escape the process group', () => {
	it('finds a daemonized grandchild (setsid, re-parented to PID 1, ignoring SIGTERM) and kills it too', async () => {
		const run = track(supervise([process.execPath, fixture('daemonizer.mjs')], {timeoutMs: 500}));
		await run.supervisor.start();
		await run.waitForOutput(/READY/);
		const escaped = pidsIn(await run.waitForOutput(/ESCAPED/))[0]!;
		await waitFor(() => {
			const stat = readFileSync(`/proc/${escaped}/stat`, 'utf8');
			return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === '1';
		}, {message: 'the escaped process to be re-parented to PID 1'});
		run.supervisor.restart();
		await run.waitForEvent('run/spawned', 2);
		expect(isAlive(escaped)).toBe(false);
		expect(run.of('run/force-killed')[0]?.reason).toBe('timeout');
	});
});
