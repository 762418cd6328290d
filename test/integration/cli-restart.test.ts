// The built CLI end to end, headless: real files edited, real processes restarted, real signals.

import {cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {spawn} from 'node:child_process';
import {cliPath, runCli, type CliRun} from '../helpers/run-cli.js';
import {isAlive, pidsIn} from '../helpers/process-alive.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const runs: CliRun[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.kill('SIGKILL');
		await run.exit;
	}
});

const project = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-cli-'));
	cpSync(fixture('ready.mjs'), path.join(dir, 'app.mjs'));
	cpSync(fixture('stubborn.mjs'), path.join(dir, 'stubborn.mjs'));
	return dir;
};

const start = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun => {
	const run = runCli(args, {cwd, env});
	runs.push(run);
	return run;
};

const readyPids = (run: CliRun): number[] => run.lines(/^READY/).flatMap(line => pidsIn(line).slice(0, 1));

describe('devtui --no-tui', () => {
	it('restarts the app when a watched file is saved and says what happened', async () => {
		const cwd = project();
		const run = start(['--no-tui', '--', 'node', 'app.mjs'], cwd);
		await run.waitForLine(/READY .*restart=0/);
		await run.waitForLine(/\[devtui\] watching/);
		writeFileSync(path.join(cwd, 'app.mjs'), `// edit\n${'console.log(`READY pid=${process.pid} restart=${process.env.DEVTUI_RESTART}`); setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0));'}\n`);
		await run.waitForLine(/READY .*restart=1/);
		expect(run.stderr.join('\n')).toMatch(/\[devtui\] change: app\.mjs \(changed\)/);
		expect(run.stderr.join('\n')).toMatch(/\[devtui\] pid \d+ stopped in \d+ ms/);
		expect(run.stderr.join('\n')).toMatch(/\[devtui\] restart #1: started pid \d+/);
		// The app's own output goes to stdout untouched.
		expect(run.stdout.filter(line => line.startsWith('READY'))).toHaveLength(2);
		const [first] = readyPids(run);
		expect(isAlive(first!)).toBe(false);
	});

	it('quits, and stops the app, when the reader of its --json output goes away (devtui --json | head)', async () => {
		const cwd = project();
		const child = spawn(process.execPath, [cliPath, '--json', '--', 'node', 'app.mjs'], {cwd, stdio: ['ignore', 'pipe', 'pipe']});
		const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
		let stdout = '';
		child.stdout.on('data', chunk => (stdout += String(chunk)));
		try {
			await waitFor(() => /"type":"watch\/ready"/.test(stdout) && /READY pid=\d+/.test(stdout), {message: () => `watch/ready and READY; stdout so far: ${stdout}`});
			const appPid = Number(/READY pid=(\d+)/.exec(stdout)![1]);
			child.stdout.destroy();
			// The next events (this change) meet a closed pipe.
			writeFileSync(path.join(cwd, 'new.txt'), 'x');
			const code = await Promise.race([exited, waitFor(() => false, {timeout: 10_000, message: 'devtui to exit'}).catch(() => 'still running')]);
			expect(code).toBe(0);
			await waitFor(() => !isAlive(appPid), {message: `app pid ${appPid} gone`});
		} finally {
			child.kill('SIGKILL');
		}
	});

	it("hands the app devtui's own stdout in plain headless mode with --no-ctl, and reads it through a pipe with devtui ctl (for its logs), --json or --ready-pattern", async () => {
		const cwd = project();
		const stdoutOf = (pid: number) => readlinkSync(`/proc/${pid}/fd/1`);
		const plain = start(['--no-tui', '--no-ctl', '--', 'node', 'app.mjs'], cwd);
		const [appPid] = pidsIn(await plain.waitForLine(/READY .*restart=0/));
		// A pipe (or Node's socket pair) is named by its inode: the same name is the same one the test reads.
		expect(stdoutOf(appPid!)).toBe(stdoutOf(plain.child.pid!));
		for (const args of [['--no-tui'], ['--json'], ['--no-tui', '--ready-pattern', 'READY']]) {
			const piped = start([...args, '--', 'node', 'app.mjs'], cwd);
			const [pid] = pidsIn(await piped.waitForLine(/READY .*restart=0/));
			expect(stdoutOf(pid!)).not.toBe(stdoutOf(piped.child.pid!));
		}
	});

	it('prints every event as NDJSON with --json', async () => {
		const cwd = project();
		const run = start(['--json', '--', 'node', 'app.mjs'], cwd);
		await run.waitForLine(/"type":"watch\/ready"/);
		await run.waitForLine(/"type":"run\/output".*READY/);
		writeFileSync(path.join(cwd, 'new.txt'), 'x');
		await run.waitForLine(/"type":"run\/spawned".*"restart":1/);
		const events = run.stdout.map(line => JSON.parse(line) as {type: string; at: number});
		const types = events.map(event => event.type);
		expect(types).toContain('watch/changed');
		expect(types).toContain('run/output');
		expect(events.every(event => typeof event.at === 'number')).toBe(true);
		const changed = events.find(event => event.type === 'watch/changed') as unknown as {files: unknown};
		expect(changed.files).toEqual([{path: 'new.txt', kind: 'added'}]);
		expect(run.stderr).toEqual([]);
	});

	it('polls with --poll', async () => {
		const cwd = project();
		const run = start(['--no-tui', '--poll=100', '--', 'node', 'app.mjs'], cwd);
		await run.waitForLine(/watching .* by polling/);
		writeFileSync(path.join(cwd, 'app.mjs'), `// polled\n${'console.log(`READY pid=${process.pid} restart=${process.env.DEVTUI_RESTART}`); setInterval(() => {}, 1000);'}\n`);
		await run.waitForLine(/READY .*restart=1/);
	});

	it('takes the command and --restart-arg from devtui.config.json, and the command line wins', async () => {
		const cwd = project();
		writeFileSync(path.join(cwd, 'devtui.config.json'), JSON.stringify({command: ['node', 'app.mjs', '--from-config'], restartArg: true, timeout: 3000}));
		const run = start(['--no-tui'], cwd);
		await run.waitForLine(/READY .*args=\["--from-config"\]/);
		await run.waitForLine(/watching/);
		writeFileSync(path.join(cwd, 'touch.py'), 'x');
		await run.waitForLine(/READY .*args=\["--from-config","--restart"\]/);
		const cli = start(['--no-tui', '--restart-arg=--resume', '--', 'node', 'app.mjs'], cwd);
		await cli.waitForLine(/READY .*args=\[\]/);
		cli.kill('SIGTERM');
		await cli.exit;
	});

	it('a burst of 100 writes to 20 files gives exactly one restart, which sees the last write', async () => {
		const cwd = project();
		writeFileSync(
			path.join(cwd, 'reader.mjs'),
			"import {existsSync, readFileSync} from 'node:fs';\nconst seen = existsSync('burst-19.txt') ? readFileSync('burst-19.txt', 'utf8') : 'none';\nconsole.log(`READY pid=${process.pid} restart=${process.env.DEVTUI_RESTART} seen=${seen}`);\nsetInterval(() => {}, 1000);\n",
		);
		const run = start(['--no-tui', '--', 'node', 'reader.mjs'], cwd);
		await run.waitForLine(/READY .*restart=0/);
		await run.waitForLine(/watching/);
		for (let i = 0; i < 100; i++) writeFileSync(path.join(cwd, `burst-${i % 20}.txt`), `write ${i}`);
		expect(await run.waitForLine(/READY .*restart=1/)).toMatch(/seen=write 99$/);
		// A later, separate change is restart #2: nothing from the burst was left over in between.
		writeFileSync(path.join(cwd, 'after.txt'), 'x');
		await run.waitForLine(/READY .*restart=2/);
		expect(run.lines(/\[devtui\] restart #\d+: started/)).toHaveLength(2);
		expect(run.stderr.join('\n')).toMatch(/20 changes: burst-0\.txt \(added\)/);
	});

	it('files the app writes into an ignored directory restart nothing', async () => {
		const cwd = project();
		cpSync(fixture('writes-logs.mjs'), path.join(cwd, 'writes-logs.mjs'));
		writeFileSync(path.join(cwd, '.gitignore'), 'cache/\n');
		const run = start(['--no-tui', '--', 'node', 'writes-logs.mjs'], cwd);
		await run.waitForLine(/READY .*restart=0/);
		await run.waitForLine(/watching/);
		// Let the app write a good number of times, then make one real change: it must be restart #1.
		await waitFor(() => existsSync(path.join(cwd, 'cache/entry-4.json')));
		writeFileSync(path.join(cwd, 'writes-logs.mjs'), `${readFileSync(path.join(cwd, 'writes-logs.mjs'), 'utf8')}\n// edit\n`);
		await run.waitForLine(/READY .*restart=1/);
		expect(run.lines(/\[devtui\] (\d+ changes|change):/)).toEqual(['[devtui] change: writes-logs.mjs (changed)']);
	});

	it('catches an app that rewrites a watched file on every start, names the file, and sets only that file aside', async () => {
		const cwd = project();
		cpSync(fixture('feedback-writer.mjs'), path.join(cwd, 'feedback-writer.mjs'));
		const run = start(['--json', '--', 'node', 'feedback-writer.mjs'], cwd);
		const events = () => run.stdout.filter(line => line.startsWith('{')).map(line => JSON.parse(line) as {type: string; [key: string]: unknown});
		const spawns = () => events().filter(event => event.type === 'run/spawned').length;
		await waitFor(() => events().find(event => event.type === 'watch/feedback-loop'), {
			timeout: 20_000,
			message: () => `a feedback-loop event; ${spawns()} spawns so far`,
		});
		// Caught by either piece of evidence: the app still had the file open when devtui looked, or
		// two suspect starts, then two shifted ones that still line up (on a loaded machine the first
		// delays may be uneven and the detector slides on to the next ones).
		expect(events().find(event => event.type === 'watch/feedback-loop')).toMatchObject({file: 'out.txt'});
		// The next start's write is the app's: set aside, nothing restarts (the batch that proved the
		// loop still restarts once: count from the first write set aside).
		await waitFor(() => events().some(event => event.type === 'watch/set-aside'), {message: 'the set-aside write'});
		const firstAside = events().find(event => event.type === 'watch/set-aside')!.at as number;
		const caught = events().filter(event => event.type === 'run/spawned' && (event.at as number) <= firstAside).length;
		expect(caught).toBeLessThanOrEqual(8);
		expect(spawns()).toBe(caught);
		// The developer's edit of another file restarts as usual (nothing is held), and the app's
		// write after that start is set aside again.
		writeFileSync(path.join(cwd, 'feedback-writer.mjs'), `${readFileSync(path.join(cwd, 'feedback-writer.mjs'), 'utf8')}// edit\n`);
		await waitFor(() => events().filter(event => event.type === 'watch/set-aside').length >= 2, {message: 'a second set-aside write'});
		expect(spawns()).toBe(caught + 1);
	});

	it('a file one of the app processes holds open for writing (its event log, a name no default ignores) restarts nothing, and is named once', async () => {
		const cwd = project();
		cpSync(fixture('holds-log.mjs'), path.join(cwd, 'holds-log.mjs'));
		const run = start(['--no-tui', '--', 'node', 'holds-log.mjs'], cwd);
		await run.waitForLine(/events\.ndjson is written by the app \(pid \d+ has it open for writing\)/);
		// Many appends later, a real change is restart #1 and the only one.
		await waitFor(() => readFileSync(path.join(cwd, 'events.ndjson'), 'utf8').split('\n').length > 20);
		writeFileSync(path.join(cwd, 'holds-log.mjs'), `${readFileSync(path.join(cwd, 'holds-log.mjs'), 'utf8')}\n// edit\n`);
		await run.waitForLine(/READY .*restart=1/);
		await waitFor(() => readFileSync(path.join(cwd, 'events.ndjson'), 'utf8').split('\n').length > 40);
		writeFileSync(path.join(cwd, 'holds-log.mjs'), `${readFileSync(path.join(cwd, 'holds-log.mjs'), 'utf8')}\n// edit 2\n`);
		await run.waitForLine(/READY .*restart=2/);
		expect(run.lines(/\[devtui\] restart #\d+: started/)).toHaveLength(2);
		expect(run.lines(/open for writing/)).toHaveLength(1);
	});

	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		it(`${signal} to devtui stops the app gracefully and exits 0`, async () => {
			const cwd = project();
			const run = start(['--no-tui', '--', 'node', 'app.mjs'], cwd);
			const pid = pidsIn(await run.waitForLine(/READY/))[0]!;
			run.kill(signal);
			expect(await run.exit).toEqual({code: 0, signal: null});
			expect(run.lines(/^STOPPING/)).toEqual([`STOPPING pid=${pid} signal=SIGTERM`]);
			expect(isAlive(pid)).toBe(false);
		});
	}

	it('a second Ctrl-C while stopping force-kills and quits', async () => {
		const cwd = project();
		const run = start(['--no-tui', '--timeout', '30000', '--', 'node', 'stubborn.mjs'], cwd);
		const ready = await run.waitForLine(/READY/);
		await run.waitForLine(/GRANDCHILD/);
		const pids = pidsIn(ready);
		run.kill('SIGINT');
		await run.waitForLine(/sent SIGTERM/);
		run.kill('SIGINT');
		expect((await run.exit).code).toBe(0);
		expect(run.stderr.join('\n')).toMatch(/force-killed process group \d+ .*quit request/);
		expect(pids.filter(pid => isAlive(pid))).toEqual([]);
	});

	it('when devtui is SIGKILLed, the watchdog takes the app down within 2 s', async () => {
		const cwd = project();
		const run = start(['--no-tui', '--', 'node', 'stubborn.mjs'], cwd);
		const ready = await run.waitForLine(/READY/);
		const grandchild = pidsIn(await run.waitForLine(/GRANDCHILD/))[0]!;
		const pids = [...pidsIn(ready), grandchild];
		expect(pids.every(pid => isAlive(pid))).toBe(true);
		run.kill('SIGKILL');
		await run.exit;
		const killedAt = Date.now();
		await waitFor(() => pids.every(pid => !isAlive(pid)), {timeout: 5000, message: 'the app to die with devtui'});
		expect(Date.now() - killedAt).toBeLessThan(2000);
	});

	it('a command that cannot start on the first try: one line, exit 2, nothing left behind', async () => {
		const cwd = project();
		writeFileSync(path.join(cwd, 'script.sh'), '#!/bin/sh\necho hi\n', {mode: 0o644});
		const run = start(['--no-tui', '--', './script.sh'], cwd);
		expect((await run.exit).code).toBe(2);
		expect(run.stderr).toHaveLength(1);
		expect(run.stderr[0]).toMatch(/^devtui: cannot execute \.\/script\.sh/);
	});

	it('a crash is reported with its exit code, and the next change restarts', async () => {
		const cwd = project();
		cpSync(fixture('crash.mjs'), path.join(cwd, 'crash.mjs'));
		const run = start(['--no-tui', '--', 'node', 'crash.mjs'], cwd);
		await run.waitForLine(/app crashed \(exit code 3\) after \d+ ms; waiting for changes/);
		await run.waitForLine(/watching/);
		writeFileSync(path.join(cwd, 'crash.mjs'), 'console.log("READY fixed"); setInterval(() => {}, 1000);\n');
		await run.waitForLine(/READY fixed/);
	});
});
