// The Python client (devtui_client.py) against a real control server, in a real python3 process
// found through pythonClientDir(), as devtui will put it on PYTHONPATH.

import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {pythonClientDir} from '../../src/session/python-path.js';
import {clientSuite} from '../fixtures/apps/client-suite.js';
import {repoRoot} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

const clientFile = path.join(pythonClientDir(), 'devtui_client.py');

describe('python client', () => {
	const context = clientSuite({
		command: ['python3', path.join(repoRoot, 'test/fixtures/apps/client-app.py')],
		env: {PYTHONPATH: pythonClientDir(), PYTHONDONTWRITEBYTECODE: '1'},
		clientName: /^devtui-python\/\d+\.\d+\.\d+$/,
		phaseError: 'ValueError: boom',
		deadline: ms => ms / 1000,
		listenApp: ['python3', path.join(repoRoot, 'test/fixtures/apps/listen-http.py')],
	});

	it('is found next to the sources and parses as Python 3.8', () => {
		expect(pythonClientDir()).toBe(path.join(repoRoot, 'src/client/python'));
		const check = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 8))', clientFile], {
			encoding: 'utf8',
		});
		expect(check.stderr).toBe('');
		expect(check.status).toBe(0);
		expect(readFileSync(clientFile, 'utf8')).not.toMatch(/^\s*(match|case) .*:$/m);
	});

	it('never keeps a finished app alive', async () => {
		const run = context.harness().start(['python3', '-c', 'import devtui_client as d; d.ready()'], {
			env: {PYTHONPATH: pythonClientDir(), PYTHONDONTWRITEBYTECODE: '1'},
		});
		expect(await run.exit).toEqual({code: 0, signal: null});
		expect(run.stderr).toEqual([]);
		await waitFor(() => context.harness().messages.some(message => message.type === 'ready'), {message: 'the ready message'});
	});

	it('exits after the grace period when the app leaves a thread running, saying which', async () => {
		const run = context.start(['--leak-thread']);
		await run.waitForSaid('running');
		process.kill(run.pid, 'SIGTERM');
		expect(await run.exit).toEqual({code: 0, signal: null});
		expect(run.said('saved')).toHaveLength(1);
		expect(run.stderr.join('\n')).toMatch(/threads still run.*leaked/);
	});

	it('does not hand the connection or the handler to a forked child', async () => {
		const run = context.start(['--fork']);
		await run.waitForSaid('running');
		const child = (await run.waitForSaid('child')) as number;
		process.kill(-run.pid, 'SIGTERM');
		expect(await run.exit).toEqual({code: 0, signal: null});
		expect(run.said('shutdown')).toHaveLength(1);
		await waitFor(
			() => {
				try {
					process.kill(child, 0);
					return false;
				} catch {
					return true;
				}
			},
			{timeout: 15_000, message: 'the forked child to die of the stop signal'},
		);
		const hellos = context.harness().messages.filter(message => message.type === 'hello');
		expect(hellos.map(message => message.from)).toEqual([run.pid]);
	});

	it('says once, at ready(), that the handler cannot run when SIGTERM was reset to its default', async () => {
		const run = context.start(['--reset-sigterm']);
		await run.waitForSaid('running');
		await waitFor(() => run.stderr.length > 0, {message: 'the warning'});
		process.kill(run.pid, 'SIGTERM');
		expect(await run.exit).toEqual({code: null, signal: 'SIGTERM'});
		expect(run.stderr).toHaveLength(1);
		expect(run.stderr[0]).toMatch(
			/^devtui_client: the shutdown handler cannot run: SIGTERM's handler was reset to the default since on_shutdown\(\) set it up, so the stop signal ends the process at once/,
		);
		expect(run.said('shutdown')).toEqual([]);
	});

	it('says nothing when devtui is not there', async () => {
		const run = context.start(['--reset-sigterm'], {devtui: false});
		await run.waitForSaid('running');
		process.kill(run.pid, 'SIGTERM');
		expect(await run.exit).toEqual({code: null, signal: 'SIGTERM'});
		expect(run.stderr).toEqual([]);
	});
});
