// The Node client (devtui/client) against a real control server, in a real app process. The app
// imports the built client, so `npm run build` must have run (npm test does).

import {existsSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {clientSuite} from '../fixtures/apps/client-suite.js';
import {repoRoot} from '../helpers/run-cli.js';

const built = path.join(repoRoot, 'dist/src/client/index.js');

describe('node client', () => {
	beforeAll(() => {
		if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first`);
	});

	const context = clientSuite({
		command: [process.execPath, path.join(repoRoot, 'test/fixtures/apps/client-app.mjs')],
		clientName: /^devtui-node\/\d+\.\d+\.\d+$/,
		phaseError: 'Error: boom',
		deadline: ms => ms,
		listenApp: [process.execPath, path.join(repoRoot, 'test/fixtures/apps/listen-http.mjs')],
	});

	it('never keeps a finished app alive', async () => {
		const script = `import(${JSON.stringify(built)}).then(client => { client.ready(); client.phase('x', () => 1); })`;
		const run = context.harness().start([process.execPath, '-e', script]);
		expect(await run.exit).toEqual({code: 0, signal: null});
		expect(run.stderr).toEqual([]);
	});

	it("stops the app itself when signal-exit's listener is the only other one (it never stops an app)", async () => {
		const run = context.start(['--signal-exit']);
		await run.waitForSaid('running');
		process.kill(run.pid, 'SIGTERM');
		expect(await run.exit).toEqual({code: 0, signal: null});
		expect(run.said('shutdown')[0]).toMatchObject({source: 'signal', signal: 'SIGTERM'});
		expect(run.said('saved')).toHaveLength(1);
		expect(run.said('signal-exit')).toHaveLength(1); // its exit hook still ran
		expect(run.stderr.join('\n')).toBe('');
	});
});
