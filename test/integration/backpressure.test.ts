// A slow reader of devtui's output: devtui must stop reading the app's output (the app waits)
// instead of buffering a flood in its own memory, and restarts must still work.

import {spawn} from 'node:child_process';
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, it} from 'vitest';
import {cliPath} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const rssMb = (pid: number): number => {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? 0) / 1024;
};

it('a flooding app waits for a slow reader; devtui memory stays flat and a restart still completes', async () => {
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-backpressure-'));
	cpSync(fixture('flood.mjs'), path.join(cwd, 'flood.mjs'));
	const child = spawn(process.execPath, [cliPath, '--no-tui', '--', 'node', 'flood.mjs'], {cwd, stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));
	try {
		// Read nothing from stdout for a while: the pipe to the test fills up at once.
		child.stdout.pause();
		await waitFor(() => stderr.includes('watching'), {message: () => `devtui to start; stderr: ${stderr}`});
		const samples: number[] = [];
		for (let i = 0; i < 10; i++) {
			await new Promise(resolve => setTimeout(resolve, 200));
			samples.push(rssMb(child.pid!));
		}
		console.log(`[backpressure] devtui RSS while the reader is stalled (MB): ${samples.map(mb => mb.toFixed(0)).join(' ')}`);
		expect(Math.max(...samples)).toBeLessThan(200);
		expect(samples.at(-1)! - samples[2]!).toBeLessThan(40);

		// A change while the app is blocked on its output: it still stops and a new one starts.
		writeFileSync(path.join(cwd, 'flood.mjs'), `${readFileSync(path.join(cwd, 'flood.mjs'), 'utf8')}// edit\n`);
		await waitFor(() => /restart #1: started/.test(stderr), {timeout: 15_000, message: () => `the restart; stderr: ${stderr}`});
		// Now read: the output flows again.
		let received = 0;
		child.stdout.on('data', chunk => (received += chunk.length));
		child.stdout.resume();
		await waitFor(() => received > 10_000_000, {timeout: 15_000, message: () => `output to flow again (${received} bytes)`});
	} finally {
		child.kill('SIGTERM');
		child.stdout.resume();
		await new Promise(resolve => child.on('close', resolve));
	}
});
