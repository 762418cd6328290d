import {describe, it, expect} from 'vitest';
import {parseArgs} from '../../src/cli/parse-args.js';
import {UsageError} from '../../src/usage-error.js';
import {DEFAULT_POLL_MS, DEFAULT_RESTART_ARG} from '../../src/options.js';

/** The UsageError parseArgs throws for argv (fails the test if it does not throw one). */
const usageError = (argv: string[]): UsageError => {
	try {
		parseArgs(argv);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		const usage = error as UsageError;
		expect(usage.exitCode).toBe(2);
		expect(usage.message).not.toContain('\n');
		return usage;
	}
	throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
};

describe('parseArgs: the command', () => {
	it('takes everything after -- as the command, even things that look like devtui flags', () => {
		expect(parseArgs(['--json', '--', 'python3', 'app.py', '--watch', 'x', '--']).layer).toEqual({
			json: true,
			command: ['python3', 'app.py', '--watch', 'x', '--'],
		});
	});

	it('starts the command at the first non-option argument when there is no --', () => {
		const {layer} = parseArgs(['-w', 'src', 'node', 'server.js', '--help', '-v']);
		expect(layer).toEqual({watch: ['src'], command: ['node', 'server.js', '--help', '-v']});
	});

	it('leaves the command unset when none is given, including a bare --', () => {
		expect(parseArgs([]).layer).toEqual({});
		expect(parseArgs(['--json', '--']).layer).toEqual({json: true});
	});

	it('honours -h/--help and -v/--version before the command only', () => {
		expect(parseArgs(['--help']).help).toBe(true);
		expect(parseArgs(['-h', '--', 'node']).help).toBe(true);
		expect(parseArgs(['-v']).version).toBe(true);
		expect(parseArgs(['--version']).version).toBe(true);
		const toApp = parseArgs(['--', 'node', '--help', '--version']);
		expect({help: toApp.help, version: toApp.version}).toEqual({help: false, version: false});
	});

	it('still reports a bad flag when --help is also given', () => {
		expect(usageError(['--help', '--timeout', 'soon']).message).toContain('--timeout');
	});
});

describe('parseArgs: valued options', () => {
	it('accepts --opt value, --opt=value and -x value', () => {
		const {layer} = parseArgs(['--watch', 'a', '--watch=b', '-w', 'c', '--debounce=20', '--timeout', '300', '--state-file', 's.json']);
		expect(layer).toEqual({watch: ['a', 'b', 'c'], debounceMs: 20, timeoutMs: 300, stateFile: 's.json'});
	});

	it('collects repeated --ignore and keeps the patterns as written', () => {
		expect(parseArgs(['-i', '*.log', '--ignore=dist/**', '--ignore', '!keep.log']).layer.ignore).toEqual(['*.log', 'dist/**', '!keep.log']);
	});

	it('normalises and merges --ext lists', () => {
		expect(parseArgs(['-e', 'py,JS', '--ext', '.ts, .tsx,', '--ext=.tar.gz']).layer.ext).toEqual(['py', 'js', 'ts', 'tsx', 'tar.gz']);
	});

	it.each([['*.py'], [','], [''], ['src/app.py'], ['py js']])('rejects --ext %j', ext => {
		expect(usageError(['--ext', ext]).message).toBe(`--ext expects file extensions like py,js,ts, got ${JSON.stringify(ext)}`);
	});

	it('takes a dash-led value such as -5 so that its own check can explain it', () => {
		expect(usageError(['--timeout', '-5', 'node']).message).toBe('--timeout expects a whole number of milliseconds (0 or more), got "-5"');
	});

	it.each([
		['--debounce', 'fast'],
		['--debounce', '1.5'],
		['--timeout', '1e3'],
		['--timeout', ' 10'],
		['--debounce', ''],
	])('rejects %s %j', (flag, value) => {
		expect(usageError([`${flag}=${value}`]).message).toBe(
			`${flag} expects a whole number of milliseconds (0 or more), got ${JSON.stringify(value)}`,
		);
	});

	it('accepts 0 for --timeout and --debounce', () => {
		expect(parseArgs(['--timeout', '0', '--debounce', '0']).layer).toEqual({timeoutMs: 0, debounceMs: 0});
	});

	it('rejects timers too large for Node', () => {
		expect(usageError(['--timeout', '99999999999']).message).toMatch(/^--timeout expects at most 2147483647 milliseconds/);
	});

	it('reports a missing value at the end or before another option', () => {
		expect(usageError(['--watch']).message).toBe('--watch needs a value: a file or directory, e.g. --watch src');
		expect(usageError(['-w', '--json', 'node']).message).toMatch(/^-w needs a value/);
		expect(usageError(['--timeout', '--', 'node']).message).toMatch(/^--timeout needs a value: a whole number of milliseconds/);
		expect(usageError(['--signal', '--debounce=5']).message).toMatch(/^--signal needs a value/);
	});

	it('rejects empty paths', () => {
		expect(usageError(['--watch=']).message).toBe('--watch expects a file or directory, got ""');
		expect(usageError(['--state-file', '']).message).toBe('--state-file expects a path, got ""');
	});
});

describe('parseArgs: --signal', () => {
	it.each([
		['SIGTERM', 'SIGTERM'],
		['TERM', 'SIGTERM'],
		['sigint', 'SIGINT'],
		['int', 'SIGINT'],
		['Hup', 'SIGHUP'],
		['usr2', 'SIGUSR2'],
	])('normalises %s to %s', (given, expected) => {
		expect(parseArgs(['--signal', given]).layer.signal).toBe(expected);
	});

	it.each([['FOO'], ['SIG'], ['15'], ['']])('rejects %j', given => {
		expect(usageError(['--signal', given]).message).toBe(
			`--signal expects a signal name like SIGTERM, SIGINT or SIGHUP, got ${JSON.stringify(given)}`,
		);
	});

	it.each([['SIGKILL'], ['kill'], ['STOP']])('rejects the uncatchable %s and says why', given => {
		const {message} = usageError(['--signal', given]);
		expect(message).toMatch(/^--signal cannot be SIG(KILL|STOP): the app cannot catch it/);
		expect(message).toContain('use SIGTERM');
	});
});

describe('parseArgs: --poll and --restart-arg', () => {
	it('--poll alone uses the default interval and leaves a following command alone', () => {
		expect(parseArgs(['--poll']).layer).toEqual({pollMs: DEFAULT_POLL_MS});
		expect(parseArgs(['--poll', 'node', '500']).layer).toEqual({pollMs: DEFAULT_POLL_MS, command: ['node', '500']});
	});

	it('takes an interval after = or as an all-digit next argument', () => {
		expect(parseArgs(['--poll=250']).layer.pollMs).toBe(250);
		expect(parseArgs(['--poll', '500', 'node']).layer).toEqual({pollMs: 500, command: ['node']});
	});

	it.each([['--poll=0'], ['--poll', '0'], ['--poll=abc'], ['--poll='], ['--poll=-1']])('rejects %s %s', (...argv) => {
		expect(usageError(argv).message).toMatch(/^--poll expects a whole number of milliseconds greater than 0, got "/);
	});

	it('--restart-arg alone uses the default flag; a custom flag only after =', () => {
		expect(parseArgs(['--restart-arg']).layer.restartArg).toBe(DEFAULT_RESTART_ARG);
		expect(parseArgs(['--restart-arg=--resume']).layer.restartArg).toBe('--resume');
		expect(parseArgs(['--restart-arg', 'python3']).layer).toEqual({restartArg: DEFAULT_RESTART_ARG, command: ['python3']});
	});

	it('rejects an empty --restart-arg=', () => {
		expect(usageError(['--restart-arg=']).message).toMatch(/^--restart-arg expects a flag after "=", e.g. --restart-arg=--resume/);
	});
});

describe('parseArgs: switches', () => {
	it('sets booleans', () => {
		expect(parseArgs(['--restart-on-crash', '--no-tui', '--json']).layer).toEqual({restartOnCrash: true, tui: false, json: true});
		expect(parseArgs(['--no-listen-pid']).layer).toEqual({listenPid: false});
	});

	it.each([['--json=1'], ['--no-tui=true'], ['--restart-on-crash='], ['--help=yes'], ['-v=1']])('rejects a value on %s', arg => {
		const flag = arg.slice(0, arg.indexOf('='));
		expect(usageError([arg]).message).toBe(`${flag} is a switch and takes no value: use ${flag}, not ${arg}`);
	});
});

describe('parseArgs: unknown options', () => {
	it.each([
		['--wath', '--watch'],
		['--jsn', '--json'],
		['--timout=5', '--timeout'],
		['--Debounce', '--debounce'],
		['-watch', '--watch'],
		['--no-tiu', '--no-tui'],
		['--restart-on-crsh', '--restart-on-crash'],
	])('suggests the closest option for %s', (arg, suggestion) => {
		const flag = arg.split('=')[0];
		expect(usageError([arg, '--', 'node']).message).toBe(`unknown option ${flag}: did you mean ${suggestion}? (see devtui --help)`);
	});

	it.each([['--frobnicate'], ['-x'], ['-hv'], ['--tuitui']])('names %s without a far-fetched suggestion', arg => {
		expect(usageError([arg]).message).toBe(`unknown option ${arg} (see devtui --help)`);
	});
});
