// Soak (DEVTUI_SOAK=1 only): 1,000 restarts through the CLI with the protocol on. The app saves a
// counter in its shutdown phase and loads it on start, so any lost state shows as a wrong count.
// devtui's RSS and open file descriptors are read from /proc at the start and the end and must
// stay flat (bounded growth); nothing of an earlier instance may be alive after any restart.

import {cpSync, mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {repoRoot} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {describeProcesses, instanceMarkerOf, openFds, processesOfDevtui, rssKb} from './proc-scan.js';

const soak = process.env.DEVTUI_SOAK === '1';
const RESTARTS = Number(process.env.DEVTUI_SOAK_RESTARTS ?? 1000);

describe.runIf(soak)('soak', () => {
	it(`${RESTARTS} restarts with the protocol on: flat RSS and fds, no orphans, no lost state`, async () => {
		// The app runs on a private copy of the built client: other engineers rebuilding dist/ during a
		// long soak would otherwise hand a restart a half-written module (seen: a crash at restart 657).
		const cwd = tempDir('devtui-soak-');
		const copy = path.join(cwd, 'copy');
		cpSync(path.join(repoRoot, 'dist/src'), path.join(copy, 'dist/src'), {recursive: true});
		writeFileSync(path.join(copy, 'package.json'), '{"type": "module"}\n');
		const app = path.join(copy, 'test/fixtures/apps/rel-counter.mjs');
		mkdirSync(path.dirname(app), {recursive: true});
		cpSync(fixture('rel-counter.mjs'), app);
		const run = startJson(['--ignore', 'copy', '--', process.execPath, app], {cwd});
		try {
			const devtui = run.run.child.pid!;
			await run.waitForEvent('watch/ready');
			// Wait for the client's hello (sent once the app's top-level code, shutdown handler included, ran):
			// readiness "by spawn" (used for the first start and whenever the previous instance never said
			// hello) would let the next change kill an instance before its client connects, and that chain
			// can run for hundreds of restarts (seen: restarts 0-373 never got to load or save their state).
			const clientReady = (restart: number) => run.waitForEvent('app/hello', event => event.restart === restart, {timeout: 30_000});
			await clientReady(0);
			const measure = () => ({rssMb: Math.round(rssKb(devtui) / 1024), fds: openFds(devtui).length});
			// Warm up a little so lazily loaded modules and buffers are counted in the baseline.
			for (let restart = 1; restart <= 20; restart++) {
				run.touch(`soak-${restart % 7}.txt`);
				await clientReady(restart);
			}
			const start = measure();
			const startedAt = Date.now();
			for (let restart = 21; restart <= RESTARTS; restart++) {
				// Changes rotate over 7 files: the feedback detector only fires when the SAME file changes
				// right after 3 starts in a row, which a developer saving one file quickly would trigger.
				run.touch(`soak-${restart % 7}.txt`);
				await clientReady(restart);
				const timeline = await run.completed(restart, 30_000);
				expect(timeline.outcome, `restart ${restart}: ${JSON.stringify(run.of('run/crashed').at(-1))} output: ${run.output().slice(-5).join(' | ')}`).toBe('ready');
				const app = run.of('run/spawned').at(-1)!.pid;
				const current = instanceMarkerOf(app);
				const leftovers = processesOfDevtui(devtui).filter(info => info.marker !== current);
				expect(leftovers, describeProcesses(leftovers)).toEqual([]);
			}
			const end = measure();
			const loaded = run.output().filter(line => line.startsWith('LOADED')).map(line => Number(/counter=(\d+)/.exec(line)![1]));
			const ms = Date.now() - startedAt;
			console.log(
				`[reliability] soak: ${RESTARTS} restarts in ${(ms / 1000).toFixed(0)} s (${Math.round(ms / (RESTARTS - 20))} ms each); devtui RSS ${start.rssMb} -> ${end.rssMb} MB, fds ${start.fds} -> ${end.fds}; last counter ${loaded.at(-1)}; feedback holds ${run.of('watch/feedback-loop').length}`,
			);
			const stateTrouble = run.events().filter(event => ['state/invalid', 'state/restored', 'supervisor/error', 'channel/problem', 'run/crashed'].includes(event.type));
			const resets = loaded.flatMap((counter, index) => (index > 0 && counter !== loaded[index - 1]! + 1 ? [`#${index}: ${loaded[index - 1]} -> ${counter}`] : []));
			const diagnosis = `${loaded.length} LOADED lines for ${run.of('run/spawned').length} spawns; counter jumps: ${resets.slice(0, 5).join(', ')}; state events: ${JSON.stringify(stateTrouble.slice(0, 5))}`;
			console.log(`[reliability] soak diagnosis: ${diagnosis}`);
			expect(loaded, diagnosis).toHaveLength(RESTARTS + 1);
			expect(loaded).toEqual(loaded.map((_, index) => index));
			expect(end.fds - start.fds).toBeLessThanOrEqual(5);
			expect(end.rssMb - start.rssMb).toBeLessThan(64);
		} finally {
			await cleanupRuns();
		}
	}, 3_600_000);
});
