// The restart protocol end to end: the built devtui CLI (--json), tiny real Python and Node apps
// (test/fixtures/apps/proto-*), real sockets, real signals and real state files.

import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {formatTimeline} from '../../src/headless/format-timeline.js';
import type {RestartTimeline} from '../../src/supervisor/events.js';
import {cleanupRuns, freePort, startJson, tempDir, type JsonRun} from '../fixtures/apps/proto-json-run.js';
import {fixture, supervise} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const python = (name: string): string[] => ['python3', fixture(name)];
const node = (name: string): string[] => [process.execPath, fixture(name)];

const languages = [
	{lang: 'python', app: (name: string) => python(`${name}.py`)},
	{lang: 'node', app: (name: string) => node(`${name}.mjs`)},
];

/** Starts devtui on `command` in a fresh temp project and waits until a change would be seen. */
const start = async (command: string[], {args = [], env = {}}: {args?: string[]; env?: NodeJS.ProcessEnv} = {}): Promise<JsonRun> => {
	const devtui = startJson([...args, '--', ...command], {cwd: tempDir(), env});
	await devtui.waitForEvent('watch/ready');
	return devtui;
};

/** Waits for the app's "UP ... restart=N" line, printed once its shutdown handler is installed. */
const up = (devtui: JsonRun, restart: number) => devtui.waitForOutput(new RegExp(`^UP pid=\\d+ restart=${restart}$`));

/** What the app's load_state/loadState returned on the start with this restart number. */
const loaded = async (devtui: JsonRun, restart: number): Promise<unknown> => {
	const line = await devtui.waitForOutput(new RegExp(`^LOADED restart=${restart} `));
	return JSON.parse(line.slice(line.indexOf(' ', 'LOADED '.length) + 1));
};

const appPhases = (timeline: RestartTimeline) => timeline.phases.filter(phase => phase.source === 'app');

describe('a shutdown phase that hangs', () => {
	for (const {lang, app, hung} of [
		{lang: 'python', app: python('proto-hang.py'), hung: 'runtime_loop'},
		{lang: 'node', app: node('proto-hang.mjs'), hung: 'event_queue'},
	]) {
		it(`${lang}: ends in a force kill, and the timeline names the phase that hung`, async () => {
			const devtui = await start(app, {args: ['--timeout', '1000']});
			await up(devtui, 0);
			devtui.touch();
			const timeline = await devtui.completed(1);
			expect(timeline.outcome).toBe('ready');
			expect(timeline.forced).toBe(true);
			expect(timeline.interruptedPhase).toBe(hung);
			const phases = appPhases(timeline);
			expect(phases.map(phase => [phase.name, phase.outcome])).toEqual([
				['api_server', 'ok'],
				[hung, 'interrupted'],
			]);
			expect(phases[1]!.durationMs).toBeGreaterThan(0);
			const [killed] = devtui.of('run/force-killed');
			expect(killed).toMatchObject({reason: 'timeout'});
			expect(killed!.afterMs).toBeGreaterThanOrEqual(950);
			expect(formatTimeline(timeline)).toContain(`FORCE-KILLED during ${hung} [api_server`);
			expect(devtui.output()).toContain(`HANGING in ${hung}`);
		});
	}
});

describe('a bad state file after a stop', () => {
	for (const {lang, app} of languages) {
		for (const mode of ['missing', 'truncated', 'corrupt'] as const) {
			it(`${lang}: a ${mode} file is replaced by the last snapshot before the next start`, async () => {
				const devtui = await start(app('proto-state'), {env: {PROTO_BREAK: mode}});
				expect(await loaded(devtui, 0)).toBeNull();
				await up(devtui, 0);
				devtui.touch();
				await devtui.completed(1);
				expect(await loaded(devtui, 1)).toEqual({counter: 1});
				expect(devtui.of('state/validated')).toHaveLength(1);
				devtui.touch();
				const timeline = await devtui.completed(2);
				expect(timeline.outcome).toBe('ready');
				expect(await loaded(devtui, 2)).toEqual({counter: 1});
				const invalid = devtui.of('state/invalid');
				const restored = devtui.of('state/restored');
				expect(invalid.map(event => event.reason)).toEqual([mode]);
				expect(restored.map(event => event.reason)).toEqual([mode]);
				expect(restored[0]!.snapshot).toMatch(/^\.devtui\/snapshots\/.+\.json$/);
				// Restored before the app started again.
				const spawned = devtui.of('run/spawned').find(event => event.restart === 2)!;
				expect(restored[0]!.at).toBeLessThanOrEqual(spawned.at);
				expect(timeline.phases.find(phase => phase.name === 'state check')).toMatchObject({outcome: 'failed', error: mode});
			});
		}
	}
});

describe('a SIGKILL in the middle of saving the state', () => {
	for (const {lang, app} of languages) {
		it(`${lang}: leaves the previous state file intact`, async () => {
			const devtui = await start(app('proto-state'), {args: ['--timeout', '2000'], env: {PROTO_BREAK: 'slow-save'}});
			await up(devtui, 0);
			devtui.touch();
			await devtui.completed(1);
			const stateDir = path.join(devtui.cwd, '.devtui');
			const before = readFileSync(path.join(stateDir, 'restart_state.json'));
			expect(JSON.parse(before.toString())).toMatchObject({restart_marker: true, counter: 1});
			devtui.touch();
			const timeline = await devtui.completed(2);
			expect(devtui.output()).toContain('SAVE STUCK before fsync');
			expect(timeline.forced).toBe(true);
			expect(timeline.interruptedPhase).toBe('state');
			expect(readFileSync(path.join(stateDir, 'restart_state.json'))).toEqual(before);
			expect(await loaded(devtui, 2)).toEqual({counter: 1});
			// The new state really was being written: its bytes sit in the temp file the kill left behind.
			const temps = readdirSync(stateDir).filter(name => /^\.restart_state\.json\..+\.tmp$/.test(name));
			expect(temps).toHaveLength(1);
			expect(JSON.parse(readFileSync(path.join(stateDir, temps[0]!), 'utf8'))).toMatchObject({restart_marker: true, counter: 2});
		});
	}
});

describe('extend', () => {
	for (const {lang, app} of languages) {
		it(`${lang}: delays the force kill past --timeout`, async () => {
			const devtui = await start(app('proto-extend'), {args: ['--timeout', '1000'], env: {PROTO_EXTEND_MS: '3000'}});
			await up(devtui, 0);
			devtui.touch();
			const timeline = await devtui.completed(1);
			const [extension] = devtui.of('app/extend');
			expect(extension).toMatchObject({requestedMs: 3000});
			expect(extension!.grantedMs).toBeGreaterThan(1500);
			const [killed] = devtui.of('run/force-killed');
			expect(killed!.afterMs).toBeGreaterThanOrEqual(2950);
			expect(killed!.at).toBeGreaterThanOrEqual(extension!.deadline - 20);
			expect(timeline.forced).toBe(true);
			expect(timeline.interruptedPhase).toBe('flush');
			expect(timeline.outcome).toBe('ready');
		});
	}

	// The CLI has no flag for the cap (60 s by default), so the cap is checked on the Supervisor,
	// with a real process that ignores SIGTERM and the same extendStop() the channel calls.
	it('cannot push the deadline past the cap, however often the app asks', async () => {
		const run = supervise(node('stubborn.mjs'), {timeoutMs: 1500, maxExtendMs: 1500});
		try {
			await run.supervisor.start();
			await run.waitForOutput(/^READY/);
			run.supervisor.restart();
			const signalled = await run.waitForEvent('run/signal-sent');
			const grants: Array<{grantedMs: number; deadline: number}> = [];
			await waitFor(
				() => {
					const grant = run.supervisor.extendStop(10_000);
					if (grant) grants.push(grant);
					return run.of('run/force-killed').length > 0;
				},
				{timeout: 15_000, interval: 100, message: 'the force kill'},
			);
			const cap = signalled.deadline + 1500;
			expect(grants[0]).toEqual({grantedMs: 1500, deadline: cap});
			expect(grants.length).toBeGreaterThan(3);
			expect(grants.slice(1).every(grant => grant.grantedMs === 0 && grant.deadline === cap)).toBe(true);
			const [killed] = run.of('run/force-killed');
			expect(killed!.afterMs).toBeGreaterThanOrEqual(2950);
			expect(killed!.afterMs).toBeLessThan(9000);
			await run.waitForEvent('run/spawned', 2);
		} finally {
			await run.supervisor.quit({force: true});
			rmSync(run.cwd, {recursive: true, force: true});
		}
	});
});

describe('garbage on the control channel', () => {
	it('is reported once per kind, and the connection and later restarts keep working', async () => {
		const devtui = await start(node('proto-garbage.mjs'));
		await up(devtui, 0);
		// Sent after all the garbage on the same connection, so every line before it was handled.
		await devtui.waitForEvent('app/phase', event => event.name === 'after_garbage' && event.event === 'end');
		const problems = devtui.of('channel/problem').map(event => event.message);
		expect(problems).toHaveLength(3);
		expect(problems.filter(message => message.startsWith('not JSON: '))).toHaveLength(1);
		expect(problems.filter(message => message.startsWith('unknown message type'))).toHaveLength(1);
		expect(problems.filter(message => message.startsWith('a line over 1048576 bytes was dropped'))).toHaveLength(1);
		expect(devtui.output()).toContainEqual(expect.stringMatching(/^GOT \{"type":"welcome"/));
		devtui.touch();
		const timeline = await devtui.completed(1);
		expect(timeline.outcome).toBe('ready');
		expect(devtui.of('app/ready').find(event => event.restart === 1)?.source).toBe('client');
		expect(devtui.of('channel/problem')).toHaveLength(3);
		expect(devtui.run.child.exitCode).toBeNull();
		expect(devtui.run.stderr).toEqual([]);
	});
});

describe('an app without a client', () => {
	it('gets a timeline of devtui phases only; with no sign of readiness each instance counts as started, with no boot time', async () => {
		// proto-no-client.mjs neither listens on a port nor speaks the protocol: nothing says it is ready.
		const devtui = await start(node('proto-no-client.mjs'));
		await up(devtui, 0);
		devtui.touch();
		await up(devtui, 1);
		const first = await devtui.completed(0);
		devtui.touch();
		const restart = await devtui.completed(1);
		for (const timeline of [first, restart]) {
			expect(timeline.outcome).toBe('started');
			expect(timeline.phases.every(phase => phase.source === 'devtui')).toBe(true);
			expect(timeline.phases.map(phase => phase.name)).not.toContain('boot');
			// The total ends at the spawn: devtui did not see the app boot, so it does not claim a time.
			const spawn = timeline.phases.find(phase => phase.name === 'spawn')!;
			expect(timeline.totalMs).toBe(spawn.startMs + spawn.durationMs!);
		}
		expect(restart.phases.map(phase => phase.name)).toEqual(expect.arrayContaining(['signal', 'wait for exit', 'spawn']));
		expect(restart.forced).toBe(false);
		expect(devtui.of('app/ready')).toEqual([]);
		expect(devtui.of('app/hello')).toEqual([]);
		expect(devtui.of('channel/problem')).toEqual([]);
		expect(devtui.events().filter(event => event.type.startsWith('state/'))).toEqual([]);
	});
});

describe('readiness without a client', () => {
	for (const by of ['pattern', 'port'] as const) {
		it(`by --ready-${by}: waits for the slow boot, and bootMs shows it`, async () => {
			const port = await freePort();
			const args = by === 'pattern' ? ['--ready-pattern', '^listening on \\d+$'] : ['--ready-port', String(port)];
			const devtui = await start(node('proto-port.mjs'), {args, env: {PORT: String(port), PROTO_DELAY_MS: '800'}});
			const first = await devtui.completed(0);
			devtui.touch();
			const restart = await devtui.completed(1);
			const ready = devtui.of('app/ready');
			expect(ready.map(event => [event.restart, event.source])).toEqual([
				[0, by],
				[1, by],
			]);
			for (const event of ready) expect(event.bootMs).toBeGreaterThanOrEqual(790);
			for (const timeline of [first, restart]) {
				expect(timeline.phases.find(phase => phase.name === 'boot')!.durationMs).toBeGreaterThanOrEqual(790);
			}
			// Ready came after the app was serving, not before.
			const listening = devtui.of('run/output').filter(event => event.lines.some(line => line.startsWith('listening on')));
			if (by === 'pattern') expect(ready[1]!.at).toBeGreaterThanOrEqual(listening[1]!.at);
		});
	}
});

describe('an app started through npm run', () => {
	it('still reaches the control channel: hello, phases and ready arrive', async () => {
		const cwd = tempDir();
		const script = `node ${JSON.stringify(fixture('proto-client.mjs'))}`;
		writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({name: 'proto-npm', private: true, scripts: {start: script}}));
		const devtui = startJson(['--', 'npm', 'run', 'start'], {
			cwd,
			env: {npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false'},
		});
		await devtui.waitForEvent('watch/ready');
		const hello = await devtui.waitForEvent('app/hello');
		const [spawned] = devtui.of('run/spawned');
		expect(hello.restart).toBe(0);
		expect(hello.client).toMatch(/^devtui-node\//);
		// The client runs below npm (and its shell), so it is not the process devtui spawned.
		expect(hello.pid).not.toBe(spawned!.pid);
		await up(devtui, 0);
		devtui.touch();
		const timeline = await devtui.completed(1);
		expect(timeline.outcome).toBe('ready');
		expect(appPhases(timeline).map(phase => phase.name)).toEqual(['api_server', 'state']);
		const ends = devtui.of('app/phase').filter(event => event.pid === hello.pid && event.event === 'end');
		expect(ends.map(event => [event.name, event.ok])).toEqual([
			['api_server', true],
			['state', true],
		]);
		expect(devtui.of('app/ready').find(event => event.restart === 1)?.source).toBe('client');
		expect(devtui.of('app/hello').map(event => event.restart)).toEqual([0, 1]);
	});
});

describe('a second process claiming the same restart', () => {
	it('is rejected with an error, reported once, and the app connection carries on', async () => {
		const devtui = await start(node('proto-client.mjs'));
		const hello = await devtui.waitForEvent('app/hello');
		await up(devtui, 0);
		process.kill(hello.pid, 'SIGUSR2');
		await devtui.waitForOutput(/^CLAIMANT CLOSED$/);
		const answer = devtui.output().find(line => line.startsWith('CLAIMANT GOT '))!;
		expect(JSON.parse(answer.slice('CLAIMANT GOT '.length))).toEqual({
			type: 'error',
			message: expect.stringMatching(new RegExp(`rejected: restart 0 already has an app connection \\(pid ${hello.pid}\\)$`)),
		});
		const problems = devtui.of('channel/problem').map(event => event.message);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(/^hello from pid \d+ rejected: restart 0 already has an app connection/);
		expect(devtui.of('app/hello')).toHaveLength(1);
		devtui.touch();
		const timeline = await devtui.completed(1);
		expect(timeline.outcome).toBe('ready');
		expect(timeline.forced).toBe(false);
		expect(appPhases(timeline).map(phase => phase.name)).toEqual(['api_server', 'state']);
		expect(devtui.of('channel/problem')).toHaveLength(1);
	});
});
