// The bundled examples under the real devtui CLI, in temp copies: real Python and Node servers,
// real file edits, real restarts, and their state read back over loopback HTTP.

import {appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, freePort, startJson, tempDir, trackRun} from '../fixtures/apps/proto-json-run.js';
import {repoRoot, runCli} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

interface ApiState {
	self_state: {ticks: number; started_at: number; restarts: number};
	event_queue: number;
	pid: number;
	restart: number;
}

const APP_PHASES = ['api_server', 'runtime_loop', 'event_queue', 'state'];

const copyExample = (name: string): string => {
	const dir = tempDir(`devtui-example-${name}-`);
	cpSync(path.join(repoRoot, 'examples', name), dir, {
		recursive: true,
		filter: source => !/[/\\](\.devtui|__pycache__|node_modules)$/.test(source),
	});
	return dir;
};

const getState = async (port: number): Promise<ApiState> => {
	const response = await fetch(`http://127.0.0.1:${port}/state`, {signal: AbortSignal.timeout(5000)});
	expect(response.status).toBe(200);
	return (await response.json()) as ApiState;
};

// Asks the app itself which instance serves; `until` also waits for the runtime loop to tick, so that every restart has a count to carry.
const stateOf = (port: number, restart: number, until: (state: ApiState) => boolean = () => true): Promise<ApiState> =>
	waitFor(
		async () => {
			const state = await getState(port);
			return state.restart === restart && until(state) ? state : undefined;
		},
		{timeout: 20_000, message: `GET /state from restart ${restart}`},
	);

const tickedPast = (ticks: number) => (state: ApiState) => state.self_state.ticks > ticks;

describe('examples/python-api under devtui', () => {
	it('carries its state across 20 restarts and shows every shutdown phase in the timeline', {timeout: 120_000}, async () => {
		const dir = copyExample('python-api');
		const port = await freePort();
		// The example's config holds port 8765 ("listen"); the test holds its own free port instead.
		const devtui = startJson(['--listen', String(port)], {cwd: dir, env: {PORT: String(port)}});
		await devtui.waitForEvent('watch/ready');
		const first = await stateOf(port, 0, tickedPast(0));
		let previous = first;
		for (let restart = 1; restart <= 20; restart++) {
			appendFileSync(path.join(dir, 'main_server_api.py'), `# edit ${restart}\n`);
			const timeline = await devtui.completed(restart, 30_000);
			expect(timeline.outcome).toBe('ready');
			expect(timeline.forced).toBe(false);
			const app = timeline.phases.filter(phase => phase.source === 'app');
			expect(app.map(phase => phase.name)).toEqual(APP_PHASES);
			for (const phase of app) {
				expect(phase.durationMs).toBeGreaterThanOrEqual(0);
				// Not 'ok' only: devtui can see the group gone before it reads the app's last messages
				// (a known race, see the report), which marks the last phase 'interrupted'.
				expect(phase.outcome).not.toBe('failed');
			}
			const state = await stateOf(port, restart);
			expect(state.pid).not.toBe(previous.pid);
			expect(state.self_state.ticks).toBeGreaterThanOrEqual(previous.self_state.ticks);
			expect(state.self_state.restarts).toBe(restart);
			expect(state.self_state.started_at).toBe(first.self_state.started_at);
			previous = await stateOf(port, restart, tickedPast(state.self_state.ticks));
		}
		expect(previous.self_state.ticks).toBeGreaterThanOrEqual(first.self_state.ticks + 20);
		// Every restart was announced by the app itself (restartArg on), and every start, the first
		// one included, was ready by its client (not by the held socket it accepts on).
		expect(devtui.output().filter(line => /restoring: ticks=\d+/.test(line))).toHaveLength(20);
		expect(devtui.of('run/spawned').slice(1).every(event => event.command.at(-1) === '--restart')).toBe(true);
		expect(devtui.of('app/ready').map(event => [event.restart, event.source])).toEqual(Array.from({length: 21}, (_, restart) => [restart, 'client']));
		expect(devtui.of('state/validated')).toHaveLength(20);
		expect(devtui.of('state/invalid')).toEqual([]);
		const saved = JSON.parse(readFileSync(path.join(dir, '.devtui/restart_state.json'), 'utf8')) as Record<string, unknown> & {
			self_state: {ticks: number};
		};
		expect(saved.restart_marker).toBe(true);
		expect(typeof saved.timestamp).toBe('number');
		expect(Object.keys(saved).sort()).toEqual(['config', 'event_queue', 'restart_marker', 'self_state', 'timestamp']);
		expect(saved.self_state.ticks).toBeLessThanOrEqual(previous.self_state.ticks);
		expect(saved.self_state.ticks).toBeGreaterThanOrEqual(first.self_state.ticks);
		expect(devtui.run.stderr).toEqual([]);
	});
});

describe('examples/node-api under devtui', () => {
	it('carries its state across restarts and logs pino-format JSON lines on stdout', {timeout: 60_000}, async () => {
		const dir = copyExample('node-api');
		// As in a project that installed devtui: `devtui/client` resolves through node_modules.
		mkdirSync(path.join(dir, 'node_modules'));
		symlinkSync(repoRoot, path.join(dir, 'node_modules/devtui'), 'dir');
		const port = await freePort();
		const run = trackRun(runCli(['--no-tui', '--listen', String(port)], {cwd: dir, env: {PORT: String(port)}}));
		await run.waitForLine(/\[devtui\] watching/);
		const first = await stateOf(port, 0, tickedPast(0));
		let previous = first;
		for (let restart = 1; restart <= 3; restart++) {
			appendFileSync(path.join(dir, 'server.mjs'), `// edit ${restart}\n`);
			await run.waitForLine(new RegExp(`\\[devtui\\] restart #${restart} ready in .*api_server .*runtime_loop .*event_queue .*state `), {timeout: 20_000});
			const state = await stateOf(port, restart);
			expect(state.self_state.ticks).toBeGreaterThanOrEqual(previous.self_state.ticks);
			expect(state.self_state.restarts).toBe(restart);
			expect(state.self_state.started_at).toBe(first.self_state.started_at);
			previous = await stateOf(port, restart, tickedPast(state.self_state.ticks));
		}
		// The app's stdout passes through untouched: every line is one of its pino-format records.
		const records = run.stdout.map(line => JSON.parse(line) as Record<string, unknown>);
		for (const record of records) {
			expect(record).toMatchObject({level: 30, pid: expect.any(Number), hostname: expect.any(String), msg: expect.any(String)});
			expect(typeof record.time).toBe('number');
		}
		expect(records.filter(record => record.msg === 'restoring').map(record => record.ticks)).toHaveLength(3);
		expect(records.filter(record => record.msg === 'saved')).toHaveLength(3);
		expect(new Set(records.map(record => record.pid)).size).toBe(4);
		// devtui's own lines go to stderr.
		expect(run.stderr.join('\n')).toMatch(/\[devtui\] state saved: .*3 keys/);
	});
});

describe('examples/stack under devtui', () => {
	it('runs both examples as services, the web once the api is ready, each restarted on its own saves', {timeout: 60_000}, async () => {
		const root = tempDir('devtui-example-stack-');
		for (const name of ['stack', 'python-api', 'node-api']) {
			cpSync(path.join(repoRoot, 'examples', name), path.join(root, name), {recursive: true, filter: source => !/[/\\](\.devtui|__pycache__|node_modules)$/.test(source)});
		}
		mkdirSync(path.join(root, 'node-api', 'node_modules'));
		symlinkSync(repoRoot, path.join(root, 'node-api', 'node_modules/devtui'), 'dir');
		// The example holds ports 8765 and 8766; the test holds free ones instead.
		const [apiPort, webPort] = [await freePort(), await freePort()];
		const configFile = path.join(root, 'stack', 'devtui.config.json');
		const config = JSON.parse(readFileSync(configFile, 'utf8')) as {services: Record<string, Record<string, unknown>>};
		config.services['api'] = {...config.services['api'], listen: [apiPort], env: {PORT: String(apiPort)}};
		config.services['web'] = {...config.services['web'], listen: [webPort], env: {PORT: String(webPort)}};
		writeFileSync(configFile, JSON.stringify(config));

		const run = trackRun(runCli([], {cwd: path.join(root, 'stack')}));
		await run.waitForLine(/^web \| \[devtui\] watching/, {timeout: 20_000});
		const [api, web] = [await stateOf(apiPort, 0, tickedPast(0)), await stateOf(webPort, 0, tickedPast(0))];
		expect(run.all.findIndex(line => /^api \| \[devtui\] first start ready/.test(line))).toBeLessThan(run.all.findIndex(line => /^web \| \[devtui\] started pid/.test(line)));

		appendFileSync(path.join(root, 'python-api', 'main_server_api.py'), '# edit\n');
		await run.waitForLine(/^api \| \[devtui\] restart #1 ready in /, {timeout: 20_000});
		const apiAfter = await stateOf(apiPort, 1);
		expect(apiAfter.self_state.ticks).toBeGreaterThanOrEqual(api.self_state.ticks);
		expect((await getState(webPort)).pid).toBe(web.pid);
		expect(run.lines(/^web \| \[devtui\] (stopping|restart #)/)).toEqual([]);
		// Each service's state file of its own, in the stack's .devtui/ (the web's is written when it first stops).
		expect(existsSync(path.join(root, 'stack', '.devtui', 'api', 'restart_state.json'))).toBe(true);
		expect(existsSync(path.join(root, 'stack', '.devtui', 'web', 'restart_state.json'))).toBe(false);

		run.kill('SIGINT');
		expect((await run.exit).code).toBe(0);
		expect(existsSync(path.join(root, 'stack', '.devtui', 'web', 'restart_state.json'))).toBe(true);
		// The web stopped first: it depends on the api.
		expect(run.all.findLastIndex(line => /^web \| \[devtui\] pid \d+ stopped/.test(line))).toBeLessThan(
			run.all.findLastIndex(line => /^api \| \[devtui\] pid \d+ stopped/.test(line)),
		);
	});
});
