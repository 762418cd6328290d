// Orphans: after every restart, and after quitting, nothing of an earlier instance is alive. The
// check does not trust devtui's own bookkeeping: it scans /proc for every process whose
// DEVTUI_INSTANCE was issued by this devtui (the supervisor runs in this test process, so the
// prefix is our pid) and demands that all of them belong to the instance running now.

import {copyFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {pidsIn} from '../helpers/process-alive.js';
import {fixture, supervise} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';
import {describeProcesses, instanceMarkerOf, processesOfDevtui} from './proc-scan.js';

type Run = ReturnType<typeof supervise>;
const runs: Run[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		await run.supervisor.quit({force: true});
		rmSync(run.cwd, {recursive: true, force: true});
	}
});

/** Processes this devtui started that do not carry the current instance's marker. */
const leftovers = (run: Run) => {
	const pid = run.supervisor.pid;
	const current = pid === undefined ? undefined : instanceMarkerOf(pid);
	return processesOfDevtui(process.pid).filter(info => info.marker !== current);
};

const expectNoLeftovers = (run: Run, when: string) => {
	const found = leftovers(run);
	expect(found, `${when}: leftover processes:\n${describeProcesses(found)}`).toEqual([]);
};

/**
 * Restarts `count` times; after each restart (the new instance up, `ready` matched `count` times),
 * asserts no process of an earlier instance is alive. Then quits and asserts nothing is left.
 */
const restartAndCheck = async (run: Run, count: number, ready: RegExp) => {
	await run.supervisor.start();
	await run.waitForOutput(ready, 1, 30_000);
	const startedAt = Date.now();
	let maxSeen = 0;
	for (let restart = 1; restart <= count; restart++) {
		run.supervisor.restart();
		await run.waitForOutput(ready, restart + 1, 30_000);
		expectNoLeftovers(run, `after restart ${restart}`);
		maxSeen = Math.max(maxSeen, processesOfDevtui(process.pid).length);
	}
	const restartMs = Date.now() - startedAt;
	const forced = run.of('run/force-killed').length;
	await run.supervisor.quit();
	const afterQuit = processesOfDevtui(process.pid);
	expect(afterQuit, `after quit:\n${describeProcesses(afterQuit)}`).toEqual([]);
	return {restartMs, perRestartMs: Math.round(restartMs / count), maxProcesses: maxSeen, forced};
};

describe('orphans: nothing of an earlier instance survives a restart or the quit', () => {
	it('200 restarts of a fast app with a child (sh + sleep): no leftover after any of them', async () => {
		const run = supervise(['sh', fixture('rel-fast.sh')], {timeoutMs: 5000});
		runs.push(run);
		const figures = await restartAndCheck(run, 200, /^READY /);
		console.log(`[reliability] orphans/fast: 200 restarts in ${figures.restartMs} ms (${figures.perRestartMs} ms each), 0 leftovers, ${figures.forced} force kills`);
		expect(figures.forced).toBe(0);
		expect(run.of('run/spawned')).toHaveLength(201);
	}, 90_000);

	it('an app that ignores SIGTERM, with a grandchild that ignores it too: force-killed, nothing left (10 restarts)', async () => {
		const run = supervise([process.execPath, fixture('stubborn.mjs')], {timeoutMs: 300});
		runs.push(run);
		const figures = await restartAndCheck(run, 10, /^GRANDCHILD /);
		console.log(`[reliability] orphans/ignores-SIGTERM: 10 restarts in ${figures.restartMs} ms, ${figures.forced} force kills, 0 leftovers`);
		expect(figures.forced).toBe(10);
	}, 60_000);

	it('a grandchild that escaped to a new session (setsid, re-parented to PID 1, ignoring signals) is found by its marker (10 restarts)', async () => {
		const run = supervise([process.execPath, fixture('daemonizer.mjs')], {timeoutMs: 500});
		runs.push(run);
		// Each instance's escaped grandchild must exist before the next restart, or there is nothing to find.
		const figures = await restartAndCheck(run, 10, /^ESCAPED /);
		const escaped = run.output().filter(line => line.startsWith('ESCAPED')).flatMap(pidsIn);
		expect(escaped).toHaveLength(11);
		console.log(`[reliability] orphans/setsid-escapee: 10 restarts in ${figures.restartMs} ms, 11 escapees all gone`);
	}, 60_000);

	it('npm run -> sh -> node: the whole launcher chain goes (5 restarts)', async () => {
		const run = supervise(['npm', 'run', '--silent', 'start'], {timeoutMs: 3000});
		runs.push(run);
		copyFileSync(fixture('tree.sh'), path.join(run.cwd, 'tree.sh'));
		copyFileSync(fixture('ready.mjs'), path.join(run.cwd, 'ready.mjs'));
		writeFileSync(path.join(run.cwd, 'package.json'), JSON.stringify({name: 'rel-npm', private: true, scripts: {start: 'sh ./tree.sh'}}));
		const figures = await restartAndCheck(run, 5, /^READY /);
		console.log(`[reliability] orphans/npm-sh-node: 5 restarts in ${figures.restartMs} ms (${figures.perRestartMs} ms each), up to ${figures.maxProcesses} processes per instance, 0 leftovers`);
		// npm, sh and node at least: the chain was really there to leave behind.
		expect(figures.maxProcesses).toBeGreaterThanOrEqual(3);
	}, 90_000);

	it('Python with multiprocessing workers that ignore SIGTERM, orphaned by their parent: all gone (5 restarts)', async () => {
		const run = supervise(['python3', fixture('rel-mp.py')], {timeoutMs: 500});
		runs.push(run);
		const figures = await restartAndCheck(run, 5, /^READY .*workers=\d+,\d+,\d+/);
		console.log(`[reliability] orphans/python-multiprocessing: 5 restarts in ${figures.restartMs} ms, up to ${figures.maxProcesses} processes per instance, ${figures.forced} force kills, 0 leftovers`);
		expect(figures.maxProcesses).toBeGreaterThanOrEqual(4);
		expect(figures.forced).toBe(5);
	}, 90_000);
});

// Asserts that the scan itself can fail: a process started with a marker of ours and left running is found.
describe('the /proc scan used above', () => {
	it('finds a process that carries this devtui\'s marker, even in its own session', async () => {
		const {spawn} = await import('node:child_process');
		// detached: its own session, as an escaping daemon would have.
		const child = spawn('sleep', ['30'], {env: {...process.env, DEVTUI_INSTANCE: `${process.pid}-probe`}, stdio: 'ignore', detached: true});
		try {
			const found = await waitFor(() => processesOfDevtui(process.pid).find(info => info.marker === `${process.pid}-probe`));
			expect(found.command).toMatch(/sleep 30/);
		} finally {
			child.kill('SIGKILL');
		}
		await waitFor(() => processesOfDevtui(process.pid).length === 0);
	});
});
