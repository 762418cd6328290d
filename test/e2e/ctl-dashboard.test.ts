// devtui ctl against the dashboard in a real terminal (tmux): the same socket and verbs as
// headless, and what ctl does shows on the dashboard.

import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, runCli} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {startTerminal, type Terminal} from '../helpers/terminal.js';

const terminals: Terminal[] = [];
afterEach(async () => {
	await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
});

const ctl = async (cwd: string, ...argv: string[]) => {
	const run = runCli(['ctl', ...argv], {cwd});
	const {code} = await run.exit;
	return {code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n')};
};

describe('devtui ctl and the dashboard', () => {
	it('status, hold, logs and wait-ready work while the dashboard runs, and the hold shows on it', async () => {
		const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-e2e-ctl-'));
		cpSync(fixture('ready.mjs'), path.join(cwd, 'app.mjs'));
		const terminal = await startTerminal({command: [process.execPath, cliPath, '--', 'node', 'app.mjs'], cwd, columns: 100, rows: 30});
		terminals.push(terminal);
		await terminal.waitForScreen(/READY pid=\d+ restart=0/, {timeout: 15_000});
		expect(await ctl(cwd, 'wait-ready', '--timeout', '15000')).toMatchObject({code: 0, stdout: expect.stringMatching(/^app: ready in \d+ ms \(restart #0, pid \d+\)$/)});
		expect((await ctl(cwd, 'status')).stdout).toMatch(/^app +running +\d+ +0 +ready/m);
		// The dashboard reads the app's output through its pipe already: logs have it.
		expect((await ctl(cwd, 'logs', 'app', '--lines', '1')).stdout).toMatch(/^READY pid=\d+ restart=0/);

		expect((await ctl(cwd, 'hold', 'app')).code).toBe(0);
		await terminal.waitForScreen(/held/);
		writeFileSync(path.join(cwd, 'app.mjs'), `${readFileSync(path.join(cwd, 'app.mjs'), 'utf8')}// edit\n`);
		await terminal.waitForScreen(/app\.mjs/);
		expect(await ctl(cwd, 'wait-ready')).toMatchObject({code: 1, stdout: expect.stringContaining('devtui ctl release app')});
		expect((await ctl(cwd, 'release', 'app')).code).toBe(0);
		expect(await ctl(cwd, 'wait-ready', '--timeout', '15000')).toMatchObject({code: 0, stdout: expect.stringMatching(/\(restart #1, pid \d+\)$/)});
		await terminal.waitForScreen(/READY pid=\d+ restart=1/, {timeout: 15_000});
	});
});
