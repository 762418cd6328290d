// The Node client inside real frameworks under the real devtui CLI: Express (the client owns the
// stop), Fastify stopped by close-with-grace (the app owns it), and a plain node:http server with its
// own SIGTERM listener. Each restart must carry the state saved in onShutdown, let the app's own
// graceful close run, and print no stack; when process.exit() cuts the handler short the client
// says so once. The fixtures import the built client: `npm run build` first (npm test does).

import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {acrossRestart, expectGracefulRestart, expectQuiet, fixturesDir, startFramework, type FrameworkApp} from '../fixtures/apps/framework-run.js';
import {cleanupRuns} from '../fixtures/apps/proto-json-run.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const node = (fixture: string) => () => [process.execPath, path.join(fixturesDir, fixture)];

const lineIndex = (app: FrameworkApp, text: string): number => app.output().indexOf(text);

describe('Express', () => {
	it('the handler owns the stop: the server closes gracefully (a request in flight answered), state carried', async () => {
		const app = await startFramework({command: node('fw-express.mjs')});
		const first = await app.serving();
		const {answer, timeline} = await acrossRestart(app, 1);
		expect(answer).toMatchObject({pid: first.pid, hits: 2});
		expectGracefulRestart(app, timeline, first.pid);
		expect(timeline.phases.filter(phase => phase.source === 'app').map(phase => phase.name)).toEqual(['http', 'state']);
		expect(app.output()).toContainEqual(expect.stringMatching(/^app: saved hits=2 source=(message|signal) signal=(undefined|SIGTERM)$/));
		expect(await app.get()).toMatchObject({hits: 3, boots: 2});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});
});

describe('Fastify with close-with-grace', () => {
	it("runShutdown() as an onClose hook: close-with-grace and Fastify's hooks run, then the handler to its end", async () => {
		const app = await startFramework({command: node('fw-fastify.mjs'), env: {FW_HOOK: '1'}});
		const first = await app.serving();
		const timeline = await app.restart(1);
		expectGracefulRestart(app, timeline, first.pid);
		const saved = lineIndex(app, 'app: saved hits=1 source=message signal=SIGTERM');
		expect(lineIndex(app, 'app: close-with-grace: SIGTERM, closing fastify')).toBeGreaterThanOrEqual(0);
		expect(lineIndex(app, 'app: fastify onClose hook: closing the database')).toBeGreaterThanOrEqual(0);
		expect(saved).toBeGreaterThan(lineIndex(app, 'app: close-with-grace: SIGTERM, closing fastify'));
		expect(await app.get()).toMatchObject({hits: 2, boots: 2});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});

	it('without the hook, process.exit() cuts the async handler short: the client says so once, on stderr', async () => {
		const app = await startFramework({command: node('fw-fastify.mjs')});
		const first = await app.serving();
		await app.restart(1);
		// close-with-grace ran Fastify's close and exited 0; the handler had not saved yet.
		expect(app.devtui.of('run/exited').find(event => event.pid === first.pid)).toMatchObject({code: 0, forced: false});
		expect(lineIndex(app, 'app: fastify onClose hook: closing the database')).toBeGreaterThanOrEqual(0);
		expect(app.devtui.of('app/state-saved')).toEqual([]);
		const warnings = app.clientWarnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/^devtui client: the app exited \(process\.exit\) while its shutdown handler was still running.*runShutdown\(\)/);
		const stderr = app.devtui.of('run/output').filter(event => event.pid === first.pid && event.stream === 'stderr');
		expect(stderr.flatMap(event => event.lines)).toEqual(warnings);
		expect(await app.serving()).toMatchObject({boots: 1});
		expect(await app.quit()).toBe(0);
		expect(app.clientWarnings()).toHaveLength(2); // one per instance
	});
});

describe('node:http with its own SIGTERM listener', () => {
	it('the app closes its server and the loop empties: the handler runs then, state carried, exit 0', async () => {
		const app = await startFramework({command: node('fw-http-own.mjs')});
		const first = await app.serving();
		const timeline = await app.restart(1);
		expectGracefulRestart(app, timeline, first.pid);
		const closed = lineIndex(app, 'app: server closed');
		expect(lineIndex(app, 'app: own SIGTERM listener: closing the server')).toBeGreaterThanOrEqual(0);
		expect(closed).toBeGreaterThanOrEqual(0);
		expect(lineIndex(app, 'app: saved hits=1 source=message signal=SIGTERM')).toBeGreaterThan(closed);
		await waitFor(async () => (await app.get()).boots === 2 || undefined, {message: 'the second instance'});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});
});
