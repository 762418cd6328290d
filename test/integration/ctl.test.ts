// `devtui ctl` end to end: the built CLI as a headless devtui on a real app, and the built CLI as
// the client, from the same directory, with real edits, crashes, checks and signals.

import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {hashedSocketPath} from '../../src/ctl/ctl-socket-path.js';
import {runCli, type CliRun} from '../helpers/run-cli.js';
import {isAlive, pidsIn} from '../helpers/process-alive.js';
import {waitFor} from '../helpers/wait-for.js';

const TIMEOUT = 20_000;
const runs: CliRun[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.kill('SIGKILL');
		await run.exit;
	}
});

const tempDir = (prefix = 'devtui-ctl-') => mkdtempSync(path.join(os.tmpdir(), prefix));

// The app: it says READY (and listens, which is how devtui sees it ready) `bootMs` after it starts,
// writes `lines` lines, and with `crash` complains on stderr and exits 3 instead.
const appSource = ({bootMs = 0, crash = false, lines = 0, tag = 'v1'}: {bootMs?: number; crash?: boolean; lines?: number; tag?: string} = {}): string => `
import net from 'node:net';
const restart = process.env.DEVTUI_RESTART;
for (let n = 1; n <= ${lines}; n++) console.log('line ' + n + ' of restart ' + restart);
if (${crash}) {
	console.error('Error: cannot connect to the database');
	console.error('    at boot (app.mjs:7)');
	setTimeout(() => process.exit(3), 20);
} else {
	const server = net.createServer(socket => socket.end());
	process.on('SIGTERM', () => server.close(() => process.exit(0)));
	setTimeout(() => server.listen(0, '127.0.0.1', () => console.log('READY pid=' + process.pid + ' restart=' + restart + ' tag=${tag}')), ${bootMs});
}
`;

const project = (source = appSource()): string => {
	const dir = tempDir();
	writeFileSync(path.join(dir, 'app.mjs'), source);
	return dir;
};

const devtui = async (cwd: string, args: string[] = ['--json'], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
	const run = runCli([...args, '--', 'node', 'app.mjs'], {cwd, env});
	runs.push(run);
	await run.waitForLine(args.includes('--json') ? /"type":"watch\/ready"/ : /\[devtui\] watching/, {timeout: TIMEOUT});
	return run;
};

const ctl = async (cwd: string, ...argv: string[]) => {
	const run = runCli(['ctl', ...argv], {cwd});
	runs.push(run);
	const {code} = await run.exit;
	return {code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n'), at: Date.now()};
};

type Event = {type: string; at: number; [key: string]: unknown};
const events = (run: CliRun): Event[] => run.stdout.flatMap(line => (line.startsWith('{') ? [JSON.parse(line) as Event] : []));
const eventsOf = (run: CliRun, type: string) => events(run).filter(event => event.type === type);
const readyOf = (run: CliRun, restart: number) => eventsOf(run, 'app/ready').find(event => event.restart === restart);

describe('devtui ctl against a running devtui', () => {
	it('status reports the service, its instance, readiness and last restart; --json has every field', async () => {
		const cwd = project();
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		const json = await ctl(cwd, 'status', '--json');
		expect(json.code).toBe(0);
		const status = JSON.parse(json.stdout) as {pid: number; cwd: string; services: Array<Record<string, unknown>>};
		expect(status.pid).toBe(run.child.pid);
		expect(status.cwd).toBe(cwd);
		expect(status.services).toHaveLength(1);
		const [app] = status.services;
		expect(Object.keys(app!).sort()).toEqual(
			['checkFailure', 'checking', 'collecting', 'crash', 'exit', 'held', 'lastRestart', 'name', 'pending', 'pid', 'readiness', 'readySign', 'restartInProgress', 'restarts', 'spawnFailure', 'startedAt', 'state', 'waitingFor'].sort(),
		);
		const [appPid] = pidsIn(run.lines(/READY/)[0]!);
		expect(app).toMatchObject({name: 'app', state: 'running', pid: appPid, restarts: 0, readiness: 'ready', held: false, pending: [], readySign: {source: 'listening'}});
		expect(app!.lastRestart).toMatchObject({restart: 0, outcome: 'ready', trigger: 'start'});
		const table = await ctl(cwd, 'status');
		expect(table.code).toBe(0);
		expect(table.stdout).toContain(`devtui pid ${run.child.pid} in ${cwd}`);
		expect(table.stdout).toMatch(new RegExp(`^app +running +${appPid} +0 +ready \\(listening on 127\\.0\\.0\\.1:\\d+\\)$`, 'm'));
		expect(table.stdout).toMatch(/last: first start ready in \d+ ms/);
	});

	it('wait-ready right after an edit waits for the new instance to be ready (exit 0)', async () => {
		const cwd = project();
		// A long debounce: the request comes while the save's batch is still being collected. With a
		// --check the app is not stopped early (a check must pass first), so until the batch closes
		// nothing but watch/batch says a restart is coming.
		const run = await devtui(cwd, ['--json', '--debounce', '600', '--check', 'true']);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		// The new code takes 700 ms to be ready: the old instance, ready all along, must not answer.
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({bootMs: 700, tag: 'v2'}));
		const result = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const ready = readyOf(run, 1);
		expect(ready, 'the new instance was ready when wait-ready returned').toBeDefined();
		expect(result.at).toBeGreaterThanOrEqual(ready!.at);
		expect(result.stdout).toMatch(new RegExp(`^app: ready in [\\d.]+ m?s \\(restart #1, pid ${ready!.pid as number}\\)$`));
		expect(run.lines(/READY .*tag=v2/)).toHaveLength(1);
		// Nothing pending any more: it answers at once, from the same instance.
		const again = await ctl(cwd, 'wait-ready', '--json');
		expect(again.code).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({ready: true, services: [{name: 'app', restarts: 1, readiness: 'ready'}]});
	});

	it('with --poll, a save the next poll has not seen yet is still waited for', async () => {
		const cwd = project();
		const run = await devtui(cwd, ['--json', '--poll', '700']);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({tag: 'v2'}));
		const result = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/\(restart #1, pid \d+\)$/);
		expect(result.at).toBeGreaterThanOrEqual(readyOf(run, 1)!.at);
	});

	it('wait-ready reports a crash with its exit code and stderr tail (exit 1)', async () => {
		const cwd = project();
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({crash: true}));
		const result = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(result.code).toBe(1);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^app: crashed \(exit code 3\) after \d+ ms, restart #1, pid \d+$/);
		expect(lines.slice(1)).toEqual(['  Error: cannot connect to the database', '      at boot (app.mjs:7)', '  next: devtui ctl logs app']);
		const json = await ctl(cwd, 'wait-ready', '--json');
		expect(json.code).toBe(1);
		expect(JSON.parse(json.stdout)).toMatchObject({
			ready: false,
			failures: [{service: 'app', reason: 'crashed', detail: ['Error: cannot connect to the database', '    at boot (app.mjs:7)']}],
		});
		// The fix: the next save starts it again, and wait-ready waits for that instance.
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({tag: 'fixed'}));
		const fixed = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(fixed.code).toBe(0);
		expect(fixed.stdout).toMatch(/^app: ready in \d+ ms \(restart #2, pid \d+\)$/);
	});

	it('wait-ready reports a failed Python compile check with the compile error (exit 1)', async () => {
		const cwd = tempDir();
		writeFileSync(
			path.join(cwd, 'app.py'),
			'import os, socket, time\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen()\nprint("READY pid=%d" % os.getpid(), flush=True)\nwhile True:\n    time.sleep(1)\n',
		);
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 1\n');
		const run = runCli(['--json', '--', 'python3', 'app.py'], {cwd});
		runs.push(run);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: () => `the first instance ready: ${run.all.join('\n')}`});
		writeFileSync(path.join(cwd, 'mod.py'), 'def broken(:\n    pass\n');
		const result = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(result.code).toBe(1);
		const [first, ...rest] = result.stdout.split('\n');
		expect(first).toMatch(/^app: check failed \(python compile.*: exit code 1\); pid \d+ keeps running the code from before$/);
		expect(rest.join("\n")).toMatch(/mod\.py:1:\d+: SyntaxError/);
		expect(rest.join('\n')).toMatch(/SyntaxError/);
		expect(rest.at(-1)).toBe('  next: fix the code and save; devtui checks it again');
		expect(eventsOf(run, 'run/spawned')).toHaveLength(1);
	});

	it('an app that gives no sign of readiness passes wait-ready as started, once devtui stops waiting for one', async () => {
		const cwd = tempDir();
		writeFileSync(path.join(cwd, 'app.mjs'), "console.log('WORKING'); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));\n");
		const run = await devtui(cwd);
		const result = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^app: started in \d+ ms, readiness unknown \(restart #0, pid \d+\)$/);
		const unknown = eventsOf(run, 'app/readiness-unknown')[0];
		expect(unknown, 'devtui said readiness unknown before wait-ready returned').toBeDefined();
		expect(result.at).toBeGreaterThanOrEqual(unknown!.at);
	}, 30_000);

	it('a timeout is one line and exit 2', async () => {
		const cwd = project();
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({bootMs: 5000}));
		const result = await ctl(cwd, 'wait-ready', '--timeout', '1000');
		expect(result).toMatchObject({code: 2, stdout: ''});
		expect(result.stderr).toMatch(/^devtui ctl: timed out after 1000 ms: app (is booting \(restart #1, pid \d+\)|is restarting for its changes \(\w+\)|is still collecting changes)$/);
	});

	it('hold and release reach the supervisor (supervisor/held events); wait-ready on held changes says how to release', async () => {
		const cwd = project();
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		expect(await ctl(cwd, 'hold', 'app')).toMatchObject({code: 0, stdout: 'app: restarts held (devtui ctl release app lets them go)'});
		await waitFor(() => eventsOf(run, 'supervisor/held').find(event => event.held === true), {message: 'supervisor/held true'});
		writeFileSync(path.join(cwd, 'app.mjs'), appSource({tag: 'v2'}));
		await waitFor(() => eventsOf(run, 'watch/changed').length > 0, {timeout: TIMEOUT, message: 'the change seen'});
		const held = await ctl(cwd, 'wait-ready');
		expect(held.code).toBe(1);
		expect(held.stdout.split('\n')).toEqual(['app: restarts are held with 1 pending change', '  app.mjs (changed)', '  next: devtui ctl release app']);
		expect(eventsOf(run, 'run/spawned')).toHaveLength(1);
		expect(await ctl(cwd, 'release', 'app')).toMatchObject({code: 0, stdout: 'app: restarts released'});
		expect(eventsOf(run, 'supervisor/held').at(-1)).toMatchObject({held: false, pending: [{path: 'app.mjs', kind: 'changed'}]});
		const ready = await ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		expect(ready.code).toBe(0);
		expect(run.lines(/READY .*tag=v2/)).toHaveLength(1);
	});

	it('restart starts a new instance, and a wait-ready after it waits for that one', async () => {
		const cwd = project(appSource({bootMs: 300}));
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		expect(await ctl(cwd, 'restart', 'app')).toMatchObject({code: 0, stdout: 'restarting app'});
		const result = await ctl(cwd, 'wait-ready');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/\(restart #1, pid \d+\)$/);
		expect(result.at).toBeGreaterThanOrEqual(readyOf(run, 1)!.at);
		expect((await ctl(cwd, 'restart', '--all')).code).toBe(0);
		expect((await ctl(cwd, 'wait-ready')).stdout).toMatch(/\(restart #2, pid \d+\)$/);
	});

	it('logs --lines shows the newest lines; --follow streams until devtui exits', async () => {
		const cwd = project(appSource({lines: 5}));
		const run = await devtui(cwd);
		await waitFor(() => readyOf(run, 0), {timeout: TIMEOUT, message: 'the first instance ready'});
		const last = await ctl(cwd, 'logs', 'app', '--lines', '2');
		expect(last.code).toBe(0);
		expect(last.stdout.split('\n')).toEqual(['line 5 of restart 0', expect.stringMatching(/^READY pid=\d+ restart=0 tag=v1$/)]);
		const all = await ctl(cwd, 'logs', 'app');
		expect(all.stdout.split('\n')).toEqual([expect.stringMatching(/^\[devtui\] started pid \d+$/), ...[1, 2, 3, 4, 5].map(n => `line ${n} of restart 0`), expect.stringMatching(/^READY/)]);
		const json = await ctl(cwd, 'logs', 'app', '--lines', '1', '--json');
		expect(JSON.parse(json.stdout)).toMatchObject({kind: 'line', stream: 'stdout', restart: 0, line: expect.stringMatching(/^READY/)});

		const follow = runCli(['ctl', 'logs', 'app', '--follow', '--lines', '1'], {cwd});
		runs.push(follow);
		// Connected once it printed the newest line; then a restart, and the new instance's lines arrive.
		await follow.waitForLine(/^READY pid=\d+ restart=0/, {timeout: TIMEOUT});
		await ctl(cwd, 'restart', 'app');
		await follow.waitForLine(/^READY pid=\d+ restart=1/, {timeout: TIMEOUT});
		expect(follow.stdout).toEqual(expect.arrayContaining([expect.stringMatching(/\[devtui\] pid \d+ exited \(exit code 0\)/), expect.stringMatching(/\[devtui\] restart #1: pid \d+ started/), 'line 3 of restart 1']));
		run.kill('SIGTERM');
		expect((await follow.exit).code).toBe(0);
	});

	it('wait-ready started with devtui waits for it to come up, and for the app to be ready', async () => {
		const cwd = project(appSource({bootMs: 300}));
		const waiting = ctl(cwd, 'wait-ready', '--timeout', String(TIMEOUT));
		const run = runCli(['--json', '--', 'node', 'app.mjs'], {cwd});
		runs.push(run);
		const result = await waiting;
		expect(result).toMatchObject({code: 0, stdout: expect.stringMatching(/^app: ready in \d+ ms \(restart #0, pid \d+\)$/)});
		expect(result.at).toBeGreaterThanOrEqual(readyOf(run, 0)!.at);
	});

	it('no devtui running here: one line naming the directory, exit 2', async () => {
		const cwd = tempDir();
		expect(await ctl(cwd, 'status')).toMatchObject({code: 2, stdout: '', stderr: `devtui ctl: no devtui running in ${cwd} (or a parent directory); start one there with devtui -- <command>`});
		// wait-ready gives a devtui that is starting a moment (5 s at most) to open its socket.
		const waited = await ctl(cwd, 'wait-ready', '--timeout', '1000');
		expect(waited).toMatchObject({code: 2, stderr: `devtui ctl: no devtui running in ${cwd} (or a parent directory); start one there with devtui -- <command>`});
		// Usage errors come first and need no devtui.
		expect(await ctl(cwd, 'stauts')).toMatchObject({code: 2, stderr: expect.stringMatching(/^devtui ctl: unknown ctl verb "stauts": did you mean status\?/)});
		expect(await ctl(cwd, 'logs', 'app', '--lines', 'x')).toMatchObject({code: 2, stderr: 'devtui ctl: --lines needs a whole number, not "x"'});
	});

	it('--no-ctl (or "ctl": false in the config) opens no socket', async () => {
		const cwd = project();
		const run = await devtui(cwd, ['--no-tui', '--no-ctl']);
		expect(await ctl(cwd, 'status')).toMatchObject({code: 2, stderr: expect.stringMatching(/no devtui running in/)});
		run.kill('SIGTERM');
		await run.exit;
		writeFileSync(path.join(cwd, 'devtui.config.json'), JSON.stringify({ctl: false}));
		await devtui(cwd, ['--no-tui']);
		expect(existsSync(path.join(cwd, '.devtui', 'ctl.sock'))).toBe(false);
	});

	it('a stack answers ctl by service name, and --no-ctl turns it off there too', async () => {
		const cwd = project();
		writeFileSync(path.join(cwd, 'devtui.config.json'), JSON.stringify({services: {web: {command: ['node', 'app.mjs']}}}));
		const stack = runCli(['--no-tui'], {cwd});
		runs.push(stack);
		await stack.waitForLine(/web \| \[devtui\] watching/, {timeout: TIMEOUT});
		expect(await ctl(cwd, 'status')).toMatchObject({code: 0, stdout: expect.stringContaining('web')});
		stack.kill('SIGTERM');
		await stack.exit;
		const quiet = runCli(['--no-tui', '--no-ctl'], {cwd});
		runs.push(quiet);
		await quiet.waitForLine(/web \| \[devtui\] watching/, {timeout: TIMEOUT});
		expect(await ctl(cwd, 'status')).toMatchObject({code: 2, stderr: expect.stringMatching(/no devtui running in/)});
	});

	it('finds the devtui of a parent directory, and refuses an unknown service with the closest name', async () => {
		const cwd = project();
		mkdirSync(path.join(cwd, 'src', 'deep'), {recursive: true});
		await devtui(cwd);
		expect((await ctl(path.join(cwd, 'src', 'deep'), 'status')).stdout).toContain(`in ${cwd}`);
		expect(await ctl(cwd, 'logs', 'ap')).toMatchObject({code: 2, stderr: 'devtui ctl: unknown service "ap": did you mean app? (services: app)'});
	});

	it('a socket left by a SIGKILLed devtui is taken over by the next one; a live one is never taken', async () => {
		const cwd = project();
		const first = await devtui(cwd);
		const socket = path.join(cwd, '.devtui', 'ctl.sock');
		expect(existsSync(socket)).toBe(true);
		first.kill('SIGKILL');
		await first.exit;
		expect(existsSync(socket), 'a SIGKILL leaves the socket behind').toBe(true);
		expect(await ctl(cwd, 'status')).toMatchObject({code: 2, stderr: expect.stringMatching(/no devtui running in/)});
		const second = await devtui(cwd, ['--no-tui']);
		expect((await ctl(cwd, 'status', '--json')).stdout).toContain(`"pid":${second.child.pid}`);
		expect(second.lines(/another devtui/)).toEqual([]);
		// A third in the same directory leaves the second's socket alone and says so once.
		const third = await devtui(cwd, ['--no-tui']);
		expect(third.lines(/\[devtui\] another devtui in .* answers devtui ctl \(.*ctl\.sock\); this one runs without it/)).toHaveLength(1);
		expect((await ctl(cwd, 'status', '--json')).stdout).toContain(`"pid":${second.child.pid}`);
		// Quitting removes the socket.
		second.kill('SIGTERM');
		await second.exit;
		expect(existsSync(socket)).toBe(false);
	});

	it('a working directory too deep for a socket address gets a hashed socket in the temp directory', async () => {
		let cwd = tempDir('devtui-ctl-deep-');
		while (Buffer.byteLength(path.join(cwd, '.devtui', 'ctl.sock')) <= 110) cwd = path.join(cwd, 'a-rather-long-directory-name');
		mkdirSync(cwd, {recursive: true});
		writeFileSync(path.join(cwd, 'app.mjs'), appSource());
		const run = await devtui(cwd, ['--no-tui']);
		expect(existsSync(hashedSocketPath(cwd))).toBe(true);
		expect(await ctl(cwd, 'status')).toMatchObject({code: 0, stdout: expect.stringContaining(`devtui pid ${run.child.pid} in ${cwd}`)});
		run.kill('SIGTERM');
		await run.exit;
		expect(existsSync(hashedSocketPath(cwd))).toBe(false);
	});

	it('`devtui -- ctl` runs an app named ctl', async () => {
		const cwd = tempDir();
		const bin = path.join(cwd, 'bin');
		mkdirSync(bin);
		writeFileSync(path.join(bin, 'ctl'), '#!/bin/sh\necho "the app named ctl ran with $*"\nexec sleep 30\n');
		chmodSync(path.join(bin, 'ctl'), 0o755);
		const run = runCli(['--no-tui', '--', 'ctl', 'status'], {cwd, env: {PATH: `${bin}:${process.env.PATH}`}});
		runs.push(run);
		await run.waitForLine(/^the app named ctl ran with status$/, {timeout: TIMEOUT});
		const [pid] = (await ctl(cwd, 'status', '--json')).stdout.match(/"pid":\d+/g) ?? [];
		expect(pid).toBe(`"pid":${run.child.pid}`);
		expect(readdirSync(path.join(cwd, '.devtui'))).toContain('ctl.sock');
		expect(isAlive(run.child.pid!)).toBe(true);
	});
});
