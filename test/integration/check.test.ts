// Pre-restart checks with real processes: the built CLI headless, and a real session for `r`. A
// failing check must leave the old app serving (same pid, still answering), a passing one restarts.

import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {resolveOptions, type OptionLayer} from '../../src/cli/resolve-options.js';
import type {DevtuiOptions} from '../../src/options.js';
import {createSession, type Session} from '../../src/session/create-session.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent, SupervisorEventOf, SupervisorEventType} from '../../src/supervisor/events.js';
import {freePort} from '../helpers/free-port.js';
import {isAlive, pidsIn} from '../helpers/process-alive.js';
import {pythonWorkersOf} from '../helpers/python-workers.js';
import {runCli, type CliRun} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

const TIMEOUT = 20_000;

const runs: CliRun[] = [];
const sessions: Session[] = [];
afterEach(async () => {
	for (const run of runs.splice(0)) {
		run.kill('SIGKILL');
		await run.exit;
	}
	await Promise.all(sessions.splice(0).map(session => session.close({force: true})));
});

const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'devtui-check-'));

const start = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun => {
	const run = runCli(args, {cwd, env});
	runs.push(run);
	return run;
};

const readyPids = (run: CliRun): number[] => run.lines(/^READY/).map(line => pidsIn(line)[0]!);

// Finds no BROKEN marker in the changed files; prints `file:line:text` for each it finds.
const GREP_CHECK = '! grep -Hn BROKEN {files}';

const nodeProject = (): string => {
	const dir = tempDir();
	writeFileSync(path.join(dir, 'app.mjs'), readFileSync(fixture('ready.mjs'), 'utf8'));
	writeFileSync(path.join(dir, 'lib.js'), 'export const ok = 1;\n');
	return dir;
};

// A Python HTTP server that answers with its pid and the value of mod.V, so a test can see which
// instance serves and which code it runs.
const PY_APP = `import http.server, os, mod
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("%d %s" % (os.getpid(), mod.V)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
print("READY pid=%d restart=%s v=%s" % (os.getpid(), os.environ["DEVTUI_RESTART"], mod.V), flush=True)
server.serve_forever()
`;

const pythonProject = (): string => {
	const dir = tempDir();
	writeFileSync(path.join(dir, 'app.py'), PY_APP);
	writeFileSync(path.join(dir, 'mod.py'), 'V = 1\n');
	return dir;
};

const ask = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`)).text();

describe('devtui --check (headless)', () => {
	it('a failing check keeps the old app serving and says why; the next change that passes restarts', async () => {
		const cwd = nodeProject();
		const run = start(['--no-tui', '--check', GREP_CHECK, '--', 'node', 'app.mjs'], cwd);
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		const [first] = readyPids(run);

		writeFileSync(path.join(cwd, 'lib.js'), 'export const ok = 1;\nBROKEN here\n');
		const failed = await run.waitForLine(/\[devtui\] check failed/, {timeout: TIMEOUT});
		expect(failed).toMatch(/check failed: ! grep -Hn BROKEN \{files\} \(exit code 1, .*\), in lib\.js; the running app keeps serving/);
		await run.waitForLine(/^ {4}lib\.js:2:BROKEN here$/, {timeout: TIMEOUT});

		// An unrelated change is checked together with the broken file, which still fails.
		const from = run.all.length;
		writeFileSync(path.join(cwd, 'notes.txt'), 'hello\n');
		await run.waitForLine(/\[devtui\] checking 2 changed files/, {timeout: TIMEOUT, from});
		await run.waitForLine(/\[devtui\] check failed: .*in lib\.js/, {timeout: TIMEOUT, from});
		expect(isAlive(first!)).toBe(true);
		expect(run.lines(/\[devtui\] stopping pid/)).toEqual([]);
		expect(readyPids(run)).toEqual([first]);

		writeFileSync(path.join(cwd, 'lib.js'), 'export const ok = 2;\n');
		await run.waitForLine(/\[devtui\] checks passed in/, {timeout: TIMEOUT});
		await run.waitForLine(/READY .*restart=1/, {timeout: TIMEOUT});
		// Ready once its port is seen listening, a moment after READY.
		await run.waitForLine(/\[devtui\] restart #1 ready in .*check \d+ ms/, {timeout: TIMEOUT});
		await waitFor(() => !isAlive(first!), {timeout: TIMEOUT, message: 'the old app to be gone'});
	});

	it('cancels a long check when a newer change arrives, killing its processes, and checks again', async () => {
		const cwd = nodeProject();
		const pidFile = path.join(tempDir(), 'check.pids');
		const check = 'if grep -q SLOW {files}; then sleep 60 & echo "$$ $!" > "$CHECK_PID_FILE"; wait; fi';
		const run = start(['--no-tui', '--check', check, '--', 'node', 'app.mjs'], cwd, {CHECK_PID_FILE: pidFile});
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});

		writeFileSync(path.join(cwd, 'slow.txt'), 'SLOW\n');
		await run.waitForLine(/\[devtui\] checking slow\.txt before the restart/, {timeout: TIMEOUT});
		const pids = await waitFor(() => existsSync(pidFile) && pidsFromFile(pidFile), {timeout: TIMEOUT, message: 'the slow check to start'});
		expect(pids.every(pid => isAlive(pid))).toBe(true);

		writeFileSync(path.join(cwd, 'slow.txt'), 'quick now\n');
		await run.waitForLine(/\[devtui\] check cancelled \(newer change\)/, {timeout: TIMEOUT});
		await run.waitForLine(/READY .*restart=1/, {timeout: TIMEOUT});
		await waitFor(() => pids.every(pid => !isAlive(pid)), {timeout: TIMEOUT, message: `the cancelled check's processes ${pids.join(', ')} to be gone`});
		expect(run.lines(/\[devtui\] restart #\d+: started/)).toHaveLength(1);
	});
});

const pidsFromFile = (file: string): number[] | undefined => {
	const pids = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
	return pids.length === 2 && pids.every(pid => pid > 0) ? pids : undefined;
};

describe('the built-in Python check (headless)', () => {
	it('a syntax error keeps the old app answering and shows the error; fixing it restarts', async () => {
		const cwd = pythonProject();
		const port = await freePort();
		const run = start(['--no-tui', '--', 'python3', 'app.py'], cwd, {PORT: String(port)});
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		const [first] = readyPids(run);
		expect(await ask(port)).toBe(`${first} 1`);

		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		await run.waitForLine(/\[devtui\] check failed: python compile with (?:Python 3\.\d+\.\d+ at )?\/\S+ \(exit code 1, .*\), in mod\.py; the running app keeps serving/, {timeout: TIMEOUT});
		await run.waitForLine(/^ {4}mod\.py:1:\d+: SyntaxError: /, {timeout: TIMEOUT});
		expect(await ask(port)).toBe(`${first} 1`);
		expect(run.lines(/\[devtui\] stopping pid/)).toEqual([]);

		writeFileSync(path.join(cwd, 'mod.py'), 'V = 3\n');
		// Usually restart 1; a writer descheduled between truncating and writing makes it two, rightly.
		const second = Number(/pid=(\d+)/.exec(await run.waitForLine(/READY .*restart=[1-9] v=3/, {timeout: TIMEOUT}))![1]);
		expect(await waitFor(async () => ((await ask(port).catch(() => '')) === `${second} 3` ? 'ok' : undefined), {timeout: TIMEOUT})).toBe('ok');
		expect(isAlive(first!)).toBe(false);
	});

	it('with --no-python-check the broken file is restarted into, and the app crashes as it would without devtui', async () => {
		const cwd = pythonProject();
		const port = await freePort();
		const run = start(['--no-tui', '--no-python-check', '--', 'python3', 'app.py'], cwd, {PORT: String(port)});
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		await run.waitForLine(/\[devtui\] app crashed \(exit code 1\)/, {timeout: TIMEOUT});
		expect(run.lines(/\[devtui\] check/)).toEqual([]);
		expect(run.stderr.join('\n')).toMatch(/SyntaxError/);
	});
});

// A console script as pip writes one for `uvicorn` or `flask`: its shebang names the interpreter,
// which need not be PATH's python3.
const consoleScript = (cwd: string, python: string): string => {
	const file = path.join(cwd, 'bin', 'serve');
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, `#!${python}\nimport os, sys\nsys.path.insert(0, os.getcwd())\nimport app\n`);
	chmodSync(file, 0o755);
	return file;
};

// Any Python 3.12+ on the machine (pyenv's, a distribution's): code 3.11 rejects.
const python312 = (() => {
	const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
	const versions = path.join(root, 'versions');
	const candidates = [...(existsSync(versions) ? readdirSync(versions).map(version => path.join(versions, version, 'bin', 'python3')) : []), '/usr/bin/python3.12', '/usr/bin/python3.13'];
	return candidates.find(candidate => {
		try {
			return Number(execFileSync(candidate, ['-c', 'import sys; print(sys.version_info[1])'], {encoding: 'utf8'}).trim()) >= 12;
		} catch {
			return false;
		}
	});
})();

describe("the Python check uses the app's own interpreter (headless)", () => {
	it("a console script compiles with its shebang's interpreter, and a failure names it", async () => {
		const cwd = pythonProject();
		const port = await freePort();
		const run = start(['--no-tui', '--', consoleScript(cwd, '/usr/bin/python3')], cwd, {PORT: String(port)});
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		await run.waitForLine(/\[devtui\] check failed: python compile with (?:Python 3\.\d+\.\d+ at )?\/usr\/bin\/python3 \(exit code 1, .*\), in mod\.py; the running app keeps serving/, {timeout: TIMEOUT});
	});

	it.skipIf(python312 === undefined)('valid 3.12 code under a 3.12 console script restarts, though PATH has 3.11', async () => {
		const cwd = pythonProject();
		const port = await freePort();
		const run = start(['--no-tui', '--', consoleScript(cwd, python312!)], cwd, {PORT: String(port)});
		await run.waitForLine(/READY .*restart=0 v=1/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'mod.py'), 'type Pair[T] = tuple[T, T]\nV = 2\n');
		await run.waitForLine(/READY .*restart=[1-9] v=2/, {timeout: TIMEOUT});
		expect(run.lines(/\[devtui\] check failed/)).toEqual([]);
	});

	it.skipIf(!existsSync('/usr/bin/flask'))("Debian's flask: a broken save keeps the old app serving and names /usr/bin/python3; a fix restarts", async () => {
		const cwd = tempDir();
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 1\n');
		writeFileSync(path.join(cwd, 'app.py'), 'from flask import Flask\nimport mod\napp = Flask(__name__)\n\n@app.get("/")\ndef index():\n    return str(mod.V)\n');
		const port = await freePort();
		const run = start(['--no-tui', '--', '/usr/bin/flask', '--app', 'app', 'run', '--port', String(port)], cwd);
		const answers = (expected: string) => waitFor(async () => (await ask(port).catch(() => '')) === expected, {timeout: TIMEOUT, message: `flask to answer ${expected}`});
		await answers('1');
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		await run.waitForLine(/\[devtui\] check failed: python compile with (?:Python 3\.\d+\.\d+ at )?\/usr\/bin\/python3 \(exit code 1, .*\), in mod\.py/, {timeout: TIMEOUT});
		expect(await ask(port)).toBe('1');
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 3\n');
		await answers('3');
	});
});

describe('the warm Python checker in a session (headless)', () => {
	it('a Python app gets one warm interpreter, kept across checks and gone with devtui', async () => {
		const cwd = pythonProject();
		const port = await freePort();
		const run = start(['--no-tui', '--', 'python3', 'app.py'], cwd, {PORT: String(port)});
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		const devtui = run.child.pid!;
		const [worker] = await waitFor(() => pythonWorkersOf(devtui).length === 1 && pythonWorkersOf(devtui), {timeout: TIMEOUT, message: 'one warm interpreter'});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		// Warm, its version is known and shown.
		await run.waitForLine(/\[devtui\] check failed: python compile with Python 3\.\d+\.\d+ at \/\S+ \(exit code 1, .*\), in mod\.py/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 3\n');
		await run.waitForLine(/READY .*restart=[1-9] v=3/, {timeout: TIMEOUT});
		expect(pythonWorkersOf(devtui)).toEqual([worker]);
		run.kill('SIGKILL');
		await run.exit;
		await waitFor(() => !isAlive(worker!), {timeout: TIMEOUT, message: `the warm interpreter ${worker} to exit with devtui`});
	});

	it('a Node app has none until a .py file changes', async () => {
		const cwd = nodeProject();
		const run = start(['--no-tui', '--', 'node', 'app.mjs'], cwd);
		await run.waitForLine(/READY .*restart=0/, {timeout: TIMEOUT});
		await run.waitForLine(/\[devtui\] watching/, {timeout: TIMEOUT});
		writeFileSync(path.join(cwd, 'lib.js'), 'export const ok = 2;\n');
		await run.waitForLine(/READY .*restart=1/, {timeout: TIMEOUT});
		const devtui = run.child.pid!;
		expect(pythonWorkersOf(devtui)).toEqual([]);
		writeFileSync(path.join(cwd, 'tool.py'), 'x = 1\n');
		await run.waitForLine(/READY .*restart=2/, {timeout: TIMEOUT});
		expect(pythonWorkersOf(devtui)).toHaveLength(1);
	});
});

// A session on the real core, for what headless mode has no key for: `r`. Options come from the
// real resolver, so every default is the one a user gets.
const sessionOptions = (cwd: string, layer: OptionLayer): DevtuiOptions =>
	resolveOptions({layers: [{command: [process.execPath, 'app.mjs'], debounceMs: 50, timeoutMs: 5000, tui: false, ...layer}], cwd, stdoutIsTTY: false});

const openSession = async (options: DevtuiOptions) => {
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	const session = await createSession(options, {bus, color: false});
	sessions.push(session);
	await session.start();
	await session.watcher!.ready;
	const of = <T extends SupervisorEventType>(type: T) => events.filter(event => event.type === type) as unknown as Array<SupervisorEventOf<T>>;
	const waitForEvent = <T extends SupervisorEventType>(type: T, count = 1) =>
		waitFor(() => of(type)[count - 1], {timeout: TIMEOUT, message: () => `${count}× ${type}; events: ${events.map(event => event.type).join(', ')}`});
	return {session, events, of, waitForEvent};
};

describe('forcing a restart past a failed check (session)', () => {
	it('r restarts while the check fails, with the pending change', async () => {
		const cwd = nodeProject();
		const {session, of, waitForEvent} = await openSession(sessionOptions(cwd, {check: GREP_CHECK}));
		const first = (await waitForEvent('run/spawned')).pid;
		writeFileSync(path.join(cwd, 'lib.js'), 'BROKEN\n');
		const failed = await waitForEvent('check/failed');
		expect(failed.failure).toMatchObject({exitCode: 1, blamed: ['lib.js'], output: ['lib.js:1:BROKEN']});
		expect(session.supervisor.pid).toBe(first);

		session.supervisor.restart();
		const second = await waitForEvent('run/spawned', 2);
		expect(second.pid).not.toBe(first);
		expect(of('run/stop-requested')[0]).toMatchObject({pid: first, reason: 'manual', files: [{path: 'lib.js', kind: 'changed'}]});
		// Nothing is pending any more: the next clean change is checked on its own and restarts.
		writeFileSync(path.join(cwd, 'other.js'), 'fine\n');
		await waitForEvent('run/spawned', 3);
		expect(of('check/started').at(-1)!.files).toEqual([{path: 'other.js', kind: 'added'}]);
	});

	it('the preflight asks the warm interpreter: a valid .py save begins stopping before its batch closes, a broken one never stops the app', async () => {
		const cwd = tempDir();
		writeFileSync(path.join(cwd, 'app.py'), 'import time, mod\nprint("READY", mod.V, flush=True)\ntime.sleep(3600)\n');
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 1\n');
		const {session, of, waitForEvent} = await openSession(sessionOptions(cwd, {command: ['python3', 'app.py'], debounceMs: 1500, readyPattern: /^READY/}));
		await waitForEvent('app/ready');
		// A Python app: warmed once it is up (this session runs in the test's own process).
		await waitFor(() => pythonWorkersOf(process.pid).length === 1, {timeout: TIMEOUT, message: 'a warm interpreter'});
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 2\n');
		await waitForEvent('run/exited');
		expect(of('watch/changed')).toEqual([]);
		const second = (await waitForEvent('run/spawned', 2)).pid;
		// Only once it has imported mod.py: before, the broken file would crash it, rightly.
		await waitForEvent('app/ready', 2);
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 3\n');
		const failed = await waitForEvent('check/failed');
		expect(failed.appStopped).toBeUndefined();
		expect(failed.failure).toMatchObject({check: 'python compile', blamed: ['mod.py'], interpreterVersion: expect.stringMatching(/^3\.\d+\.\d+$/)});
		expect(of('run/exited')).toHaveLength(1);
		expect(session.supervisor.pid).toBe(second);
		expect(isAlive(second)).toBe(true);
	});

	it('a batch that began stopping the app before a broken .py file joined it leaves the app stopped, and says so', async () => {
		const cwd = nodeProject();
		writeFileSync(path.join(cwd, 'mod.py'), 'V = 1\n');
		writeFileSync(path.join(cwd, 'style.css'), 'body {}\n');
		// A long debounce keeps the batch open while the test waits for the early stop.
		const {session, of, waitForEvent} = await openSession(sessionOptions(cwd, {debounceMs: 3000}));
		const first = (await waitForEvent('run/spawned')).pid;
		// A changed (not added) file is sure to restart, so it begins the stop at once.
		writeFileSync(path.join(cwd, 'style.css'), 'body {color: red}\n');
		await waitForEvent('run/exited');
		expect(of('watch/changed')).toEqual([]);
		writeFileSync(path.join(cwd, 'mod.py'), 'V = = 2\n');
		const failed = await waitForEvent('check/failed');
		expect(failed).toMatchObject({appStopped: true, failure: {check: 'python compile', blamed: ['mod.py']}});
		expect(isAlive(first)).toBe(false);
		expect(session.supervisor.pid).toBeUndefined();
		expect(of('restart/completed').at(-1)!.timeline.outcome).toBe('check-failed');

		session.supervisor.restart();
		const second = await waitForEvent('run/spawned', 2);
		expect(second.restart).toBe(1);
	});
});
