// --warm end to end, with the built CLI and real interpreters: the next instance is parked ahead of
// time and handed "go" at the restart. What a warm instance sees must be what a cold one sees.

import {cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawn} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {PYTHON_LAUNCHER, warmAsset} from '../../src/warm/asset-path.js';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {freePort} from '../helpers/free-port.js';
import {isAlive} from '../helpers/process-alive.js';
import {runCli, type CliRun} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const SYSTEM_PYTHON = '/usr/bin/python3';

const runs: CliRun[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.kill('SIGKILL');
		await run.exit;
	}
});

const project = (files: string[]): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-'));
	for (const file of files) cpSync(fixture(`warm/${file}`), path.join(dir, file));
	return dir;
};

const start = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun => {
	// The suite's own switch must not turn a cold run warm here: these tests compare the two.
	const run = runCli(args, {cwd, env: {DEVTUI_TEST_WARM: '', ...env}});
	runs.push(run);
	return run;
};

const readProc = (pid: number, file: string): string | undefined => {
	try {
		return readFileSync(`/proc/${pid}/${file}`, 'utf8');
	} catch {
		return undefined;
	}
};

const ppidOf = (pid: number): number | undefined => {
	const stat = readProc(pid, 'stat');
	return stat === undefined ? undefined : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

/** devtui's live children that run the warm hook or launcher. */
const warmChildren = (devtui: number): number[] =>
	readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.map(Number)
		.filter(pid => ppidOf(pid) === devtui && isAlive(pid) && /warm[-_](hook|launcher)/.test(readProc(pid, 'cmdline') ?? ''));

const startedPids = (run: CliRun): number[] => run.lines(/\[devtui\] (restart #\d+: )?started pid \d+/).map(line => Number(/pid (\d+)/.exec(line)![1]));

/** The parked interpreter: a warm child of devtui that is not the running instance. */
const waitForParked = (run: CliRun): Promise<number> =>
	waitFor(
		() => {
			const running = startedPids(run).at(-1);
			return warmChildren(run.child.pid!).find(pid => pid !== running);
		},
		{timeout: 15_000, message: () => `a parked interpreter; output:\n${run.all.join('\n')}`},
	);

const identities = (run: CliRun): Array<Record<string, unknown>> =>
	run.lines(/^IDENTITY /).map(line => JSON.parse(line.slice('IDENTITY '.length)) as Record<string, unknown>);

const get = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`)).text();

// Edits a watched file so that it restarts the app: a new version of the fixture's code.
const bump = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(`VERSION = '${from}'`, `VERSION = '${to}'`));

// The instance marker differs per instance by design, and the parked process's own pipe variable is gone at go.
const comparable = (identity: Record<string, unknown>) => {
	const env = {...(identity['env'] as Record<string, string>)};
	return {...identity, env, version: undefined};
};

describe('devtui --warm with node', () => {
	it('restarts into a parked node that runs the new code, and the timeline shows the warm start', async () => {
		const cwd = project(['identity.cjs']);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', 'node', 'identity.cjs'], cwd, {PORT: String(port)});
		await run.waitForLine(/^READY v1/);
		expect(run.lines(/warm restarts: the next node is started ahead/)).toHaveLength(1);
		const parked = await waitForParked(run);
		// Parked, it has run nothing of the app: the fixture prints IDENTITY as soon as it is loaded.
		await waitFor(() => (readProc(parked, 'stat') ?? '').length > 0, {message: () => 'the parked process'});
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(identities(run)).toHaveLength(1);
		bump(path.join(cwd, 'identity.cjs'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(await get(port)).toBe('v2 1');
		// The parked process became the instance: same pid, so nothing was spawned at the change.
		expect(startedPids(run).at(-1)).toBe(parked);
		const line = await run.waitForLine(/restart #1 ready in/);
		expect(line).toMatch(/go \d+ ms, boot \d+ ms; warm start \d+ ms \(cold: \d+ ms\)/);
		// And the next one is parked again.
		const next = await waitForParked(run);
		bump(path.join(cwd, 'identity.cjs'), 'v2', 'v3');
		await run.waitForLine(/^READY v3/);
		expect(await get(port)).toBe('v3 2');
		expect(startedPids(run).at(-1)).toBe(next);
	});

	for (const entry of ['identity.cjs', 'identity.mjs']) it(`gives a warm instance the same argv, execArgv, env, cwd, descriptors and modules as a cold one (${entry})`, async () => {
		const collect = async (warm: boolean) => {
			const cwd = project([entry]);
			const port = await freePort();
			const args = ['--no-tui', ...(warm ? ['--warm'] : []), '--listen', String(port), '--restart-arg', '--', 'node', entry, '--flag'];
			const run = start(args, cwd, {PORT: String(port)});
			await run.waitForLine(/^READY v1/);
			if (warm) await waitForParked(run);
			else await run.waitForLine(/\[devtui\] watching/);
			bump(path.join(cwd, entry), 'v1', 'v2');
			await run.waitForLine(/^READY v2/);
			expect(await get(port)).toBe('v2 1');
			run.kill('SIGTERM');
			await run.exit;
			return {cwd, restarted: identities(run)[1]!};
		};
		const cold = await collect(false);
		const warm = await collect(true);
		const normalise = (result: {cwd: string; restarted: Record<string, unknown>}) =>
			JSON.parse(JSON.stringify(comparable(result.restarted)).replaceAll(result.cwd, '<cwd>').replace(/"LISTEN_FDNAMES":"\d+"/, '"LISTEN_FDNAMES":"<port>"')) as Record<string, unknown>;
		const [c, w] = [normalise(cold), normalise(warm)];
		// The session's own sockets and temp paths differ between two runs of devtui, not between warm and cold.
		for (const side of [c, w]) {
			const env = side['env'] as Record<string, string>;
			// LISTEN_PID is each instance's own pid (checked by the listen tests).
			expect(env['LISTEN_PID']).toMatch(/^\d+$/);
			for (const key of ['DEVTUI_SOCKET', 'NOTIFY_SOCKET', 'PORT', 'LISTEN_FDNAMES', 'LISTEN_PID']) delete env[key];
		}
		expect(w).toEqual(c);
		expect((w['env'] as Record<string, string>)['DEVTUI_RESTART']).toBe('1');
		expect((w['env'] as Record<string, string>)['LISTEN_FDS']).toBe('1');
		expect(w['argv']).toEqual([(c['argv'] as string[])[0], `<cwd>/${entry}`, '--flag', '--restart']);
		expect(w['execArgv']).toEqual([]);
		expect(w['fd3']).toBe('socket');
		expect(w['isMain']).toBe(true);
	});
});

describe('devtui --warm with python', () => {
	it('restarts the stdlib server into a parked interpreter that preloaded its stdlib modules, never its own', async () => {
		const cwd = project(['identity.py', 'identity_mod.py']);
		const port = await freePort();
		const importLog = path.join(cwd, '.imports.log');
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, 'identity.py'], cwd, {PORT: String(port), IMPORT_LOG: importLog});
		await run.waitForLine(/^READY v1/);
		const parked = await waitForParked(run);
		// Parked: it has loaded no module of the app, and listens on nothing.
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(readFileSync(importLog, 'utf8').trim().split('\n').map(Number)).not.toContain(parked);
		const inodes = new Set(
			readdirSync(`/proc/${parked}/fd`).flatMap(fd => {
				const target = (() => {
					try {
						return readlinkSync(`/proc/${parked}/fd/${fd}`);
					} catch {
						return '';
					}
				})();
				const match = /^socket:\[(\d+)\]$/.exec(target);
				return match ? [match[1]!] : [];
			}),
		);
		const listening = ['tcp', 'tcp6']
			.flatMap(table => (readProc(parked, `net/${table}`) ?? '').split('\n').slice(1))
			.filter(line => line.trim().split(/\s+/)[3] === '0A')
			.map(line => line.trim().split(/\s+/)[9]);
		expect(listening.filter(inode => inodes.has(inode!))).toEqual([]);
		// The stdlib server's modules were imported while it waited.
		const maps = readProc(parked, 'maps') ?? '';
		expect(maps).toContain('python3');
		bump(path.join(cwd, 'identity.py'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(await get(port)).toBe('v2 1');
		expect(startedPids(run).at(-1)).toBe(parked);
		expect(readFileSync(importLog, 'utf8').trim().split('\n').map(Number)).toContain(parked);
		const line = await run.waitForLine(/restart #1 ready in .*warm start/);
		expect(Number(/(\d+) modules preloaded/.exec(line)?.[1])).toBeGreaterThan(10);
	});

	it('gives a warm instance the same argv, sys.path, __main__, env, cwd and descriptors as a cold one', async () => {
		const collect = async (warm: boolean, command: string[]) => {
			const cwd = project(['identity.py', 'identity_mod.py']);
			const port = await freePort();
			const args = ['--no-tui', ...(warm ? ['--warm'] : []), '--listen', String(port), '--restart-arg', '--', ...command];
			const run = start(args, cwd, {PORT: String(port)});
			await run.waitForLine(/^READY v1/);
			if (warm) await waitForParked(run);
			else await run.waitForLine(/\[devtui\] watching/);
			bump(path.join(cwd, 'identity.py'), 'v1', 'v2');
			await run.waitForLine(/^READY v2/);
			expect(await get(port)).toBe('v2 1');
			run.kill('SIGTERM');
			await run.exit;
			const restarted = identities(run)[1]!;
			return JSON.parse(JSON.stringify(comparable(restarted)).replaceAll(cwd, '<cwd>')) as Record<string, Record<string, string>>;
		};
		for (const command of [[SYSTEM_PYTHON, '-u', 'identity.py', '--flag'], [SYSTEM_PYTHON, '-m', 'identity', '--flag']]) {
			const cold = await collect(false, command);
			const warm = await collect(true, command);
			for (const side of [cold, warm]) for (const key of ['DEVTUI_SOCKET', 'NOTIFY_SOCKET', 'PORT', 'LISTEN_FDNAMES', 'LISTEN_PID']) delete side['env']![key];
			expect(warm).toEqual(cold);
			expect(warm['env']!['DEVTUI_RESTART']).toBe('1');
			expect(warm['env']!['LISTEN_FDS']).toBe('1');
			expect(warm['argv']).toContain('--restart');
		}
	});

	it('restarts a FastAPI app under uvicorn into a parked interpreter that preloaded fastapi', async () => {
		const cwd = project(['fastapi_app.py']);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, '-m', 'uvicorn', 'fastapi_app:app', '--port', String(port)], cwd);
		await run.waitForLine(/Application startup complete/, {timeout: 20_000});
		const parked = await waitForParked(run);
		bump(path.join(cwd, 'fastapi_app.py'), 'v1', 'v2');
		const body = await waitFor(
			async () => {
				const text = await get(port).catch(() => '');
				return text.includes('"v2"') ? text : undefined;
			},
			{timeout: 20_000, message: () => `the new code; output:\n${run.all.join('\n')}`},
		);
		expect(JSON.parse(body)).toEqual({version: 'v2', restart: '1'});
		expect(startedPids(run).at(-1)).toBe(parked);
		// What uvicorn and fastapi import was imported while it waited.
		const line = await run.waitForLine(/restart #1 ready in .*warm start/, {timeout: 20_000});
		expect(Number(/(\d+) modules preloaded/.exec(line)?.[1])).toBeGreaterThan(100);
		expect(run.lines(/--warm: /)).toEqual([]);
	});

	it('discards a parked interpreter whose preloaded module changed on disk (a pip install), and starts cold', async () => {
		const cwd = project(['identity.py', 'identity_mod.py']);
		const site = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-site-'));
		mkdirSync(path.join(site, 'fakelib'));
		writeFileSync(path.join(site, 'fakelib/__init__.py'), "VERSION = 'lib-1'\n");
		writeFileSync(path.join(cwd, 'identity_mod.py'), `${readFileSync(path.join(cwd, 'identity_mod.py'), 'utf8')}\nimport fakelib\nprint('FAKELIB', fakelib.VERSION, flush=True)\n`);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, 'identity.py'], cwd, {PORT: String(port), PYTHONPATH: site});
		await run.waitForLine(/^FAKELIB lib-1/);
		await run.waitForLine(/^READY v1/);
		const parked = await waitForParked(run);
		// Wait until the parked interpreter has imported fakelib (it answers with what it loaded).
		await waitFor(() => (readProc(parked, 'maps') ?? '') !== '' && warmChildren(run.child.pid!).includes(parked), {message: () => 'parked'});
		await new Promise(resolve => setTimeout(resolve, 500));
		// What pip does: a new file in place of the old one (same size and mtime would not fool the inode check).
		writeFileSync(path.join(site, 'fakelib/__init__.py.new'), "VERSION = 'lib-2'\n");
		renameSync(path.join(site, 'fakelib/__init__.py.new'), path.join(site, 'fakelib/__init__.py'));
		const old = new Date(Date.now() - 60_000);
		utimesSync(path.join(site, 'fakelib/__init__.py'), old, old);
		bump(path.join(cwd, 'identity.py'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(run.lines(/^FAKELIB/)).toEqual(['FAKELIB lib-1', 'FAKELIB lib-2']);
		expect(run.lines(/--warm: .*fakelib\/__init__\.py changed after the parked interpreter loaded it.*this start is cold/)).toHaveLength(1);
		expect(startedPids(run).at(-1)).not.toBe(parked);
		await waitFor(() => !isAlive(parked), {message: () => 'the discarded interpreter gone'});
	});

	it('falls back to a cold start, said once with the reason, when preloading a module fails', async () => {
		const cwd = project(['identity.py', 'identity_mod.py']);
		const site = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-site-'));
		// A library that needs the app to have set something up first: importing it ahead of the app fails.
		writeFileSync(path.join(site, 'needs_setup.py'), "import os\nif os.environ.get('APP_CONFIGURED') != '1':\n    raise RuntimeError('configure the app before importing needs_setup')\n");
		writeFileSync(path.join(cwd, 'identity_mod.py'), `${readFileSync(path.join(cwd, 'identity_mod.py'), 'utf8')}\nos.environ['APP_CONFIGURED'] = '1'\nimport needs_setup\n`);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, 'identity.py'], cwd, {PORT: String(port), PYTHONPATH: site});
		await run.waitForLine(/^READY v1/);
		await waitForParked(run);
		bump(path.join(cwd, 'identity.py'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(await get(port)).toBe('v2 1');
		expect(run.lines(/--warm: preloading needs_setup failed \(RuntimeError: configure the app before importing needs_setup\): this start is cold/)).toHaveLength(1);
		// The next parked interpreter leaves it out, and is used.
		const parked = await waitForParked(run);
		bump(path.join(cwd, 'identity.py'), 'v2', 'v3');
		await run.waitForLine(/^READY v3/);
		expect(startedPids(run).at(-1)).toBe(parked);
		expect(run.lines(/--warm: /)).toHaveLength(1);
	});

	it('starts cold, saying why once, when the parked interpreter died', async () => {
		const cwd = project(['identity.py', 'identity_mod.py']);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, 'identity.py'], cwd, {PORT: String(port)});
		await run.waitForLine(/^READY v1/);
		const parked = await waitForParked(run);
		process.kill(parked, 'SIGKILL');
		await waitFor(() => !isAlive(parked), {message: () => 'the parked process gone'});
		bump(path.join(cwd, 'identity.py'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(await get(port)).toBe('v2 1');
		expect(run.lines(/--warm: the parked interpreter died before it was used \(killed by SIGKILL\): this start is cold/)).toHaveLength(1);
		expect(run.lines(/crashed/)).toEqual([]);
	});
});

describe('devtui --warm and devtui itself', () => {
	it('leaves no parked interpreter behind when devtui is killed with SIGKILL', async () => {
		for (const command of [['node', 'identity.cjs'], [SYSTEM_PYTHON, 'identity.py']]) {
			const cwd = project(['identity.cjs', 'identity.py', 'identity_mod.py']);
			const port = await freePort();
			const run = start(['--no-tui', '--warm', '--', ...command], cwd, {PORT: String(port)});
			await run.waitForLine(/^READY v1/);
			const parked = await waitForParked(run);
			run.kill('SIGKILL');
			await run.exit;
			await waitFor(() => !isAlive(parked), {timeout: 5000, message: () => `parked pid ${parked} gone after devtui was killed`});
		}
	});

	it('leaves no parked interpreter behind when devtui quits', async () => {
		const cwd = project(['identity.py', 'identity_mod.py']);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', SYSTEM_PYTHON, 'identity.py'], cwd, {PORT: String(port)});
		await run.waitForLine(/^READY v1/);
		const parked = await waitForParked(run);
		run.kill('SIGTERM');
		expect((await run.exit).code).toBe(0);
		expect(isAlive(parked)).toBe(false);
	});

	it('reports a crash at start the same way, warm or cold: the traceback, the exit code', async () => {
		for (const [command, file] of [[[SYSTEM_PYTHON, 'crash.py'], 'crash.py'], [['node', 'crash.cjs'], 'crash.cjs']] as const) {
			const collect = async (warm: boolean) => {
				const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-crash-'));
				cpSync(fixture(`warm/${file}`), path.join(cwd, file));
				const run = start(['--no-tui', ...(warm ? ['--warm'] : []), '--', ...command], cwd);
				await run.waitForLine(/crashed/);
				await run.waitForLine(/\[devtui\] watching/);
				const parked = warm ? await waitForParked(run) : undefined;
				writeFileSync(path.join(cwd, file), `${readFileSync(path.join(cwd, file), 'utf8')}\n`);
				// The first start's crash prints two lines; wait for the restart's own.
				await waitFor(() => (run.lines(/restart #1 crashed/).length > 0 ? true : undefined), {message: () => run.all.join('\n')});
				// The restart's crash is the parked interpreter's, not a cold start after a silent fallback.
				if (parked !== undefined) expect(startedPids(run).at(-1)).toBe(parked);
				run.kill('SIGTERM');
				await run.exit;
				const text = run.all.join('\n').replaceAll(cwd, '<cwd>');
				return {
					// A warm start's timeline names its first phase "go" where a cold one has "spawn" (on purpose).
					crashes: run.lines(/crashed/).map(line => line.replace(/\b(go|spawn) \d+ ms/g, 'start N').replace(/\d+ ms|pid \d+|\d+(\.\d+)?s/g, 'N')),
					trace: text.split('\n').filter(line => /File "|Error|at |^\s+\^/.test(line) && !line.startsWith('[devtui]')),
				};
			};
			const cold = await collect(false);
			const warm = await collect(true);
			expect(warm.crashes).toEqual(cold.crashes);
			expect(warm.trace).toEqual(cold.trace);
		}
	});

	it('says once, with the reason, that --warm does nothing for a command it cannot hold', async () => {
		const cwd = project(['identity.cjs']);
		const port = await freePort();
		const run = start(['--no-tui', '--warm', '--', 'sh', '-c', 'exec node identity.cjs'], cwd, {PORT: String(port)});
		await run.waitForLine(/^READY v1/);
		bump(path.join(cwd, 'identity.cjs'), 'v1', 'v2');
		await run.waitForLine(/^READY v2/);
		expect(run.lines(/--warm does nothing here: the command runs through a shell/)).toHaveLength(1);
		expect(warmChildren(run.child.pid!)).toEqual([]);
	});
});

describe('the Python launcher on its own', () => {
	// Runs `python <launcher> <args>` with go at once, and `python <args>`, and compares what each printed and how it ended.
	const run = (args: string[], cwd: string, warm: boolean) =>
		new Promise<{output: string; code: number | null; signal: NodeJS.Signals | null}>(resolve => {
			const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe'];
			while (stdio.length < 63) stdio.push('ignore');
			stdio.push('pipe');
			const command = warm ? [warmAsset(PYTHON_LAUNCHER), ...args] : args;
			const child = spawn(SYSTEM_PYTHON, command, {cwd, env: {...process.env, DEVTUI_WARM_FD: '63'}, stdio: warm ? stdio : ['ignore', 'pipe', 'pipe']});
			let output = '';
			child.stdout!.on('data', chunk => (output += chunk));
			child.stderr!.on('data', chunk => (output += chunk));
			if (warm) {
				const pipe = (child.stdio as unknown as NodeJS.ReadWriteStream[])[63]!;
				pipe.on('data', () => {});
				pipe.on('error', () => {});
				pipe.write(`${JSON.stringify({park: {preload: [], watched: [cwd], allowed: []}})}\n${JSON.stringify({go: {set: {}, unset: ['DEVTUI_WARM_FD']}})}\n`);
			}
			child.on('close', (code, signal) => resolve({output, code, signal}));
		});

	it('ends a script as python does: a syntax error, a missing file or module, sys.exit, Ctrl-C after atexit', async () => {
		const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-launcher-'));
		writeFileSync(path.join(cwd, 'bad.py'), 'x = (\n');
		writeFileSync(path.join(cwd, 'exits.py'), 'import sys\nprint("bye")\nsys.exit(5)\n');
		writeFileSync(path.join(cwd, 'interrupted.py'), 'import atexit\natexit.register(lambda: print("atexit ran", flush=True))\nraise KeyboardInterrupt\n');
		for (const args of [['bad.py'], ['missing.py'], ['-m', 'missing_module'], ['exits.py'], ['interrupted.py']]) {
			const [cold, warm] = [await run(args, cwd, false), await run(args, cwd, true)];
			expect(warm, args.join(' ')).toEqual(cold);
		}
	});
});

describe('devtui --warm and the rest of the run', () => {
	afterEach(cleanupRuns);

	it('parking the next interpreter takes nothing from the running one: its sd_notify STOPPING and EXTEND still count', async () => {
		// The next instance's spawn input is asked for while this one runs; a participant that switched
		// to the next instance there (the notify channel did) dropped the running one's datagrams.
		const devtui = startJson(['--warm', '--timeout', '1000', '--', SYSTEM_PYTHON, fixture('notify-app.py')], {
			cwd: tempDir('devtui-warm-notify-'),
			env: {NOTIFY_SHUTDOWN_MS: '2500', NOTIFY_EXTEND_USEC: '4000000', DEVTUI_TEST_WARM: ''},
		});
		await devtui.waitForEvent('watch/ready');
		await devtui.waitForOutput(/^READY \d+$/);
		const first = devtui.of('run/spawned')[0]!;
		await waitFor(() => warmChildren(devtui.run.child.pid!).some(pid => pid !== first.pid) || undefined, {timeout: 15_000, message: 'a parked interpreter'});
		devtui.touch();
		const timeline = await devtui.completed(1);
		expect(timeline.forced).toBe(false);
		expect(devtui.of('app/stopping')).toEqual([expect.objectContaining({pid: first.pid})]);
		expect(devtui.of('app/extend')[0]).toMatchObject({pid: first.pid, requestedMs: 4000});
		expect(devtui.of('run/spawned')[1]!.warm).toBeDefined();
	});
});

