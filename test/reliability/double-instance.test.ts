// Double instances: an app that binds a fixed port (exclusively) fails loudly with EADDRINUSE if
// an earlier instance is still alive when it starts. Hundreds of restarts, including restarts asked
// for while the previous one is still stopping or starting, must never produce one such failure.

import {rmSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {fixture, supervise} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';
import {processesOfDevtui} from './proc-scan.js';
import {freePort} from '../helpers/free-port.js';

type Run = ReturnType<typeof supervise>;
const runs: Run[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		await run.supervisor.quit({force: true});
		rmSync(run.cwd, {recursive: true, force: true});
	}
});

const portApp = async (): Promise<Run> => {
	const port = await freePort();
	const run = supervise([process.execPath, fixture('rel-port.mjs')], {env: {...process.env, PORT: String(port)}, timeoutMs: 5000});
	runs.push(run);
	return run;
};

const failures = (run: Run) => run.output().filter(line => /BIND FAILED/.test(line));

describe('double instances: a fixed-port app is never started while the previous one lives', () => {
	it('200 restarts, one after another: 0 EADDRINUSE', async () => {
		const run = await portApp();
		await run.supervisor.start();
		await run.waitForOutput(/^READY/, 1, 20_000);
		const startedAt = Date.now();
		for (let restart = 1; restart <= 200; restart++) {
			run.supervisor.restart();
			await run.waitForOutput(/^READY/, restart + 1, 20_000);
			expect(failures(run)).toEqual([]);
		}
		const ms = Date.now() - startedAt;
		console.log(`[reliability] double-instance/sequential: 200 restarts in ${ms} ms (${Math.round(ms / 200)} ms each), ${failures(run).length} EADDRINUSE, ${run.of('run/crashed').length} crashes`);
		expect(run.of('run/crashed')).toEqual([]);
		expect(run.of('run/spawned')).toHaveLength(201);
	}, 120_000);

	it('changes arriving while stopping and while starting join a restart instead of doubling it: 0 EADDRINUSE', async () => {
		const run = await portApp();
		let duringStop = 0;
		let duringStart = 0;
		// One injection of each kind per cycle, or the injected changes would feed each other forever.
		let injectStop = false;
		let injectStart = false;
		// While the supervisor is stopping, a batch of changes opens and closes; while it is starting,
		// a manual restart lands 0-80 ms later (often while the new instance is binding its port).
		run.bus.subscribe(event => {
			if (event.type !== 'supervisor/state') return;
			if (event.state === 'stopping' && injectStop) {
				injectStop = false;
				duringStop++;
				run.supervisor.changeSeen({path: `stop-${duringStop}.txt`, kind: 'changed'});
				setImmediate(() => run.supervisor.batchClosed([{path: `stop-${duringStop}.txt`, kind: 'changed'}], Date.now()));
			} else if (event.state === 'starting' && injectStart) {
				injectStart = false;
				duringStart++;
				setTimeout(() => run.supervisor.restart(), Math.random() * 80);
			}
		});
		await run.supervisor.start();
		await run.waitForOutput(/^READY/, 1, 20_000);
		const settled = () =>
			waitFor(() => {
				const pid = run.supervisor.pid;
				return run.supervisor.state === 'running' && run.output().some(line => line.startsWith(`READY pid=${pid} `));
			}, {timeout: 20_000, message: 'the restart to settle on one instance that is up'});
		for (let cycle = 0; cycle < 50; cycle++) {
			injectStop = true;
			injectStart = true;
			run.supervisor.restart();
			await waitFor(() => run.supervisor.state !== 'running', {timeout: 5000, interval: 1}).catch(() => undefined);
			await settled();
		}
		const spawned = run.of('run/spawned').length;
		const ready = run.output().filter(line => line.startsWith('READY')).length;
		const alive = processesOfDevtui(process.pid);
		console.log(`[reliability] double-instance/interleaved: ${duringStop} changes while stopping, ${duringStart} restarts while starting, ${spawned - 1} restarts (${ready} instances got to bind), ${failures(run).length} EADDRINUSE, ${alive.length} process(es) alive at the end`);
		expect(duringStop).toBeGreaterThanOrEqual(50);
		expect(duringStart).toBeGreaterThanOrEqual(50);
		expect(ready).toBeGreaterThanOrEqual(50);
		expect(failures(run)).toEqual([]);
		expect(run.of('run/crashed')).toEqual([]);
		expect(alive.map(info => info.pid)).toEqual([run.supervisor.pid]);
	}, 120_000);
});
