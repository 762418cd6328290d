// Wrong invocations of the real, built CLI: each must end with exit code 2 and one clear line on
// stderr, no stack trace, nothing on stdout, and nothing written into the project directory.

import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cliPath, repoRoot, runCli, type CliRun} from '../helpers/run-cli.js';

const made: string[] = [];
const runs: CliRun[] = [];

afterEach(async () => {
	for (const run of runs.splice(0)) run.kill('SIGKILL');
	for (const dir of made.splice(0)) await rm(dir, {recursive: true, force: true});
});

beforeAll(() => {
	if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx tsc -p tsconfig.build.json)`);
});

type Files = Record<string, string | object>;

const project = async (files: Files): Promise<string> => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-bad-input-'));
	made.push(dir);
	for (const [name, contents] of Object.entries(files)) {
		await mkdir(path.dirname(path.join(dir, name)), {recursive: true});
		// 0o644 whatever the umask: app.sh must not be executable.
		await writeFile(path.join(dir, name), typeof contents === 'string' ? contents : JSON.stringify(contents), {mode: 0o644});
	}
	return dir;
};

const listing = async (dir: string): Promise<string[]> => (await readdir(dir, {recursive: true})).sort();

/** Runs the CLI to its end; a CLI that keeps running (it accepted the input) fails the test instead of hanging it. */
const runToEnd = async (args: string[], cwd: string) => {
	const run = runCli(args, {cwd});
	runs.push(run);
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`devtui ${args.join(' ')} still running after 15 s:\n${run.all.join('\n')}`)), 15_000);
	});
	try {
		const exit = await Promise.race([run.exit, deadline]);
		return {...exit, stdout: run.stdout, stderr: run.stderr, all: run.all};
	} finally {
		clearTimeout(timer);
	}
};

const script = '#!/bin/sh\necho hi\n';

const cases: Array<{name: string; args: string[]; files?: Files; expected: RegExp}> = [
	{name: 'unknown flag', args: ['--wath', 'src', '--', 'sh'], expected: /^unknown option --wath: did you mean --watch\? \(see devtui --help\)$/},
	{name: 'unknown short flag', args: ['-x', '--', 'sh'], expected: /^unknown option -x \(see devtui --help\)$/},
	{name: 'debounce not a number', args: ['--debounce', 'fast', '--', 'sh'], expected: /^--debounce expects a whole number of milliseconds \(0 or more\), got "fast"$/},
	{name: 'negative timeout', args: ['--timeout', '-5', '--', 'sh'], expected: /^--timeout expects a whole number of milliseconds \(0 or more\), got "-5"$/},
	{name: 'timeout too large', args: ['--timeout=99999999999', '--', 'sh'], expected: /^--timeout expects at most 2147483647 milliseconds/},
	{name: 'unknown signal', args: ['--signal', 'SIGFOO', '--', 'sh'], expected: /^--signal expects a signal name like SIGTERM, SIGINT or SIGHUP, got "SIGFOO"$/},
	{name: 'ready pattern that is not a regex', args: ['--ready-pattern', '(unclosed', '--', 'sh'], expected: /^--ready-pattern expects a regular expression, e\.g\. "listening on" \(.*\), got "\(unclosed"$/},
	{name: 'ready port out of range', args: ['--ready-port', '99999', '--', 'sh'], expected: /^--ready-port expects a TCP port number from 1 to 65535, got "99999"$/},
	{name: 'state file path through a file', args: ['--state-file', 'app.sh/state.json', '--', 'sh'], files: {'app.sh': script}, expected: /^--state-file .*app\.sh\/state\.json goes through .*app\.sh, which is a file, not a directory/},
	{name: 'SIGKILL as the stop signal', args: ['--signal', 'KILL', '--', 'sh'], expected: /^--signal cannot be SIGKILL: the app cannot catch it/},
	{name: 'no command at all', args: [], expected: /^no command to run: give one after --, e.g\. devtui -- python3 app\.py/},
	{name: 'nothing after --', args: ['--json', '--'], expected: /^no command to run: /},
	{name: 'command not found', args: ['--', 'no-such-command-xyz', 'arg'], expected: /^command not found: no-such-command-xyz \(check the spelling, or that it is installed and on PATH\)$/},
	{name: 'script path missing', args: ['--', './missing.sh'], expected: /^command not found: \.\/missing\.sh \(no such file: .*missing\.sh\)$/},
	{name: 'script not executable', args: ['--', './app.sh'], files: {'app.sh': script}, expected: /^cannot execute \.\/app\.sh: permission denied \(chmod \+x \.\/app\.sh, or run it through its interpreter\)$/},
	{name: 'directory as command', args: ['--', './src'], files: {'src/a.py': ''}, expected: /^cannot execute \.\/src: it is a directory/},
	{name: 'missing value at the end', args: ['--watch'], expected: /^--watch needs a value: a file or directory, e.g\. --watch src$/},
	{name: 'missing value before --', args: ['--timeout', '--', 'sh'], expected: /^--timeout needs a value: a whole number of milliseconds/},
	{name: 'switch given a value', args: ['--json=1', '--', 'sh'], expected: /^--json is a switch and takes no value: use --json, not --json=1$/},
	{name: 'poll of zero', args: ['--poll=0', '--', 'sh'], expected: /^--poll expects a whole number of milliseconds greater than 0, got "0"$/},
	{name: 'poll not a number', args: ['--poll=soon', '--', 'sh'], expected: /^--poll expects a whole number of milliseconds greater than 0, got "soon"$/},
	{name: 'bad extension list', args: ['--ext', '*.py', '--', 'sh'], expected: /^--ext expects file extensions like py,js,ts, got "\*\.py"$/},
	{name: 'empty restart arg', args: ['--restart-arg=', '--', 'sh'], expected: /^--restart-arg expects a flag after "="/},
	{name: 'watch path missing', args: ['-w', 'nope', '--', 'sh'], expected: /^watch path does not exist: .*nope \(check --watch or "watch" in the config, or create it\)$/},
	{name: 'help does not hide a bad flag', args: ['--help', '--bogus'], expected: /^unknown option --bogus /},
	{
		name: 'invalid config JSON',
		args: ['--', 'sh'],
		files: {'devtui.config.json': '{\n  "watch": ["."],\n  "debounce": fast\n}\n'},
		expected: /^devtui\.config\.json is not valid JSON: .*\(line 3, column 15\)$/,
	},
	{name: 'config value of the wrong type', args: ['--', 'sh'], files: {'devtui.config.json': {debounce: 'fast'}}, expected: /^devtui\.config\.json: "debounce" must be a whole number of milliseconds \(0 or more\), got "fast"$/},
	{name: 'unknown config key', args: ['--', 'sh'], files: {'devtui.config.json': {restart_on_crash: true}}, expected: /^devtui\.config\.json: unknown key "restart_on_crash" \(did you mean "restartOnCrash"\?/},
	{name: 'config not an object', args: ['--', 'sh'], files: {'devtui.config.json': '"src"'}, expected: /^devtui\.config\.json must hold a JSON object of options/},
	{name: 'config SIGSTOP', args: ['--', 'sh'], files: {'devtui.config.json': {signal: 'SIGSTOP'}}, expected: /^devtui\.config\.json: "signal" cannot be SIGSTOP: /},
	{name: 'config path is a directory', args: ['--', 'sh'], files: {'devtui.config.json/a': ''}, expected: /^cannot read devtui\.config\.json: it is a directory, not a file$/},
	{name: 'package.json "devtui" of the wrong type', args: ['--', 'sh'], files: {'package.json': {name: 'x', devtui: {tui: 'no'}}}, expected: /^package\.json: "devtui\.tui" must be true or false, got "no"$/},
	{name: 'invalid package.json holding devtui settings', args: ['--', 'sh'], files: {'package.json': '{"devtui": {"watch": "src",}}'}, expected: /^package\.json is not valid JSON: .*\(line 1, column 28\)$/},
	{name: 'config command not found', args: [], files: {'devtui.config.json': {command: ['no-such-command-xyz']}}, expected: /^command not found: no-such-command-xyz /},
];

describe('devtui with bad input', () => {
	it.each(cases)('$name', async ({args, files, expected}) => {
		const cwd = await project(files ?? {});
		const before = await listing(cwd);
		const result = await runToEnd(args, cwd);
		expect(result.all.filter(line => /^\s+at /.test(line))).toEqual([]);
		expect(result.stdout).toEqual([]);
		expect(result.stderr).toHaveLength(1);
		expect(result.stderr[0]).toMatch(/^devtui: /);
		expect(result.stderr[0]!.slice('devtui: '.length)).toMatch(expected);
		expect({code: result.code, signal: result.signal}).toEqual({code: 2, signal: null});
		expect(await listing(cwd)).toEqual(before);
	});
});

describe('devtui --version and --help', () => {
	it('--version prints the package version and exits 0', async () => {
		const {version} = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
		const cwd = await project({});
		const result = await runToEnd(['--version'], cwd);
		expect({code: result.code, stdout: result.stdout, stderr: result.stderr}).toEqual({code: 0, stdout: [version], stderr: []});
		expect(await listing(cwd)).toEqual([]);
	});

	it('-h prints usage with every option and exits 0, even with a broken config', async () => {
		const cwd = await project({'devtui.config.json': '{broken'});
		const result = await runToEnd(['-h'], cwd);
		expect(result.code).toBe(0);
		expect(result.stderr).toEqual([]);
		expect(result.stdout[2]).toBe('Usage: devtui [options] -- <command> [args...]');
		expect(result.stdout.length).toBeLessThan(50);
		for (const flag of ['--watch', '--ignore', '--ext', '--debounce', '--poll', '--signal', '--timeout', '--restart-arg', '--state-file', '--restart-on-crash', '--no-tui', '--json', '--help', '--version']) {
			expect(result.stdout.some(line => line.includes(flag))).toBe(true);
		}
	});
});

describe('watching something that is not a file or directory', () => {
	it('refuses a Unix socket with one line and exit 2', async () => {
		const net = await import('node:net');
		const dir = await project({});
		const socketPath = path.join(dir, 'app.sock');
		const server = net.createServer();
		await new Promise<void>(resolve => server.listen(socketPath, resolve));
		try {
			const result = await runToEnd(['--watch', socketPath, '--', 'sh'], dir);
			expect(result.code).toBe(2);
			expect(result.stderr).toEqual([`devtui: cannot watch ${socketPath}: it is not a file or a directory (a socket, pipe or device never changes the way code does)`]);
		} finally {
			server.close();
		}
	});
});
