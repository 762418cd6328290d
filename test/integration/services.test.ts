// A real stack end to end, headless, through the built CLI: a Python API (http.server) that needs
// a fake queue (a Node TCP server) to be ready, and a Node frontend that needs the API started.
// Real processes, real saves, real signals; processes are counted in /proc, not taken on trust.

import {appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {freePort} from '../helpers/free-port.js';
import {isAlive} from '../helpers/process-alive.js';
import {repoRoot, runCli, type CliRun} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';
import {descendantsOf, processesOfDevtui} from '../reliability/proc-scan.js';

const fixtures = path.join(repoRoot, 'test/fixtures/stack');
const PYTHON = '/usr/bin/python3';

const runs: CliRun[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.kill('SIGKILL');
		await run.exit;
	}
});

const start = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun => {
	const run = runCli(args, {cwd, env});
	runs.push(run);
	return run;
};

interface Stack {
	dir: string;
	queuePort: number;
	apiPort: number;
}

/** queue (ready) <- api (started, restart) <- web, each in a directory of its own. */
const stackProject = async ({queueEnv = {}}: {queueEnv?: Record<string, string>} = {}): Promise<Stack> => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-'));
	for (const [service, file] of [['queue', 'queue.mjs'], ['api', 'api.py'], ['web', 'web.mjs']] as const) {
		mkdirSync(path.join(dir, service));
		cpSync(path.join(fixtures, file), path.join(dir, service, file));
	}
	const queuePort = await freePort();
	const apiPort = await freePort();
	const config = {
		services: {
			web: {command: ['node', 'web.mjs'], cwd: 'web', dependsOn: {api: {condition: 'started', restart: true}}},
			api: {command: [PYTHON, 'api.py'], cwd: 'api', env: {QUEUE_PORT: queuePort, API_PORT: apiPort}, dependsOn: {queue: 'ready'}},
			queue: {command: ['node', 'queue.mjs'], cwd: 'queue', env: {QUEUE_PORT: queuePort, QUEUE_DELAY_MS: 400, ...queueEnv}},
		},
	};
	writeFileSync(path.join(dir, 'devtui.config.json'), JSON.stringify(config, null, 2));
	return {dir, queuePort, apiPort};
};

const indexOf = (run: CliRun, pattern: RegExp): number => run.all.findIndex(line => pattern.test(line));
const count = (run: CliRun, pattern: RegExp): number => run.lines(pattern).length;

const waitAllUp = async (run: CliRun) => {
	await run.waitForLine(/^queue \| queue ready on/);
	await run.waitForLine(/^api   \| api serving on/);
	await run.waitForLine(/^web   \| web started/);
	for (const service of ['queue', 'api', 'web']) await run.waitForLine(new RegExp(`^${service}\\s+\\| \\[devtui\\] watching `));
};

describe('devtui with services', () => {
	it('starts in dependency order, each when its condition holds, with its name in its environment and on its lines', async () => {
		const {dir} = await stackProject();
		const run = start([], dir);
		await waitAllUp(run);
		expect(run.all[0]).toBe('[devtui] services, in start order: queue, api, web');
		// The API waited for the queue to be ready (it listens 400 ms after its spawn), not merely started.
		expect(run.all).toContain('api   | [devtui] waiting for queue (ready)');
		expect(run.all).toContain('web   | [devtui] waiting for api (started)');
		expect(indexOf(run, /^queue \| queue ready on/)).toBeLessThan(indexOf(run, /^api   \| \[devtui\] started pid/));
		expect(indexOf(run, /^api   \| \[devtui\] started pid/)).toBeLessThan(indexOf(run, /^web   \| \[devtui\] started pid/));
		expect(run.lines(/api: queue unreachable/)).toEqual([]);
		expect(run.lines(/service=queue pid/)).toHaveLength(1);
		expect(run.lines(/api serving on .* service=api pid/)).toHaveLength(1);
		expect(run.lines(/web started service=web pid/)).toHaveLength(1);
	});

	it('restarts only the service whose files were saved, and cascades to the one that asked to restart with it', async () => {
		const {dir} = await stackProject();
		const run = start([], dir);
		await waitAllUp(run);
		appendFileSync(path.join(dir, 'queue', 'queue.mjs'), '// edited\n');
		await run.waitForLine(/^queue \| \[devtui\] restart #1: started pid/);
		await run.waitForLine(/^queue \| queue ready on/, {from: indexOf(run, /^queue \| \[devtui\] restart #1/)});
		// The API depends on the queue without restart: true, the frontend on the API: neither moved.
		expect(count(run, /^api   \| \[devtui\] (stopping|restart #)/)).toBe(0);
		expect(count(run, /^web   \| \[devtui\] (stopping|restart #)/)).toBe(0);

		const before = run.all.length;
		appendFileSync(path.join(dir, 'api', 'api.py'), '# edited\n');
		await run.waitForLine(/^api   \| \[devtui\] restart #1: started pid/, {from: before});
		await run.waitForLine(/^web   \| \[devtui\] restarting because api restarted/, {from: before});
		await run.waitForLine(/^web   \| \[devtui\] restart #1: started pid/, {from: before});
		await run.waitForLine(/^web   \| web started/, {from: indexOf(run, /^web   \| \[devtui\] restart #1/)});
		// The cascade came after the API's new instance, and each service restarted once.
		expect(indexOf(run, /^api   \| \[devtui\] restart #1: started/)).toBeLessThan(indexOf(run, /^web   \| \[devtui\] restarting because api/));
		expect(count(run, /^queue \| \[devtui\] restart #\d+: started/)).toBe(1);
		expect(count(run, /^web   \| \[devtui\] change:/)).toBe(0);
	});

	it('restarts both services, each once, for a change under both their watches', async () => {
		// The frontend also watches the API's directory (a shared schema, say), without cascading.
		const {dir} = await stackProject();
		const file = path.join(dir, 'devtui.config.json');
		const config = JSON.parse(readFileSync(file, 'utf8')) as {services: Record<string, Record<string, unknown>>};
		config.services['web'] = {...config.services['web'], watch: ['.', '../api'], dependsOn: {api: 'started'}};
		writeFileSync(file, JSON.stringify(config));
		const run = start([], dir);
		await waitAllUp(run);
		appendFileSync(path.join(dir, 'api', 'api.py'), '# shared edit\n');
		await run.waitForLine(/^api   \| \[devtui\] restart #1: started pid/);
		await run.waitForLine(/^web   \| \[devtui\] restart #1: started pid/);
		await run.waitForLine(/^api   \| api serving on/, {from: indexOf(run, /^api   \| \[devtui\] restart #1/)});
		expect(run.lines(/^web   \| \[devtui\] change: \.\.\/api\/api\.py \(changed\)/)).toHaveLength(1);
		expect(run.lines(/^api   \| \[devtui\] change: api\.py \(changed\)/)).toHaveLength(1);
		expect(count(run, /\[devtui\] restart #2/)).toBe(0);
		expect(count(run, /^queue \| \[devtui\] (stopping|restart #)/)).toBe(0);
	});

	it('leaves a service waiting, shown as waiting, while a dependency it needs has crashed', async () => {
		const {dir} = await stackProject({queueEnv: {QUEUE_CRASH: '1'}});
		const run = start([], dir);
		await run.waitForLine(/^queue \| \[devtui\] app crashed \(exit code 3\)/);
		await run.waitForLine(/^api   \| \[devtui\] waiting for queue \(ready; queue is down after a failure\)/);
		expect(run.lines(/^queue \| queue: cannot open its journal/)).toHaveLength(1);
		// Nothing downstream was started.
		expect(count(run, /^(api|web)\s+\| \[devtui\] started pid/)).toBe(0);
		expect(processesOfDevtui(run.child.pid!)).toEqual([]);
		// Fixed, the queue comes back and the stack starts behind it.
		writeFileSync(path.join(dir, 'queue', 'queue.mjs'), readFileSync(path.join(fixtures, 'queue.mjs'), 'utf8').replace("process.env.QUEUE_CRASH === '1'", 'false'));
		await run.waitForLine(/^api   \| api serving on/, {timeout: 15_000});
		await run.waitForLine(/^web   \| web started/);
	});

	it('restarts a crashed dependency with its own backoff (restartOnCrash), and starts what waits for it then', async () => {
		const {dir} = await stackProject();
		const file = path.join(dir, 'devtui.config.json');
		const config = JSON.parse(readFileSync(file, 'utf8')) as {services: Record<string, Record<string, unknown>>};
		const queue = config.services['queue']!;
		config.services['queue'] = {...queue, restartOnCrash: true, env: {...(queue['env'] as object), QUEUE_CRASH_ONCE: path.join(dir, 'crashed-once')}};
		writeFileSync(file, JSON.stringify(config));
		const run = start([], dir);
		await run.waitForLine(/^queue \| \[devtui\] app crashed \(exit code 3\) after \d+ ms; restarting in /);
		await run.waitForLine(/^api   \| \[devtui\] waiting for queue \(ready; queue is down after a failure\)/);
		await run.waitForLine(/^queue \| \[devtui\] restart #1: started pid/);
		await run.waitForLine(/^api   \| api serving on/);
		await run.waitForLine(/^web   \| web started/);
		expect(indexOf(run, /^queue \| queue ready on/)).toBeLessThan(indexOf(run, /^api   \| \[devtui\] started pid/));
		expect(run.lines(/api: queue unreachable/)).toEqual([]);
	});

	it('quits in reverse dependency order, each gracefully, and leaves no process behind', async () => {
		const {dir} = await stackProject();
		const run = start([], dir);
		await waitAllUp(run);
		const pids = [/^queue \| queue ready .*pid=(\d+)/, /^api   \| api serving .*pid=(\d+)/, /^web   \| web started .*pid=(\d+)/].map(pattern =>
			Number(pattern.exec(run.lines(pattern)[0]!)![1]),
		);
		const live = processesOfDevtui(run.child.pid!);
		expect(live.map(entry => entry.pid).sort()).toEqual([...pids].sort());
		// Everything devtui runs, the services and its own helpers (a watchdog and an sd_notify relay each).
		const everything = descendantsOf(run.child.pid!);
		expect(everything.length).toBeGreaterThan(pids.length);
		run.kill('SIGINT');
		expect((await run.exit).code).toBe(0);
		const stopped = ['web', 'api', 'queue'].map(service => indexOf(run, new RegExp(`^${service}\\s+\\| ${service} stopping pid`)));
		expect(stopped.every(index => index >= 0)).toBe(true);
		expect([...stopped].sort((a, b) => a - b)).toEqual(stopped);
		// Each stopped on its own SIGTERM, in time, not killed.
		expect(count(run, /force-killed/)).toBe(0);
		await waitFor(() => processesOfDevtui(run.child.pid!).length === 0 && everything.every(pid => !isAlive(pid)), {
			message: () => `every process gone; alive: ${everything.filter(isAlive).join(', ')}`,
		});
	});

	it('force-kills what is still stopping on a second Ctrl-C, and leaves nothing behind', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-'));
		cpSync(path.join(repoRoot, 'test/fixtures/apps/stubborn.mjs'), path.join(dir, 'stubborn.mjs'));
		writeFileSync(
			path.join(dir, 'devtui.config.json'),
			JSON.stringify({services: {base: {command: ['node', 'stubborn.mjs'], timeout: 60_000}, top: {command: ['node', 'stubborn.mjs'], timeout: 60_000, dependsOn: {base: 'started'}}}}),
		);
		const run = start([], dir);
		await run.waitForLine(/^base \| GRANDCHILD/);
		await run.waitForLine(/^top  \| GRANDCHILD/);
		const everything = descendantsOf(run.child.pid!);
		run.kill('SIGINT');
		await run.waitForLine(/^top  \| IGNORED SIGTERM/);
		// The base waits for the top to stop first: it has not been signalled yet.
		expect(run.lines(/^base \| IGNORED SIGTERM/)).toEqual([]);
		run.kill('SIGINT');
		expect((await run.exit).code).toBe(0);
		expect(run.lines(/^top  \| \[devtui\] force-killed process group/)).toHaveLength(1);
		await waitFor(() => processesOfDevtui(run.child.pid!).length === 0 && everything.every(pid => !isAlive(pid)), {
			message: () => `every process gone; alive: ${everything.filter(isAlive).join(', ')}`,
		});
	});

	it('starts a service that waits for a one-shot job once the job has exited 0, and not after it failed', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-'));
		const idle = ['node', '-e', 'console.log(`up ${process.env.DEVTUI_SERVICE}`); setInterval(() => {}, 1000)'];
		writeFileSync(
			path.join(dir, 'devtui.config.json'),
			JSON.stringify({
				services: {
					migrate: {command: 'sleep 0.3; echo migrated'},
					seed: {command: 'echo seed failed >&2; exit 4'},
					api: {command: idle, dependsOn: {migrate: 'completed'}},
					worker: {command: idle, dependsOn: {seed: 'completed'}},
				},
			}),
		);
		const run = start([], dir);
		await run.waitForLine(/^api +\| up api$/);
		await run.waitForLine(/^worker +\| \[devtui\] waiting for seed \(completed; seed is down after a failure\)$/);
		expect(indexOf(run, /^migrate \| \[devtui\] app exited cleanly/)).toBeLessThan(indexOf(run, /^api +\| \[devtui\] started pid/));
		expect(run.lines(/^worker +\| \[devtui\] started/)).toEqual([]);
	});

	it('holds each service\'s --listen socket and state file for it alone, across its restarts', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-'));
		const [onePort, twoPort] = [await freePort(), await freePort()];
		const app = path.join(repoRoot, 'test/fixtures/apps/listen-http.mjs');
		const printState = `console.log('STATE', process.env.DEVTUI_SERVICE, process.env.DEVTUI_STATE_FILE)`;
		mkdirSync(path.join(dir, 'one'));
		mkdirSync(path.join(dir, 'two'));
		writeFileSync(
			path.join(dir, 'devtui.config.json'),
			JSON.stringify({
				services: {
					one: {command: ['sh', '-c', `node -e "${printState}" && exec node ${app}`], cwd: 'one', listen: onePort},
					two: {command: ['sh', '-c', `node -e "${printState}" && exec node ${app}`], cwd: 'two', listen: twoPort},
				},
			}),
		);
		const run = start([], dir);
		await run.waitForLine(/^one \| LISTEN /);
		await run.waitForLine(/^two \| LISTEN /);
		expect(run.lines(/\| STATE /).sort()).toEqual([
			`one | STATE one ${path.join(dir, '.devtui/one/restart_state.json')}`,
			`two | STATE two ${path.join(dir, '.devtui/two/restart_state.json')}`,
		]);
		const pidAt = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as {pid: number}).pid;
		const [first, other] = [await pidAt(onePort), await pidAt(twoPort)];
		appendFileSync(path.join(dir, 'one', 'touched.txt'), 'x');
		await run.waitForLine(/^one \| \[devtui\] restart #1 ready/);
		const second = await pidAt(onePort);
		expect(second).not.toBe(first);
		expect(await pidAt(twoPort)).toBe(other);
		expect(run.lines(/\[devtui\] holding /)).toEqual([
			`one | [devtui] holding 127.0.0.1:${onePort} (fd 3) for the app; connections wait there across restarts`,
			`two | [devtui] holding 127.0.0.1:${twoPort} (fd 3) for the app; connections wait there across restarts`,
		]);
	});

	it('re-runs a build step on a change under it, then restarts the server that cascades from its completion', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-'));
		mkdirSync(path.join(dir, 'assets'));
		mkdirSync(path.join(dir, 'server'));
		writeFileSync(path.join(dir, 'assets', 'app.css'), 'body {}\n');
		writeFileSync(
			path.join(dir, 'devtui.config.json'),
			JSON.stringify({
				services: {
					build: {command: 'cp app.css ../server/bundle.css && echo built', cwd: 'assets'},
					server: {
						command: ['node', '-e', 'console.log("serving " + require("fs").readFileSync("bundle.css", "utf8").trim()); setInterval(() => {}, 1000)'],
						cwd: 'server',
						// The bundle is the build's output: the cascade restarts the server, not its own watch.
						ignore: ['bundle.css'],
						dependsOn: {build: {condition: 'completed', restart: true}},
					},
				},
			}),
		);
		const run = start([], dir);
		await run.waitForLine(/^server \| serving body \{\}$/);
		await run.waitForLine(/^build  \| \[devtui\] watching /);
		writeFileSync(path.join(dir, 'assets', 'app.css'), 'body { color: red }\n');
		await run.waitForLine(/^server \| serving body \{ color: red \}$/);
		const rebuilt = indexOf(run, /^build  \| \[devtui\] restart #1: started/);
		const cascaded = indexOf(run, /^server \| \[devtui\] restarting because build restarted/);
		// The server restarted once the rebuild had exited 0, not when it was spawned.
		const rebuildExited = run.all.findIndex((line, index) => index > rebuilt && /^build  \| \[devtui\] app exited cleanly/.test(line));
		expect(rebuilt).toBeGreaterThan(0);
		expect(rebuildExited).toBeGreaterThan(rebuilt);
		expect(cascaded).toBeGreaterThan(rebuildExited);
		expect(run.lines(/^build  \| built$/)).toHaveLength(2);
		expect(run.lines(/^server \| \[devtui\] restart #\d+: started/)).toHaveLength(1);
	});

	it('--only runs the named services and what they depend on', async () => {
		const {dir} = await stackProject();
		const run = start(['--only', 'api'], dir);
		await run.waitForLine(/^api   \| api serving on/);
		expect(run.all[0]).toBe('[devtui] services, in start order: queue, api');
		expect(run.lines(/^web/)).toEqual([]);
	});

	it('--json events carry the service name', async () => {
		const {dir} = await stackProject();
		const run = start(['--json', '--only', 'queue'], dir);
		await run.waitForLine(/"type":"app\/ready"/);
		const events = run.stdout.map(line => JSON.parse(line) as {type: string; service?: string});
		expect(events[0]).toMatchObject({type: 'stack/services', services: [{name: 'queue'}]});
		expect(events.filter(event => event.type !== 'stack/services').every(event => event.service === 'queue')).toBe(true);
		expect(events.find(event => event.type === 'run/output')).toMatchObject({service: 'queue'});
	});
});

describe('a Procfile', () => {
	it('gives one service per line, run by sh -c, each watching the directory, with foreman\'s PORT', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-procfile-'));
		writeFileSync(
			path.join(dir, 'Procfile'),
			['# the stack', 'one: echo "one on $PORT as $DEVTUI_SERVICE" && exec node -e "setInterval(() => {}, 1000)"', '', 'two: echo "two on $PORT" && exec node -e "setInterval(() => {}, 1000)"', ''].join('\n'),
		);
		const run = start([], dir);
		await run.waitForLine(/^one \| one on 5000 as one$/);
		await run.waitForLine(/^two \| two on 5100$/);
		await run.waitForLine(/^one \| \[devtui\] watching /);
		await run.waitForLine(/^two \| \[devtui\] watching /);
		writeFileSync(path.join(dir, 'notes.txt'), 'x');
		await run.waitForLine(/^one \| \[devtui\] restart #1/);
		await run.waitForLine(/^two \| \[devtui\] restart #1/);
		run.kill('SIGTERM');
		expect((await run.exit).code).toBe(0);
		await waitFor(() => processesOfDevtui(run.child.pid!).length === 0, {message: 'no process left'});
	});
});

describe('bad configuration', () => {
	const badRuns = async (config: unknown, args: string[] = [], files: Record<string, string> = {}) => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-badstack-'));
		writeFileSync(path.join(dir, 'devtui.config.json'), JSON.stringify(config));
		for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
		const run = start(args, dir);
		const {code} = await run.exit;
		return {code, stderr: run.stderr.filter(line => line !== '')};
	};
	const cmd = ['node', '-e', '0'];
	const cases: Array<[what: string, config: unknown, args: string[], message: RegExp]> = [
		[
			'a dependsOn cycle',
			{services: {a: {command: cmd, dependsOn: {b: 'started'}}, b: {command: cmd, dependsOn: {c: 'ready'}}, c: {command: cmd, dependsOn: {a: 'started'}}}},
			[],
			/^devtui: devtui\.config\.json: "services\.a\.dependsOn": a dependency cycle: a -> b -> c -> a /,
		],
		['an unknown service in dependsOn', {services: {api: {command: cmd, dependsOn: {queu: 'ready'}}, queue: {command: cmd}}}, [], /^devtui: devtui\.config\.json: "services\.api\.dependsOn": unknown service "queu" \(did you mean "queue"\?/],
		['an unknown service in --only', {services: {api: {command: cmd}, web: {command: cmd}}}, ['--only', 'wev'], /^devtui: --only: unknown service "wev" \(did you mean "web"\? services: api, web\)$/],
		['two services holding one --listen port', {services: {a: {command: cmd, listen: 18431}, b: {command: cmd, listen: '0.0.0.0:18431'}}}, [], /^devtui: devtui\.config\.json: "services\.b\.listen": port 18431 is already held by service "a"/],
		['a service without a command', {services: {api: {watch: 'src'}}}, [], /^devtui: devtui\.config\.json: "services\.api" has no "command"/],
		['an unknown per-service key', {services: {api: {command: cmd, redyPort: 8000}}}, [], /^devtui: devtui\.config\.json: unknown key "services\.api\.redyPort" \(did you mean "services\.api\.readyPort"\?/],
		['a wrong type', {services: {api: {command: cmd, timeout: 'soon'}}}, [], /^devtui: devtui\.config\.json: "services\.api\.timeout" must be a whole number of milliseconds/],
		['a wrong condition', {services: {api: {command: cmd, dependsOn: {db: 'healthy'}}, db: {command: cmd}}}, [], /^devtui: devtui\.config\.json: "services\.api\.dependsOn\.db" must be "started", "ready" or "completed"/],
		['a missing cwd', {services: {api: {command: cmd, cwd: 'nowhere'}}}, [], /^devtui: service "api": "cwd" .*nowhere is not a directory/],
	];
	it.each(cases)('%s: one line naming the service and the key, exit 2', async (_what, config, args, message) => {
		const {code, stderr} = await badRuns(config, args);
		expect(code).toBe(2);
		expect(stderr).toHaveLength(1);
		expect(stderr[0]).toMatch(message);
	});

	it('a --listen port another program holds: one line naming the service, exit 2, nothing left held', async () => {
		const holder = net.createServer();
		await new Promise<void>(resolve => holder.listen(0, '127.0.0.1', resolve));
		try {
			const port = (holder.address() as net.AddressInfo).port;
			const firstPort = await freePort();
			const {code, stderr} = await badRuns({services: {first: {command: cmd, listen: firstPort}, second: {command: cmd, listen: port}}});
			expect(code).toBe(2);
			expect(stderr).toEqual([expect.stringMatching(new RegExp(`^devtui: service "second": --listen ${port}: .*in use`))]);
			// The first service's socket, bound before the second failed, was let go (and nothing was started).
			const again = net.createServer();
			await new Promise<void>((resolve, reject) => again.once('error', reject).listen(firstPort, '127.0.0.1', resolve));
			again.close();
		} finally {
			holder.close();
		}
	});

	it('in package.json, under "devtui"', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-badstack-'));
		writeFileSync(path.join(dir, 'package.json'), JSON.stringify({name: 'x', devtui: {services: {api: {command: cmd, signal: 'SIGKILL'}}}}));
		const run = start([], dir);
		expect((await run.exit).code).toBe(2);
		expect(run.stderr.filter(line => line !== '')).toEqual([expect.stringMatching(/^devtui: package\.json: "devtui\.services\.api\.signal" cannot be SIGKILL/)]);
	});

	it('a Procfile line that is not "name: command"', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-badstack-'));
		writeFileSync(path.join(dir, 'Procfile'), 'web: node web.js\nworker node worker.js\n');
		const run = start([], dir);
		expect((await run.exit).code).toBe(2);
		expect(run.stderr.filter(line => line !== '')).toEqual(['devtui: Procfile line 2: expected "name: command", got "worker node worker.js"']);
	});
});

