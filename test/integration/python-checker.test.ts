// The warm Python checker with real interpreters: it answers exactly as the cold run does, and
// whatever happens to it (killed, stopped, talking nonsense, its parent SIGKILLed, an aborted
// request) the checks stay right and no Python process is left behind.

import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createPythonChecker, type PythonChecker, type PythonCheckerOptions} from '../../src/check/python-checker.js';
import {pythonCheckArgs, WORKER_HELLO} from '../../src/check/python-compile-check.js';
import {realPythonBehind} from '../../src/check/find-python.js';
import {runCheck} from '../../src/check/run-check.js';
import {isAlive} from '../helpers/process-alive.js';
import {pythonWorkersOf} from '../helpers/python-workers.js';
import {waitFor} from '../helpers/wait-for.js';

const SYSTEM_PYTHON = '/usr/bin/python3';
const repoRoot = path.resolve(import.meta.dirname, '../..');

const checkers: PythonChecker[] = [];
afterEach(() => {
	for (const checker of checkers.splice(0)) checker.dispose();
});

const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'devtui-pychecker-'));

const write = (dir: string, name: string, content: string | Buffer): string => {
	mkdirSync(path.dirname(path.join(dir, name)), {recursive: true});
	writeFileSync(path.join(dir, name), content);
	return name;
};

/** A project with every kind of file the check meets, by name. */
const project = (): {dir: string; files: string[]} => {
	const dir = tempDir();
	const files = [
		write(dir, 'good.py', 'x = 1\n'),
		write(dir, 'bad.py', 'def f(:\n    pass\n'),
		write(dir, 'indent.py', 'if True:\nx = 1\n'),
		write(dir, 'undecodable.py', Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a])),
		write(dir, 'latin1.py', Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nx = "'), Buffer.from([0xe9]), Buffer.from('"\n')])),
		write(dir, 'latin1-broken.py', Buffer.concat([Buffer.from('x = "'), Buffer.from([0xe9]), Buffer.from('" +\n')])),
		write(dir, 'nul.py', 'x = 1\0\n'),
		write(dir, 'deep.py', `x = ${'('.repeat(300)}${')'.repeat(300)}\n`),
		write(dir, 'sub/ünï côde.py', 'ç = "é" +\n'),
		write(dir, 'crlf.py', 'x = (\r\n1,,\r\n)\r\n'),
		'gone.py',
	];
	mkdirSync(path.join(dir, 'dir.py'));
	files.push('dir.py');
	execFileSync('mkfifo', [path.join(dir, 'fifo.py')]);
	files.push('fifo.py');
	return {dir, files};
};

const newChecker = (options: Partial<PythonCheckerOptions> & {cwd: string}): PythonChecker => {
	const checker = createPythonChecker({python: SYSTEM_PYTHON, env: process.env, ...options});
	checkers.push(checker);
	return checker;
};

const cold = (python: string, files: readonly string[], cwd: string) => runCheck({argv: pythonCheckArgs(python, files), cwd, env: process.env}).result;

const comparable = ({ok, exitCode, signal, output, cancelled}: {ok: boolean; exitCode: number | null; signal: string | null; output: string[]; cancelled: boolean}) => ({
	ok,
	exitCode,
	signal,
	output,
	cancelled,
});

const stateOf = (pid: number): string | undefined => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
	} catch {
		return undefined;
	}
};

/** Gone from /proc entirely: not even a zombie waiting for its parent (us) to reap it. */
const reaped = (pid: number) => waitFor(() => stateOf(pid) === undefined, {message: `process ${pid} to be reaped`});

const versionOf = (python: string): string => execFileSync(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {encoding: 'utf8'}).trim();

// Any Python 3.12+ on the machine (pyenv's, a distribution's), for syntax that 3.11 rejects.
const python312 = (() => {
	const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
	const candidates = [
		...(existsSync(path.join(root, 'versions')) ? readdirSync(path.join(root, 'versions')).map(version => path.join(root, 'versions', version, 'bin', 'python3')) : []),
		...['3.12', '3.13', '3.14'].map(minor => `/usr/bin/python${minor}`),
	];
	return candidates.find(candidate => {
		try {
			return existsSync(candidate) && Number(versionOf(candidate).split('.')[1]) >= 12;
		} catch {
			return false;
		}
	});
})();

describe('the warm Python checker', () => {
	it('answers exactly as a cold run does, file by file and all at once, and stays up', async () => {
		const {dir, files} = project();
		const checker = newChecker({cwd: dir});
		const all = await checker.compile(files);
		expect(all.warm).toBe(true);
		expect(comparable(all)).toEqual(comparable(await cold(SYSTEM_PYTHON, files, dir)));
		// Not vacuous: the broken ones are named, the fine ones are not, nothing blocked on the FIFO.
		const named = all.output.filter(line => !line.startsWith(' ')).map(line => line.slice(0, line.indexOf(':')));
		expect(named).toEqual(['bad.py', 'indent.py', 'undecodable.py', 'latin1-broken.py', 'nul.py', 'deep.py', 'sub/ünï côde.py', 'crlf.py']);
		const pid = checker.pid;
		for (const file of files) {
			const warm = await checker.compile([file]);
			expect(warm.warm, file).toBe(true);
			expect(comparable(warm), file).toEqual(comparable(await cold(SYSTEM_PYTHON, [file], dir)));
		}
		expect(checker.pid).toBe(pid);
		// The messages' source lines are what a developer sees in the panes.
		expect(all.output).toContain('    def f(:');
	});

	it('resolves relative paths against the app directory, and keeps the names as given', async () => {
		const {dir} = project();
		expect(process.cwd()).not.toBe(dir);
		const checker = newChecker({cwd: dir});
		const relative = await checker.compile(['bad.py']);
		expect(relative.output[0]).toMatch(/^bad\.py:1:\d+: SyntaxError: /);
		const absolute = await checker.compile([path.join(dir, 'bad.py')]);
		expect(absolute.output[0]).toMatch(new RegExp(`^${path.join(dir, 'bad.py')}:1:\\d+: SyntaxError: `));
		expect(absolute.warm && relative.warm).toBe(true);
	});

	it('names the interpreter and its version, the real one behind a pyenv shim', async () => {
		const {dir} = project();
		const system = newChecker({cwd: dir});
		expect(await system.compile(['bad.py'])).toMatchObject({interpreter: SYSTEM_PYTHON, version: versionOf(SYSTEM_PYTHON), warm: true});

		const shimmed = newChecker({cwd: dir, python: 'python3'});
		const real = await realPythonBehind('python3', {cwd: dir, env: process.env});
		const result = await shimmed.compile(['bad.py']);
		expect(result).toMatchObject({interpreter: real, version: versionOf(real), warm: true});
		expect(shimmed.interpreter).toBe(real);
	});

	it('waits for the resolved interpreter before the first check', async () => {
		const {dir} = project();
		let answer!: (python: string) => void;
		const checker = newChecker({cwd: dir, python: 'python3', resolved: new Promise(resolve => (answer = resolve))});
		checker.warm();
		const pending = checker.compile(['good.py']);
		expect(checker.pid).toBeUndefined();
		answer(SYSTEM_PYTHON);
		expect(await pending).toMatchObject({ok: true, interpreter: SYSTEM_PYTHON, warm: true});
	});

	it.skipIf(python312 === undefined)('judges code by its own version: 3.12 syntax passes under 3.12 and fails under 3.11', async () => {
		const dir = tempDir();
		write(dir, 'types.py', 'type Pair[T] = tuple[T, T]\n');
		const newer = newChecker({cwd: dir, python: python312!});
		const older = newChecker({cwd: dir});
		expect(await newer.compile(['types.py'])).toMatchObject({ok: true, warm: true});
		const rejected = await older.compile(['types.py']);
		expect(rejected).toMatchObject({ok: false, exitCode: 1, warm: true, interpreter: SYSTEM_PYTHON});
		expect(rejected.output[0]).toMatch(/^types\.py:1:\d+: SyntaxError: /);
	});

	it('gives concurrent and back-to-back requests each their own answer', async () => {
		const {dir} = project();
		const checker = newChecker({cwd: dir});
		const asked = Array.from({length: 30}, (_, index) => ['good.py', 'bad.py', 'indent.py'][index % 3]!);
		const answers = await Promise.all(asked.map(file => checker.compile([file])));
		answers.forEach((answer, index) => {
			const file = asked[index]!;
			expect(answer.warm).toBe(true);
			if (file === 'good.py') expect(answer).toMatchObject({ok: true, output: []});
			else expect(answer.output[0]!.startsWith(`${file}:`), `${file}: ${answer.output[0]}`).toBe(true);
		});
	});

	it('an aborted request resolves at once as cancelled and does not poison the next one', async () => {
		const {dir} = project();
		// Slow to compile (a fraction of a second), and broken at its end, so its answer is recognisable.
		write(dir, 'big.py', `${Array.from({length: 20_000}, (_, index) => `x${index} = ${index} + ${index}\n`).join('')}def (:\n`);
		const checker = newChecker({cwd: dir});
		checker.warm();
		expect((await checker.compile(['good.py'])).warm).toBe(true);
		const pid = checker.pid;

		const before = new AbortController();
		before.abort();
		expect(await checker.compile(['bad.py'], before.signal)).toMatchObject({cancelled: true, ok: false});

		const inFlight = new AbortController();
		const queued = new AbortController();
		const big = checker.compile(['big.py'], inFlight.signal);
		const waiting = checker.compile(['indent.py'], queued.signal);
		inFlight.abort();
		queued.abort();
		expect(await big).toMatchObject({cancelled: true, output: []});
		expect(await waiting).toMatchObject({cancelled: true, output: []});
		const next = await checker.compile(['bad.py']);
		expect(next.warm).toBe(true);
		expect(next.output.filter(line => !line.startsWith(' '))).toEqual([expect.stringMatching(/^bad\.py:1:\d+: SyntaxError: /)]);
		expect(checker.pid).toBe(pid);
		// The aborted one was really asked, and answered later, to nobody.
		const again = await checker.compile(['big.py']);
		expect(again.output[0]).toMatch(/^big\.py:20001:\d+: SyntaxError: /);
	});

	it('killed: the check runs cold, this is said once, and a new interpreter takes over later', async () => {
		const {dir} = project();
		const notices: string[] = [];
		const checker = newChecker({cwd: dir, respawnDelayMs: 50, onNotice: notice => notices.push(notice)});
		checker.warm();
		await checker.compile(['good.py']);
		const first = checker.pid!;
		process.kill(first, 'SIGKILL');
		await reaped(first);
		const during = await checker.compile(['bad.py']);
		expect(during).toMatchObject({ok: false, exitCode: 1, warm: false});
		expect(comparable(during)).toEqual(comparable(await cold(SYSTEM_PYTHON, ['bad.py'], dir)));
		expect(notices).toEqual([expect.stringMatching(/warm interpreter \(\/usr\/bin\/python3\) was killed by SIGKILL; each check starts a new interpreter/)]);

		const second = await waitFor(() => checker.pid !== undefined && checker.pid !== first && checker.pid, {message: 'a new warm interpreter'});
		expect(await checker.compile(['bad.py'])).toMatchObject({warm: true, output: during.output});
		process.kill(second, 'SIGKILL');
		await reaped(second);
		await waitFor(() => checker.pid !== undefined && checker.pid !== second, {message: 'a third warm interpreter'});
		expect(notices).toHaveLength(1);
	});

	it('hung (stopped): the request times out, runs cold, and the stopped interpreter is killed', async () => {
		const {dir} = project();
		const notices: string[] = [];
		// Long enough for a first answer on a loaded machine, short enough to wait for.
		const checker = newChecker({cwd: dir, requestTimeoutMs: 2000, respawnDelayMs: 50, onNotice: notice => notices.push(notice)});
		expect((await checker.compile(['good.py'])).warm).toBe(true);
		const stopped = checker.pid!;
		process.kill(stopped, 'SIGSTOP');
		const result = await checker.compile(['indent.py']);
		expect(result).toMatchObject({warm: false, ok: false});
		expect(result.output[0]).toMatch(/^indent\.py:2:\d+: IndentationError: /);
		expect(notices).toEqual([expect.stringMatching(/did not answer within 2000 ms/)]);
		await reaped(stopped);
		await waitFor(() => checker.pid !== undefined && checker.pid !== stopped, {message: 'a new warm interpreter'});
		expect((await checker.compile(['good.py'])).warm).toBe(true);
	});

	it('an interpreter that answers garbage or out of turn is not trusted; the checks stay right', async () => {
		const {dir} = project();
		const bin = tempDir();
		// Behaves as Python for the cold run; as the warm one, it talks nonsense.
		const fake = (name: string, serve: string): string => {
			const file = path.join(bin, name);
			writeFileSync(file, `#!/bin/sh\ncase "$4" in\n*serve*) ${serve} ;;\n*) exec ${SYSTEM_PYTHON} "$@" ;;\nesac\n`);
			chmodSync(file, 0o755);
			return file;
		};
		const cases = [
			{python: fake('garbage', 'echo "Traceback (most recent call last):"; exec cat'), says: /answered garbage \(an unexpected line "Traceback/},
			{python: fake('out-of-turn', `printf '${WORKER_HELLO} 3.11.2 0\\n'; while read -r line; do printf '99 0\\n'; done`), says: /answered out of turn \(request 99\)/},
		];
		for (const {python, says} of cases) {
			const notices: string[] = [];
			const checker = newChecker({cwd: dir, python, respawnDelayMs: 60_000, onNotice: notice => notices.push(notice)});
			const result = await checker.compile(['bad.py', 'good.py']);
			expect(result, python).toMatchObject({warm: false, ok: false, interpreter: python});
			expect(comparable(result)).toEqual(comparable(await cold(SYSTEM_PYTHON, ['bad.py', 'good.py'], dir)));
			expect(notices, python).toEqual([expect.stringMatching(says)]);
			// In the backoff: cold, quietly, and no interpreter kept.
			expect(await checker.compile(['good.py'])).toMatchObject({ok: true, warm: false});
			expect(notices).toHaveLength(1);
			expect(checker.pid).toBeUndefined();
		}
	});

	it('an interpreter that is not there fails each check with one clear line', async () => {
		const {dir} = project();
		const notices: string[] = [];
		const checker = newChecker({cwd: dir, python: path.join(dir, 'no-such-python3'), onNotice: notice => notices.push(notice)});
		const result = await checker.compile(['good.py']);
		expect(result).toMatchObject({ok: false, exitCode: null, warm: false});
		expect(result.output.at(-1)).toMatch(/^devtui: cannot run the check: spawn .*no-such-python3 ENOENT$/);
		expect(notices).toEqual([expect.stringMatching(/could not start: spawn .*ENOENT/)]);
	});

	it('dispose() leaves no Python process, and cancels what waits', async () => {
		const {dir} = project();
		const checker = newChecker({cwd: dir});
		await checker.compile(['good.py']);
		const pid = checker.pid!;
		expect(pythonWorkersOf(process.pid)).toEqual([pid]);
		const waiting = checker.compile(['good.py']);
		checker.dispose();
		expect(await waiting).toMatchObject({cancelled: true});
		await reaped(pid);
		expect(pythonWorkersOf(process.pid)).toEqual([]);
		expect(await checker.compile(['good.py'])).toMatchObject({cancelled: true});
		checker.dispose();
	});
});

// A parent process of its own, built from dist/ like the CLI, so it can be SIGKILLed or left to exit.
const parentScript = (dir: string, then: 'wait' | 'exit'): string => `
import {createPythonChecker} from ${JSON.stringify(path.join(repoRoot, 'dist/src/check/python-checker.js'))};
const checker = createPythonChecker({python: ${JSON.stringify(SYSTEM_PYTHON)}, cwd: ${JSON.stringify(dir)}, env: process.env});
const result = await checker.compile(['good.py']);
console.log(JSON.stringify({pid: checker.pid, warm: result.warm}));
${then === 'wait' ? 'setInterval(() => {}, 1000);' : '// nothing left to do: an idle checker must not keep node alive'}
`;

describe('the warm interpreter never outlives its parent', () => {
	const parents: ChildProcess[] = [];
	afterEach(() => {
		for (const parent of parents.splice(0)) parent.kill('SIGKILL');
	});

	const runParent = async (then: 'wait' | 'exit') => {
		const {dir} = project();
		const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript(dir, then)], {stdio: ['ignore', 'pipe', 'inherit']});
		parents.push(parent);
		const exited = new Promise<number | null>(resolve => parent.once('exit', code => resolve(code)));
		let out = '';
		parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		const {pid, warm} = await waitFor(() => (out.includes('\n') ? (JSON.parse(out) as {pid: number; warm: boolean}) : undefined), {message: 'the parent to report its checker'});
		// It answered, so it ran (whether it is still there depends on the parent).
		expect(warm).toBe(true);
		return {parent, pid, exited};
	};

	it('exits when its parent is SIGKILLed (EOF on its stdin)', async () => {
		const {parent, pid, exited} = await runParent('wait');
		expect(isAlive(pid)).toBe(true);
		parent.kill('SIGKILL');
		await exited;
		await waitFor(() => !isAlive(pid), {message: `the warm interpreter ${pid} to exit after its parent`});
	});

	it('does not keep an otherwise finished parent alive', async () => {
		const {pid, exited} = await runParent('exit');
		expect(await exited).toBe(0);
		await waitFor(() => !isAlive(pid), {message: `the warm interpreter ${pid} to exit with its parent`});
	});
});
