// --listen addresses that cannot be held, with the real CLI: one line on stderr, exit code 2, no
// stack trace, and nothing started (the app never runs, no devtui process is left).

import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {freePort} from '../helpers/free-port.js';
import {runCli, type CliRun} from '../helpers/run-cli.js';

const runs: CliRun[] = [];
const dirs: string[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) run.kill('SIGKILL');
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	for (const server of servers.splice(0)) await new Promise(resolve => server.close(resolve));
});

const runToEnd = async (listen: string) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-listen-bad-'));
	dirs.push(dir);
	// The app would leave a file behind if it ever started.
	const run = runCli(['--no-tui', '--listen', listen, '--', 'sh', '-c', 'touch started; sleep 30'], {cwd: dir});
	runs.push(run);
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`devtui --listen ${listen} still running after 30 s:\n${run.all.join('\n')}`)), 30_000);
	});
	try {
		const exit = await Promise.race([run.exit, deadline]);
		return {...exit, stdout: run.stdout, stderr: run.stderr, started: existsSync(path.join(dir, 'started'))};
	} finally {
		clearTimeout(timer);
	}
};

const occupied = async (): Promise<number> => {
	const port = await freePort();
	const server = net.createServer();
	servers.push(server);
	await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
	return port;
};

describe('devtui --listen with an address it cannot hold', () => {
	it.each([
		{name: 'a port already in use', listen: async () => String(await occupied()), expected: /^devtui: --listen \d+: 127\.0\.0\.1:\d+ is already in use \(stop what listens there, or pick another port\)$/},
		{name: 'an address of another machine', listen: async () => `192.0.2.1:${await freePort()}`, expected: /^devtui: --listen 192\.0\.2\.1:\d+: 192\.0\.2\.1 is not an address of this machine/},
		{name: 'a host that does not resolve', listen: async () => 'no-such-host.invalid:8000', expected: /^devtui: --listen no-such-host\.invalid:8000: cannot resolve host "no-such-host\.invalid" \(\w+\)$/},
	])('$name: one line, exit code 2, the app never starts', {timeout: 60_000}, async ({listen, expected}) => {
		const result = await runToEnd(await listen());
		expect(result.code).toBe(2);
		expect(result.stderr).toHaveLength(1);
		expect(result.stderr[0]).toMatch(expected);
		expect(result.stdout).toEqual([]);
		expect(result.started).toBe(false);
	});
});
