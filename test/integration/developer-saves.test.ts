// A developer's own edits are never taken for the app's: saves a second apart to an app with no
// readiness signal (the case that used to hold every restart as a "feedback loop"), and a scripted
// run of 20 saves at uneven gaps to an app that takes ~150 ms to start. Every save must reach the
// app, and nothing may be set aside. The built CLI, a real interpreter, real files.

import {copyFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {fixture} from '../helpers/supervise.js';

afterEach(cleanupRuns);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const project = () => {
	const cwd = tempDir('devtui-saves-');
	writeFileSync(path.join(cwd, 'mod.py'), 'V = 0\n');
	copyFileSync(fixture('slow-worker.py'), path.join(cwd, 'worker.py'));
	return cwd;
};

describe("a developer's saves", () => {
	it('five saves about a second apart to an app with no readiness signal: each one served, nothing set aside', async () => {
		const cwd = project();
		const run = startJson(['--', '/usr/bin/python3', 'worker.py'], {cwd});
		await run.waitForEvent('watch/ready');
		await run.waitForOutput(/READY .*v=0$/);
		// On a clock, as a person (or an auto-save) does, not in answer to the app's start: a script
		// that waits for each start and then saves at the same moment is, to any observer, a loop
		// through that script (docs/debounce.md).
		const startedAt = Date.now();
		for (let save = 1; save <= 5; save++) {
			await sleep(startedAt + save * 1000 - Date.now());
			writeFileSync(path.join(cwd, 'mod.py'), `V = ${save}\n`);
			await run.waitForOutput(new RegExp(`READY .*v=${save}$`), 10_000);
		}
		expect(run.of('watch/feedback-loop')).toEqual([]);
		expect(run.of('watch/set-aside')).toEqual([]);
	}, 30_000);

	it('20 scripted saves 30-400 ms apart: the last one is served and nothing is set aside', async () => {
		const cwd = project();
		const run = startJson(['--', '/usr/bin/python3', 'worker.py'], {cwd});
		await run.waitForEvent('watch/ready');
		await run.waitForOutput(/READY .*v=0$/);
		const gaps = [30, 220, 400, 90, 310, 60, 180, 400, 45, 270, 130, 390, 75, 240, 160, 35, 350, 110, 205, 400];
		for (const [index, gap] of gaps.entries()) {
			writeFileSync(path.join(cwd, 'mod.py'), `V = ${index + 1}\n`);
			await sleep(gap);
		}
		await run.waitForOutput(/READY .*v=20$/, 10_000);
		expect(run.of('watch/feedback-loop')).toEqual([]);
		expect(run.of('watch/set-aside')).toEqual([]);
	}, 30_000);
});
