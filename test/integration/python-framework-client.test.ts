// The Python client inside real frameworks under the real devtui CLI: Debian's uvicorn (FastAPI),
// hypercorn (Starlette), aiohttp and gunicorn (Flask), run by /usr/bin/python3, which has them
// (.ci/run installs them; pyenv's python3 on PATH does not). Each restart must carry the state the
// app saved in on_shutdown, let the framework's own graceful shutdown run (its log lines, a request
// in flight answered), and print no traceback; when the client cannot run the handler at all it
// says so once.

import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {
	acrossRestart,
	expectGracefulRestart,
	expectQuiet,
	fixturesDir,
	startFramework,
	waitForLine,
	type FrameworkApp,
} from '../fixtures/apps/framework-run.js';
import {cleanupRuns} from '../fixtures/apps/proto-json-run.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const PYTHON = '/usr/bin/python3';
const uvicorn = (port: number) => [PYTHON, '-m', 'uvicorn', '--app-dir', fixturesDir, 'fw_fastapi:app', '--port', String(port)];

/** The restart both FastAPI tests go through: a hit, a slow request across the restart, a hit after. */
const restartUvicorn = async (app: FrameworkApp) => {
	const first = await app.serving();
	await app.get();
	const {answer, timeline} = await acrossRestart(app, 1);
	expect(answer).toMatchObject({pid: first.pid, hits: 3});
	expectGracefulRestart(app, timeline, first.pid);
	// uvicorn's own graceful shutdown ran to its end, and the handler after it.
	const lines = app.output();
	const finished = lines.findIndex(line => line.includes(`Finished server process [${first.pid}]`));
	expect(lines.some(line => line.includes('Waiting for application shutdown.'))).toBe(true);
	expect(finished).toBeGreaterThanOrEqual(0);
	expect(lines.findIndex(line => line.startsWith('app: saved hits=3'))).toBeGreaterThan(finished);
	const second = await app.get();
	expect(second).toMatchObject({hits: 4, boots: 2});
	expect(second.pid).not.toBe(first.pid);
	return second;
};

describe('FastAPI under uvicorn', () => {
	it('on_shutdown at import (uvicorn replaces the handler): state carried, uvicorn drains, no traceback', async () => {
		const app = await startFramework({command: uvicorn});
		const second = await restartUvicorn(app);
		expect(app.output()).toContain('app: saved hits=3 source=message signal=None');
		expect(await app.quit()).toBe(0);
		expect(app.devtui.of('run/exited').find(event => event.pid === second.pid)).toMatchObject({code: 0, forced: false});
		expect(app.output()).toContain('app: saved hits=4 source=message signal=None');
		expectQuiet(app);
	});

	it('on_shutdown in the startup event (over uvicorn\'s handler): the same, and uvicorn still gets the signal', async () => {
		const app = await startFramework({command: uvicorn, env: {FW_REGISTER: 'startup'}});
		await restartUvicorn(app);
		// The client saw the signal (and passed it on to uvicorn): the message that came right before
		// it may be read first or second.
		expect(app.output()).toContainEqual(expect.stringMatching(/^app: saved hits=3 source=(message|signal) signal=SIGTERM$/));
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});

	it("runs the handler before the force kill when uvicorn's shutdown never ends, and says so once", async () => {
		const app = await startFramework({command: uvicorn, timeoutMs: 3000});
		const first = await app.serving();
		// A response that never ends keeps uvicorn "Waiting for connections to close" for ever.
		const stream = app.get('/stream', 10_000).catch(() => undefined);
		await waitForLine(app, /GET \/stream/);
		const timeline = await app.restart(1);
		expect(timeline.forced).toBe(false);
		expect(app.devtui.of('run/exited').find(event => event.pid === first.pid)).toMatchObject({code: 0, forced: false});
		expect(app.devtui.of('app/state-saved').filter(event => event.pid === first.pid)).toHaveLength(1);
		const warnings = app.clientWarnings();
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/still stopping 2\.\d s after devtui asked it to; ran the shutdown handler now and exited/);
		expect(await app.get()).toMatchObject({hits: first.hits + 1, boots: 2});
		await stream;
		expect(await app.quit()).toBe(0);
	});
});

describe('Starlette under hypercorn', () => {
	it('devtui_client.lifespan() around the app\'s own: ready, handler after the own teardown, state carried', async () => {
		const app = await startFramework({
			command: port => [PYTHON, '-m', 'hypercorn', '--bind', `127.0.0.1:${port}`, path.join(fixturesDir, 'fw_starlette.py:app')],
		});
		const first = await app.serving();
		await app.get();
		const timeline = await app.restart(1);
		expectGracefulRestart(app, timeline, first.pid);
		// lifespan() sent ready after the app's own startup.
		expect(app.devtui.of('app/ready').filter(event => event.source === 'client').length).toBeGreaterThanOrEqual(1);
		const lines = app.output();
		expect(lines).toContain('app: saved hits=2 source=message signal=None');
		expect(lines.indexOf('app: saved hits=2 source=message signal=None')).toBeGreaterThan(lines.indexOf('app: own lifespan ended'));
		expect(await app.get()).toMatchObject({hits: 3, boots: 2});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});
});

describe('aiohttp web.run_app', () => {
	it('on_shutdown at import (aiohttp raises GracefulExit on SIGTERM): handler after aiohttp\'s cleanup, state carried', async () => {
		const app = await startFramework({command: () => [PYTHON, path.join(fixturesDir, 'fw-aiohttp.py')]});
		const first = await app.serving();
		await app.get();
		const timeline = await app.restart(1);
		expectGracefulRestart(app, timeline, first.pid);
		const lines = app.output();
		expect(lines).toContain('app: saved hits=2 source=message signal=None');
		expect(lines.indexOf('app: saved hits=2 source=message signal=None')).toBeGreaterThan(lines.indexOf('app: aiohttp cleanup ran'));
		expect(await app.get()).toMatchObject({hits: 3, boots: 2});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});
});

describe('Flask under gunicorn', () => {
	it("on_shutdown over the sync worker's own handler: the worker stops the gunicorn way, state carried", async () => {
		const app = await startFramework({
			command: port => [PYTHON, '-m', 'gunicorn', '--chdir', fixturesDir, '--bind', `127.0.0.1:${port}`, '--workers', '1', 'fw_flask:app'],
		});
		const first = await app.serving();
		await app.get();
		const timeline = await app.restart(1);
		expect(timeline.outcome).toBe('ready');
		expect(timeline.forced).toBe(false);
		expect(timeline.phases.filter(phase => phase.source === 'app').map(phase => phase.name)).toContain('state');
		// The worker (first.pid) spoke for the app; the master led the group devtui stopped.
		expect(app.devtui.of('app/state-saved').filter(event => event.pid === first.pid)).toHaveLength(1);
		expect(app.devtui.of('run/exited')[0]).toMatchObject({code: 0, signal: null, byDevtui: true, forced: false});
		const lines = app.output();
		expect(lines.some(line => line.includes(`Worker exiting (pid: ${first.pid})`))).toBe(true);
		expect(lines.some(line => line.includes('Shutting down: Master'))).toBe(true);
		expect(lines).toContain('app: saved hits=2 source=message signal=SIGTERM');
		expect(await app.serving()).toMatchObject({boots: 2});
		expect(await app.quit()).toBe(0);
		expectQuiet(app);
	});
});

describe('an app the client cannot take part in', () => {
	it('on_shutdown off the main thread with nothing handling SIGTERM: one warning per instance, on stderr', async () => {
		const app = await startFramework({command: () => [PYTHON, path.join(fixturesDir, 'fw-thread-setup.py')]});
		const first = await app.serving();
		await waitForLine(app, /devtui_client: /);
		const warning = /^devtui_client: the shutdown handler cannot run: on_shutdown\(\) was called off the main thread, .* nothing in the app handles SIGTERM, so the stop signal ends the process at once/;
		expect(app.clientWarnings()).toHaveLength(1);
		expect(app.clientWarnings()[0]).toMatch(warning);
		expect(app.devtui.of('run/output').some(event => event.stream === 'stderr' && event.lines.some(line => warning.test(line)))).toBe(true);
		await app.restart(1);
		// Killed by the signal, as the warning said, so nothing was saved.
		expect(app.devtui.of('run/exited').find(event => event.pid === first.pid)).toMatchObject({signal: 'SIGTERM'});
		expect(app.devtui.of('app/state-saved')).toEqual([]);
		const second = await app.serving();
		expect(second).toMatchObject({boots: 1, hits: 1});
		await waitFor(() => app.clientWarnings().length === 2 || undefined, {timeout: 10_000, message: "the second instance's warning"});
		expect(app.clientWarnings().every(line => warning.test(line))).toBe(true);
		await app.quit();
	});
});
