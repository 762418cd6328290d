// devtui killed: however devtui ends (SIGKILL, SIGTERM, SIGHUP, its terminal closed), the app it
// started is gone within 2 s. The app ignores SIGTERM and has a grandchild that ignores it too, so
// only a real kill of the whole group works. Every process carrying a DEVTUI_INSTANCE issued by
// that devtui is checked, found by scanning /proc.

import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runCli, cliPath, type CliRun} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {startTerminal, type Terminal} from '../helpers/terminal.js';
import {waitFor} from '../helpers/wait-for.js';
import {describeProcesses, processesOfDevtui} from './proc-scan.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const project = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-rel-kill-'));
	cpSync(fixture('stubborn.mjs'), path.join(dir, 'stubborn.mjs'));
	cpSync(fixture('daemonizer.mjs'), path.join(dir, 'daemonizer.mjs'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
};

const start = (cwd: string, app = 'stubborn.mjs'): CliRun => {
	const run = runCli(['--no-tui', '--timeout', '1000', '--', 'node', app], {cwd});
	cleanups.push(async () => {
		run.kill('SIGKILL');
		await run.exit;
		// Whatever a failed case left behind must not outlive it.
		for (const info of processesOfDevtui(run.child.pid!)) process.kill(info.pid, 'SIGKILL');
	});
	return run;
};

/** Waits for every process of that devtui to be gone and returns how long it took from `since`. */
const goneWithin = async (devtuiPid: number, since: number): Promise<number> => {
	await waitFor(() => processesOfDevtui(devtuiPid).length === 0, {
		timeout: 10_000,
		interval: 10,
		message: () => `the app to be gone; alive:\n${describeProcesses(processesOfDevtui(devtuiPid))}`,
	});
	return Date.now() - since;
};

describe('devtui killed: the app is gone within 2 s', () => {
	for (const signal of ['SIGKILL', 'SIGTERM', 'SIGHUP'] as const) {
		it(`${signal} to devtui (app and grandchild ignore SIGTERM)`, async () => {
			const run = start(project());
			await run.waitForLine(/GRANDCHILD/);
			const devtui = run.child.pid!;
			expect(processesOfDevtui(devtui).length).toBeGreaterThanOrEqual(2);
			const killedAt = Date.now();
			run.kill(signal);
			const ms = await goneWithin(devtui, killedAt);
			console.log(`[reliability] devtui-killed/${signal}: app gone ${ms} ms after the signal`);
			expect(ms).toBeLessThan(2000);
			await run.exit;
		});
	}

	it('closing its terminal (tmux kill-session), headless and with the dashboard', async () => {
		const cwd = project();
		for (const mode of [['--no-tui'], []]) {
			const terminal: Terminal = await startTerminal({command: [process.execPath, cliPath, ...mode, '--timeout', '1000', '--', 'node', 'stubborn.mjs'], cwd});
			cleanups.push(() => terminal.close());
			const devtui = terminal.pid();
			await waitFor(() => processesOfDevtui(devtui).length >= 2, {timeout: 15_000, message: 'the app and its grandchild to start'});
			const closedAt = Date.now();
			await terminal.closeTerminal();
			const ms = await goneWithin(devtui, closedAt);
			console.log(`[reliability] devtui-killed/terminal-closed${mode.length ? ' (headless)' : ' (dashboard)'}: app gone ${ms} ms after the terminal closed`);
			expect(ms).toBeLessThan(2000);
		}
	}, 60_000);

	// The graceful paths scan for the instance marker and reach a descendant that escaped to its own
	// session; the watchdog that acts when devtui is SIGKILLed only knows the app's process group.
	it('SIGTERM to devtui: a grandchild that escaped to a new session goes too', async () => {
		const run = start(project(), 'daemonizer.mjs');
		await run.waitForLine(/ESCAPED/);
		const devtui = run.child.pid!;
		const killedAt = Date.now();
		run.kill('SIGTERM');
		const ms = await goneWithin(devtui, killedAt);
		console.log(`[reliability] devtui-killed/SIGTERM-with-escapee: all gone ${ms} ms after the signal`);
		expect(ms).toBeLessThan(2000);
	});

	// The watchdog knows the app's DEVTUI_INSTANCE marker, so it reaches an escapee too.
	it('SIGKILL to devtui: a grandchild that escaped to a new session is gone within 2 s too', async () => {
		const run = start(project(), 'daemonizer.mjs');
		await run.waitForLine(/ESCAPED/);
		const devtui = run.child.pid!;
		const killedAt = Date.now();
		run.kill('SIGKILL');
		await waitFor(() => processesOfDevtui(devtui).length === 0, {timeout: 3000, interval: 10, message: 'the escapee to be gone'});
		expect(Date.now() - killedAt).toBeLessThan(2000);
	});
});
