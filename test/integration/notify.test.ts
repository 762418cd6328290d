// sd_notify end to end: the built devtui CLI (--json) and real senders: gunicorn 20.1 from Debian,
// python3-sdnotify, python3-systemd (libsystemd's sd_notify), systemd-notify from a shell script,
// and a raw socket for what no library sends. Strangers, garbage, floods, a SIGKILLed devtui and
// the relay's idle cost, all checked against /proc.

import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openNotifyChannel} from '../../src/notify/notify-channel.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent, SupervisorEventOf, SupervisorEventType} from '../../src/supervisor/events.js';
import {Supervisor} from '../../src/supervisor/supervisor.js';
import {cleanupRuns, freePort, startJson, tempDir, type JsonRun} from '../fixtures/apps/proto-json-run.js';
import {runCli} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

// Debian's interpreter: its packages (gunicorn, sdnotify, systemd) are not in pyenv's python3.
const PYTHON = '/usr/bin/python3';
const app = [PYTHON, fixture('notify-app.py')];

const start = async (command: string[], {args = [], env = {}}: {args?: string[]; env?: NodeJS.ProcessEnv} = {}): Promise<JsonRun> => {
	const devtui = startJson([...args, '--', ...command], {cwd: tempDir('devtui-notify-'), env});
	await devtui.waitForEvent('watch/ready');
	return devtui;
};

/** The NOTIFY_SOCKET the app saw on its start with this restart number ('-': none). */
const socketOf = async (devtui: JsonRun, restart = 0): Promise<string> => {
	const spawned = await devtui.waitForEvent('run/spawned', event => event.restart === restart);
	const line = await waitFor(
		() => devtui.of('run/output').find(event => event.pid === spawned.pid && event.lines.some(text => text.startsWith('SOCKET='))),
		{timeout: 20_000, message: 'the app to print its NOTIFY_SOCKET'},
	);
	return line.lines.find(text => text.startsWith('SOCKET='))!.slice('SOCKET='.length);
};

/** Sends datagrams to the socket from a process that is not the app's (a child of the test). */
const sendAsStranger = (socketPath: string, payload: string, count = 1) =>
	spawnSync(PYTHON, ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\nfor _ in range(${count}): s.sendto(sys.argv[2].encode(),sys.argv[1])`, socketPath, payload], {
		encoding: 'utf8',
	});

const relayPidOf = (socketPath: string): number | undefined => {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (argv.includes('-I') && argv.at(-2) === socketPath) return Number(entry);
		} catch {
			// Gone between the listing and the read.
		}
	}
	return undefined;
};

const alive = (pid: number): boolean => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
	} catch {
		return false;
	}
};

/** User plus system CPU time of a process, in clock ticks. */
const cpuTicks = (pid: number): number => {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]);
};

const problems = (devtui: JsonRun) => devtui.of('channel/problem').filter(event => event.channel === 'notify');

describe('gunicorn 20.1 (Debian) reports readiness through NOTIFY_SOCKET', () => {
	it('every restart is ready by notify, with the boot time the arbiter took, and shows its status', async () => {
		// gunicorn/arbiter.py, Arbiter.start(): once the listeners are bound,
		// systemd.sd_notify("READY=1\nSTATUS=Gunicorn arbiter booted").
		const cwd = tempDir('devtui-notify-gunicorn-');
		writeFileSync(path.join(cwd, 'wsgi.py'), "def app(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'served\\n']\n");
		const port = await freePort();
		const devtui = startJson(['--', PYTHON, '-m', 'gunicorn', '-b', `127.0.0.1:${port}`, '-w', '1', 'wsgi:app'], {cwd});
		const first = await devtui.waitForEvent('run/spawned');
		await devtui.waitForEvent('app/status', event => event.pid === first.pid);
		// Nothing said yet that this app speaks sd_notify: the first start is ready by the first sign,
		// its bound port (the master binds before READY=1) or READY=1 itself.
		const firstReady = await devtui.waitForEvent('app/ready', event => event.pid === first.pid);
		expect(['listening', 'notify']).toContain(firstReady.source);

		for (const restart of [1, 2]) {
			devtui.touch();
			const timeline = await devtui.completed(restart);
			expect(timeline.outcome).toBe('ready');
			const spawned = devtui.of('run/spawned').find(event => event.restart === restart)!;
			const ready = devtui.of('app/ready').find(event => event.restart === restart)!;
			expect(ready).toMatchObject({pid: spawned.pid, source: 'notify'});
			// A real boot: Python and gunicorn's imports take tens of ms, so READY=1 came later than the
			// spawn; a warm start (DEVTUI_TEST_WARM) had them imported while parked, and is quicker.
			expect(ready.bootMs).toBeGreaterThan(spawned.warm ? 0 : 20);
			// bootMs ends where READY=1 arrived; the event itself is stamped when it is emitted, which can
			// be a millisecond or two later.
			expect(ready.bootMs).toBeLessThanOrEqual(ready.at - spawned.at);
			expect(ready.bootMs).toBeGreaterThanOrEqual(ready.at - spawned.at - 20);
			// Ready means serving: the listener is bound and a request is answered.
			const response = await fetch(`http://127.0.0.1:${port}/`);
			expect(await response.text()).toBe('served\n');
			await devtui.waitForEvent('app/status', event => event.pid === spawned.pid);
			expect(devtui.of('app/status').filter(event => event.pid === spawned.pid)).toEqual([
				expect.objectContaining({pid: spawned.pid, status: 'Gunicorn arbiter booted'}),
			]);
		}
		expect(problems(devtui)).toEqual([]);
	});
});

describe('sd_notify libraries', () => {
	for (const lib of ['sdnotify', 'systemd'] as const) {
		it(`${lib === 'sdnotify' ? 'python3-sdnotify' : 'python3-systemd (libsystemd)'}: READY=1 after a 300 ms boot, STATUS as an event`, async () => {
			const devtui = await start(app, {env: {NOTIFY_LIB: lib, NOTIFY_BOOT_MS: '300'}});
			await devtui.waitForOutput(/^READY \d+$/);
			devtui.touch();
			await devtui.completed(1);
			const spawned = devtui.of('run/spawned').find(event => event.restart === 1)!;
			const ready = devtui.of('app/ready').find(event => event.restart === 1)!;
			expect(ready).toMatchObject({pid: spawned.pid, source: 'notify'});
			expect(ready.bootMs).toBeGreaterThanOrEqual(300);
			await devtui.waitForEvent('app/status', event => event.pid === spawned.pid && event.status === 'serving restart 1');
			expect(problems(devtui)).toEqual([]);
		});
	}

	it('systemd-notify in a shell script (a sender that exits right away) makes the app ready', async () => {
		const script = 'sleep 0.3; systemd-notify --ready --status="shell is up"; echo UP; exec sleep 600';
		const devtui = await start(['sh', '-c', script]);
		await devtui.waitForOutput(/^UP$/);
		devtui.touch();
		await devtui.completed(1);
		const spawned = devtui.of('run/spawned').find(event => event.restart === 1)!;
		expect(devtui.of('app/ready').find(event => event.restart === 1)).toMatchObject({pid: spawned.pid, source: 'notify'});
		await devtui.waitForEvent('app/status', event => event.pid === spawned.pid && event.status === 'shell is up');
		expect(problems(devtui)).toEqual([]);
	});
});

describe('the environment', () => {
	it("sets NOTIFY_SOCKET for every instance, never the one devtui inherited, and removes the socket on quit", async () => {
		const devtui = await start(app, {env: {NOTIFY_SOCKET: '/run/systemd/notify'}});
		const socketPath = await socketOf(devtui, 0);
		expect(socketPath).toMatch(/\/devtui-[^/]+\/notify\.sock$/);
		expect(existsSync(socketPath)).toBe(true);
		devtui.touch();
		await devtui.completed(1);
		expect(await socketOf(devtui, 1)).toBe(socketPath);
		const relay = relayPidOf(socketPath)!;
		expect(relay).toBeGreaterThan(0);
		devtui.run.kill('SIGTERM');
		await devtui.run.exit;
		await waitFor(() => !alive(relay) && !existsSync(path.dirname(socketPath)), {timeout: 5000, message: 'the relay and its socket to be gone'});
	});

	it('if the relay dies, devtui says so once and later instances get no NOTIFY_SOCKET', async () => {
		const devtui = await start(app);
		const socketPath = await socketOf(devtui, 0);
		// READY=1 was heard: from now on instances would wait for theirs.
		await devtui.waitForEvent('app/status', event => event.status === 'serving restart 0');
		process.kill(relayPidOf(socketPath)!, 'SIGKILL');
		const problem = await devtui.waitForEvent('channel/problem', event => event.channel === 'notify');
		expect(problem.message).toBe('the relay process ended (killed by SIGKILL): instances started from now on get no NOTIFY_SOCKET');
		devtui.touch();
		// Started, with nothing to send READY=1 to (that later instances do not wait for it is
		// test/unit/readiness-notify.test.ts's).
		expect(await socketOf(devtui, 1)).toBe('-');
	});

	it('without a relay (here: not Linux) the app gets no NOTIFY_SOCKET, its inherited one removed, and nothing is said', async () => {
		const bus = createEventBus();
		const said: string[] = [];
		bus.subscribe(event => said.push(event.type));
		const channel = openNotifyChannel(bus, {ready: () => {}, extend: () => undefined, lost: () => {}}, {platform: 'darwin'});
		await channel.ready;
		expect(channel.socketPath).toBeUndefined();
		const input = channel.participant.spawnInput!({command: ['app'], cwd: '/', env: {NOTIFY_SOCKET: '/run/systemd/notify', KEEP: '1'}, onLines: () => {}}, 0);
		expect(input.env).toEqual({KEEP: '1'});
		expect(said).toEqual([]);
		channel.close();
	});
});

describe('the shutdown', () => {
	it('STOPPING=1 is an event, and EXTEND_TIMEOUT_USEC moves the force kill past --timeout', async () => {
		const devtui = await start(app, {
			args: ['--timeout', '1000'],
			env: {NOTIFY_SHUTDOWN_MS: '2500', NOTIFY_EXTEND_USEC: '4000000'},
		});
		await devtui.waitForOutput(/^READY \d+$/);
		const first = devtui.of('run/spawned')[0]!;
		devtui.touch();
		const timeline = await devtui.completed(1);
		expect(timeline.forced).toBe(false);
		expect(timeline.stopMs).toBeGreaterThanOrEqual(2400);
		expect(devtui.of('run/force-killed')).toEqual([]);
		expect(devtui.of('app/stopping')).toEqual([expect.objectContaining({pid: first.pid})]);
		const [extension] = devtui.of('app/extend');
		expect(extension).toMatchObject({pid: first.pid, requestedMs: 4000});
		expect(extension!.grantedMs).toBeGreaterThan(2000);
		const signalled = devtui.of('run/signal-sent')[0]!;
		expect(extension!.deadline).toBeGreaterThan(signalled.deadline + 2000);
		expect(devtui.output()).toContain('EXITING');
		await devtui.waitForEvent('app/status', event => event.pid === first.pid && event.status === 'shutting down');
	});

	// The CLI has no flag for the cap (60 s), so it is checked on a Supervisor wired as the session
	// wires it: the same channel, the same extendStop(), a real app that keeps asking.
	it('an app that keeps asking cannot push the deadline past the cap', async () => {
		const cwd = tempDir('devtui-notify-cap-');
		const bus = createEventBus();
		const events: SupervisorEvent[] = [];
		bus.subscribe(event => events.push(event));
		const of = <T extends SupervisorEventType>(type: T) => events.filter(event => event.type === type) as unknown as Array<SupervisorEventOf<T>>;
		let supervisor: Supervisor | undefined;
		const channel = openNotifyChannel(bus, {ready: () => {}, extend: ms => supervisor?.extendStop(ms), lost: () => {}});
		await channel.ready;
		supervisor = new Supervisor(
			{
				command: app,
				cwd,
				env: {...process.env, NOTIFY_SHUTDOWN_MS: '30000', NOTIFY_EXTEND_USEC: '10000000', NOTIFY_EXTEND_EVERY_MS: '100'},
				signal: 'SIGTERM',
				timeoutMs: 1000,
				maxExtendMs: 1500,
				restartArg: undefined,
				stateFile: path.join(cwd, '.devtui/restart_state.json'),
				restartOnCrash: false,
			},
			{bus, participants: [channel.participant]},
		);
		try {
			await supervisor.start();
			await waitFor(() => of('run/output').some(event => event.lines.some(line => line.startsWith('READY '))), {message: 'the app to be up'});
			supervisor.restart();
			const killed = await waitFor(() => of('run/force-killed')[0], {timeout: 15_000, message: 'the force kill'});
			const signalled = of('run/signal-sent')[0]!;
			const cap = signalled.deadline + 1500;
			// Asked every 100 ms for 10 s more: one grant, up to the cap, and no event for the repeats after it.
			expect(of('app/extend')).toEqual([expect.objectContaining({requestedMs: 10_000, deadline: cap})]);
			expect(of('app/stopping')).toHaveLength(1);
			expect(killed.afterMs).toBeGreaterThanOrEqual(2450);
			expect(killed.afterMs).toBeLessThan(9000);
			expect(killed.at).toBeGreaterThanOrEqual(cap - 20);
		} finally {
			await supervisor.quit({force: true});
			channel.close();
		}
	});
});

describe('what does not count', () => {
	it("a stranger's datagrams are said once and change nothing, even a flood of them", async () => {
		const devtui = await start(app);
		const socketPath = await socketOf(devtui);
		await devtui.waitForOutput(/^READY \d+$/);
		const first = devtui.of('run/spawned')[0]!;
		await devtui.waitForEvent('app/status', event => event.status === 'serving restart 0');
		expect(sendAsStranger(socketPath, 'READY=1\nSTATUS=forged\nSTOPPING=1').status).toBe(0);
		const problem = await devtui.waitForEvent('channel/problem', event => event.channel === 'notify');
		// The sender's name is read from /proc when its datagram arrives; a sender that already exited has none.
		expect(problem.message).toMatch(/^ignored a datagram from pid \d+( \(python3\))?, which is not one of the app's processes/);
		expect(sendAsStranger(socketPath, 'STATUS=forged', 20_000).status).toBe(0);
		// The app itself is still heard after the flood: its next instance is ready by notify.
		devtui.touch();
		await devtui.completed(1);
		expect(devtui.of('app/ready').find(event => event.restart === 1)).toMatchObject({source: 'notify'});
		expect(problems(devtui)).toHaveLength(1);
		expect(devtui.of('app/status').some(event => event.status === 'forged')).toBe(false);
		expect(devtui.of('app/stopping').filter(event => event.pid === first.pid)).toHaveLength(1);
	});

	it("the app's own garbage is said once per kind, and what follows still counts", async () => {
		const devtui = await start(app, {env: {NOTIFY_GARBAGE: '1'}});
		await devtui.waitForOutput(/^READY \d+$/);
		await devtui.waitForEvent('app/status', event => event.status === 'serving restart 0');
		await waitFor(() => problems(devtui).length >= 4, {timeout: 5000, message: 'four problems'});
		expect(problems(devtui).map(event => event.message)).toEqual([
			'ignored a datagram that is not UTF-8 text (said once)',
			'ignored a datagram that holds a NUL byte (said once)',
			'ignored a datagram of 4096 bytes or more (said once)',
			'ignored "EXTEND_TIMEOUT_USEC=soon": not an assignment devtui can read (said once)',
		]);
		devtui.touch();
		await devtui.completed(1);
		expect(devtui.of('app/ready').find(event => event.restart === 1)).toMatchObject({source: 'notify'});
		expect(problems(devtui)).toHaveLength(4);
	});

	it("a flood of the app's status updates is folded, and the last one is shown", async () => {
		const devtui = await start(app, {env: {NOTIFY_FLOOD: '20000'}});
		await devtui.waitForOutput(/^READY \d+$/, 60_000);
		await devtui.waitForEvent('app/status', event => event.status === 'serving restart 0');
		const statuses = devtui.of('app/status');
		expect(statuses.length).toBeLessThan(2000);
		expect(statuses.at(-1)!.status).toBe('serving restart 0');
		expect(problems(devtui)).toEqual([]);
	});
});

describe('the relay process', () => {
	it('idles at no CPU, and is gone with its socket when devtui is SIGKILLed', async () => {
		const cwd = tempDir('devtui-notify-kill-');
		const run = runCli(['--json', '--', ...app], {cwd});
		try {
			const line = await run.waitForLine(/"SOCKET=/, {timeout: 20_000});
			const socketPath = /SOCKET=([^"]+)/.exec(line)![1]!;
			const relay = relayPidOf(socketPath)!;
			expect(relay).toBeGreaterThan(0);
			// Two idle seconds (a measurement window, not a wait for something to happen).
			const before = cpuTicks(relay);
			await new Promise(resolve => setTimeout(resolve, 2000));
			const ticks = cpuTicks(relay) - before;
			console.log(`[notify] relay CPU over 2 s idle: ${ticks} ticks`);
			expect(ticks).toBeLessThanOrEqual(1);
			run.kill('SIGKILL');
			await run.exit;
			await waitFor(() => !alive(relay) && !existsSync(path.dirname(socketPath)), {
				timeout: 5000,
				message: 'the relay and its socket to be gone after devtui was SIGKILLed',
			});
		} finally {
			run.kill('SIGKILL');
		}
	});
});
