// A burst is not a save: a formatter, a code generator or a save-all writing many files 10-30 ms
// apart gives at most two app spawns (usually one), and the instance left running has seen the
// final content of every file. Real processes, real files, the built CLI; also under load.

import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const loads: ChildProcess[] = [];
afterEach(async () => {
	for (const load of loads.splice(0)) load.kill('SIGKILL');
	await cleanupRuns();
});

// Two busy loops, one per core, as a loaded laptop or CI machine has.
const busyLoops = () => {
	for (let i = 0; i < 2; i++) loads.push(spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}));
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const FILES = 10;

const project = (extension: string) => {
	const cwd = tempDir('devtui-burst-');
	mkdirSync(path.join(cwd, 'src'));
	for (let i = 0; i < FILES; i++) writeFileSync(path.join(cwd, 'src', `f${i}${extension}`), 'V = 0\n');
	return cwd;
};

const cases = [
	{app: 'node', command: [process.execPath, fixture('burst-app.mjs')], extension: '.js', flags: []},
	{app: 'python, check on', command: ['/usr/bin/python3', fixture('burst-app.py')], extension: '.py', flags: []},
	{app: 'python, check off', command: ['/usr/bin/python3', fixture('burst-app.py')], extension: '.py', flags: ['--no-python-check']},
];

describe('bursts of writes', () => {
	for (const {app, command, extension, flags} of cases) {
		for (const gapMs of [10, 30]) {
			it(`${app}: 20 writes to ${FILES} files ${gapMs} ms apart, three times: at most 2 spawns each, the last instance sees every write`, async () => {
				const cwd = project(extension);
				const run = startJson([...flags, '--', ...command], {cwd});
				await run.waitForEvent('watch/ready');
				await run.waitForOutput(/READY .*restart=0/);
				for (let burst = 1; burst <= 3; burst++) {
					const before = run.of('run/spawned').length;
					for (let write = 0; write < 20; write++) {
						writeFileSync(path.join(cwd, 'src', `f${write % FILES}${extension}`), `V = ${burst * 100 + write}\n`);
						await sleep(gapMs);
					}
					const expected = Array.from({length: FILES}, (_, i) => `f${i}${extension}=V = ${burst * 100 + 10 + i}`).join(',');
					await run.waitForOutput(new RegExp(`seen=${expected.replaceAll('.', String.raw`\.`)}$`), 15_000);
					// Nothing else is pending: wait for the debounce's worth of quiet to be sure no spawn follows.
					await waitFor(() => Date.now() - run.of('run/spawned').at(-1)!.at > 500, {timeout: 5000});
					const spawns = run.of('run/spawned').length - before;
					expect(spawns, `burst ${burst}`).toBeGreaterThanOrEqual(1);
					expect(spawns, `burst ${burst}`).toBeLessThanOrEqual(2);
				}
			});
		}
	}

	it('python, check on, under load (two busy loops): a burst 10 ms apart is still at most 2 spawns, and the last one sees every write', async () => {
		const cwd = project('.py');
		const run = startJson(['--', '/usr/bin/python3', fixture('burst-app.py')], {cwd});
		await run.waitForEvent('watch/ready');
		await run.waitForOutput(/READY .*restart=0/);
		busyLoops();
		for (let burst = 1; burst <= 3; burst++) {
			const before = run.of('run/spawned').length;
			for (let write = 0; write < 20; write++) {
				writeFileSync(path.join(cwd, 'src', `f${write % FILES}.py`), `V = ${burst * 100 + write}\n`);
				await sleep(10);
			}
			const expected = Array.from({length: FILES}, (_, i) => `f${i}.py=V = ${burst * 100 + 10 + i}`).join(',');
			await run.waitForOutput(new RegExp(`seen=${expected.replaceAll('.', String.raw`\.`)}$`), 20_000);
			await waitFor(() => Date.now() - run.of('run/spawned').at(-1)!.at > 800, {timeout: 10_000});
			const spawns = run.of('run/spawned').length - before;
			expect(spawns, `burst ${burst}`).toBeLessThanOrEqual(2);
		}
	}, 60_000);
});
