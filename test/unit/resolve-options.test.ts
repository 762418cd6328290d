import {describe, it, expect} from 'vitest';
import {
	configLayer,
	type ConfigSource,
	mergeLayers,
	NO_COMMAND,
	resolveOptions,
	type OptionLayer,
} from '../../src/cli/resolve-options.js';
import {closestMatch} from '../../src/cli/closest-match.js';
import {UsageError} from '../../src/usage-error.js';
import {
	DEFAULT_DEBOUNCE_MS,
	DEFAULT_POLL_MS,
	DEFAULT_RESTART_ARG,
	DEFAULT_SIGNAL,
	DEFAULT_STATE_FILE,
	DEFAULT_TIMEOUT_MS,
	type DevtuiOptions,
} from '../../src/options.js';

const cwd = '/home/dev/project';

const resolve = (layers: OptionLayer[], stdoutIsTTY = true): DevtuiOptions => resolveOptions({layers, cwd, stdoutIsTTY});

const fromConfig = (values: Record<string, unknown>): OptionLayer =>
	configLayer({file: 'devtui.config.json', keyPrefix: '', values});

const fromPackage = (values: Record<string, unknown>): OptionLayer => configLayer({file: 'package.json', keyPrefix: 'devtui.', values});

const usageMessage = (run: () => unknown): string => {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).message).not.toContain('\n');
		return (error as UsageError).message;
	}
	throw new Error('expected a UsageError');
};

describe('resolveOptions', () => {
	it('fills every default around the command', () => {
		expect(resolve([{command: ['python3', 'app.py']}])).toEqual({
			command: ['python3', 'app.py'],
			cwd,
			watch: [cwd],
			ignore: [],
			ext: [],
			debounceMs: DEFAULT_DEBOUNCE_MS,
			pollMs: undefined,
			signal: DEFAULT_SIGNAL,
			timeoutMs: DEFAULT_TIMEOUT_MS,
			restartArg: undefined,
			stateFile: `${cwd}/${DEFAULT_STATE_FILE}`,
			restartOnCrash: false,
			readyPattern: undefined,
			readyPort: undefined,
			listen: [],
			noListenPid: false,
			check: undefined,
			pythonCheck: true,
			ctl: true,
			tui: true,
			json: false,
			warm: 'off',
		} satisfies DevtuiOptions);
	});

	it('compiles the readiness pattern and checks the port', () => {
		const options = resolve([{command: ['x']}, configLayer({file: 'devtui.config.json', keyPrefix: '', values: {readyPattern: 'listening on (\\d+)', readyPort: 8000}})]);
		expect(options.readyPattern?.test('listening on 8000')).toBe(true);
		expect(options.readyPort).toBe(8000);
		expect(usageMessage(() => configLayer({file: 'devtui.config.json', keyPrefix: '', values: {readyPort: 70_000}}))).toBe(
			'devtui.config.json: "readyPort" must be a TCP port number from 1 to 65535, got 70000',
		);
		expect(usageMessage(() => configLayer({file: 'devtui.config.json', keyPrefix: '', values: {readyPattern: '[a-'}}))).toMatch(
			/^devtui\.config\.json: "readyPattern" must be a regular expression.*got "\[a-"$/,
		);
	});

	it('refuses to run without a command', () => {
		expect(usageMessage(() => resolve([{}, {watch: ['src']}]))).toBe(NO_COMMAND);
		expect(usageMessage(() => resolve([{command: []}]))).toBe(NO_COMMAND);
	});

	it('resolves watch paths and the state file against cwd, once each', () => {
		const options = resolve([{command: ['x'], watch: ['src', './src', '/abs/lib', '../shared'], stateFile: 'tmp/state.json'}]);
		expect(options.watch).toEqual([`${cwd}/src`, '/abs/lib', '/home/dev/shared']);
		expect(options.stateFile).toBe(`${cwd}/tmp/state.json`);
	});

	it('lets the first layer that sets a key win, and replaces lists rather than merging them', () => {
		const cli: OptionLayer = {command: ['cli-app'], watch: ['cli-dir'], debounceMs: 1};
		const config: OptionLayer = {command: ['config-app'], watch: ['config-dir'], ext: ['py'], debounceMs: 2, timeoutMs: 3};
		const manifest: OptionLayer = {ext: ['js', 'ts'], debounceMs: 4, timeoutMs: 5, signal: 'SIGINT', ignore: ['*.log']};
		expect(mergeLayers([cli, config, manifest])).toEqual({
			command: ['cli-app'],
			watch: ['cli-dir'],
			ext: ['py'],
			debounceMs: 1,
			timeoutMs: 3,
			signal: 'SIGINT',
			ignore: ['*.log'],
		});
	});

	it('lets an explicit false turn off poll and restartArg set by a lower layer', () => {
		const options = resolve([{command: ['x'], pollMs: false, restartArg: false}, {pollMs: 300, restartArg: '--again'}]);
		expect(options.pollMs).toBeUndefined();
		expect(options.restartArg).toBeUndefined();
		expect(resolve([{command: ['x']}, {pollMs: 300, restartArg: '--again'}])).toMatchObject({pollMs: 300, restartArg: '--again'});
	});

	it('turns the dashboard off without a terminal, with --json, or when asked', () => {
		expect(resolve([{command: ['x']}], false).tui).toBe(false);
		expect(resolve([{command: ['x'], json: true}], true)).toMatchObject({tui: false, json: true});
		expect(resolve([{command: ['x']}, {tui: false}], true).tui).toBe(false);
		expect(resolve([{command: ['x']}, {tui: true}], true).tui).toBe(true);
	});

	it('removes duplicate extensions', () => {
		expect(resolve([{command: ['x'], ext: ['py', 'js', 'py']}]).ext).toEqual(['py', 'js']);
	});
});

describe('configLayer', () => {
	it('reads every key', () => {
		expect(
			fromConfig({
				command: ['python3', 'app.py'],
				watch: 'src',
				ignore: ['*.log', 'tmp/'],
				ext: ['.PY', 'js,ts'],
				debounce: 0,
				poll: 250,
				signal: 'int',
				timeout: 2000,
				restartArg: '--resume',
				stateFile: 'state.json',
				restartOnCrash: true,
				tui: false,
				json: true,
			}),
		).toEqual({
			command: ['python3', 'app.py'],
			watch: ['src'],
			ignore: ['*.log', 'tmp/'],
			ext: ['py', 'js', 'ts'],
			debounceMs: 0,
			pollMs: 250,
			signal: 'SIGINT',
			timeoutMs: 2000,
			restartArg: '--resume',
			stateFile: 'state.json',
			restartOnCrash: true,
			tui: false,
			json: true,
		});
	});

	it('runs a command string through sh -c', () => {
		expect(fromConfig({command: 'python3 app.py | tee log'}).command).toEqual(['sh', '-c', 'python3 app.py | tee log']);
	});

	it('maps the true/false forms of poll and restartArg', () => {
		expect(fromConfig({poll: true, restartArg: true})).toEqual({pollMs: DEFAULT_POLL_MS, restartArg: DEFAULT_RESTART_ARG});
		expect(fromConfig({poll: false, restartArg: false})).toEqual({pollMs: false, restartArg: false});
	});

	it('accepts an empty ext or ignore list (to override package.json)', () => {
		expect(fromConfig({ext: [], ignore: []})).toEqual({ext: [], ignore: []});
	});

	it.each<[string, unknown, string]>([
		['debounce', 'fast', 'must be a whole number of milliseconds (0 or more), got "fast"'],
		['debounce', -1, 'must be a whole number of milliseconds (0 or more), got -1'],
		['timeout', 1.5, 'must be a whole number of milliseconds (0 or more), got 1.5'],
		['timeout', '500', 'must be a whole number of milliseconds (0 or more), got "500"'],
		['poll', 0, 'must be a whole number of milliseconds greater than 0, got 0'],
		['poll', 'yes', 'must be true, false or a whole number of milliseconds greater than 0, got "yes"'],
		['signal', 'SIGBOGUS', 'must be a signal name like SIGTERM, SIGINT or SIGHUP, got "SIGBOGUS"'],
		['signal', 15, 'must be a signal name like SIGTERM, SIGINT or SIGHUP, got 15'],
		['watch', [], 'must be a path or a list of paths, got []'],
		['watch', ['src', 3], 'must be a path or a list of paths, got 3'],
		['ignore', {pattern: 'x'}, 'must be a glob or a list of globs, got {"pattern":"x"}'],
		['ext', ['py', '*.js'], 'must be file extensions like py,js,ts, got "*.js"'],
		['restartArg', '', 'must be true, false or a flag like "--resume", got ""'],
		['stateFile', null, 'must be a path, got null'],
		['restartOnCrash', 'yes', 'must be true or false, got "yes"'],
		['tui', 0, 'must be true or false, got 0'],
		['json', 'true', 'must be true or false, got "true"'],
		['command', [], 'must be a command line string (run by sh -c) or an array like ["python3", "app.py"], got []'],
		['command', ['python3', 42], 'must be a command line string (run by sh -c) or an array like ["python3", "app.py"], got 42'],
		['command', '  ', 'must be a command line string (run by sh -c) or an array like ["python3", "app.py"], got "  "'],
	])('rejects %s: %j naming file and key', (key, value, problem) => {
		expect(usageMessage(() => fromConfig({[key]: value}))).toBe(`devtui.config.json: "${key}" ${problem}`);
	});

	it('refuses SIGKILL from a config file too', () => {
		expect(usageMessage(() => fromConfig({signal: 'KILL'}))).toMatch(/^devtui\.config\.json: "signal" cannot be SIGKILL: /);
	});

	it('names package.json keys under "devtui."', () => {
		expect(usageMessage(() => fromPackage({timeout: 'never'}))).toBe(
			'package.json: "devtui.timeout" must be a whole number of milliseconds (0 or more), got "never"',
		);
	});

	it('shortens long values in messages', () => {
		const message = usageMessage(() => fromConfig({tui: 'x'.repeat(500)}));
		expect(message.length).toBeLessThan(140);
	});

	it.each([
		['wach', 'watch'],
		['restart-on-crash', 'restartOnCrash'],
		['restart_arg', 'restartArg'],
		['debounceMs', 'debounce'],
		['Timeout', 'timeout'],
		['signals', 'signal'],
	])('rejects the unknown key %s and suggests %s', (key, guess) => {
		expect(usageMessage(() => fromConfig({[key]: 1}))).toMatch(
			new RegExp(`^devtui\\.config\\.json: unknown key "${key}" \\(did you mean "${guess}"\\? known keys: command, watch, `),
		);
	});

	it('rejects an unknown key without a suggestion when nothing is close', () => {
		expect(usageMessage(() => fromPackage({colour: 'red'}))).toMatch(/^package\.json: unknown key "devtui\.colour" \(known keys: /);
	});

	it('does not treat inherited object properties as keys', () => {
		expect(usageMessage(() => fromConfig({toString: 'x'}))).toMatch(/unknown key "toString"/);
	});
});

describe('closestMatch', () => {
	it('finds a near miss and ignores distant words', () => {
		expect(closestMatch('wath', ['watch', 'json'])).toBe('watch');
		expect(closestMatch('zzz', ['watch', 'json'])).toBeUndefined();
		expect(closestMatch('a', ['ab', 'b'])).toBe('ab');
	});
});

describe('configLayer with resolveOptions', () => {
	it('gives command line > devtui.config.json > package.json', () => {
		const config: ConfigSource = {file: 'devtui.config.json', keyPrefix: '', values: {debounce: 2, timeout: 3, watch: ['lib']}};
		const manifest: ConfigSource = {file: 'package.json', keyPrefix: 'devtui.', values: {debounce: 4, timeout: 5, signal: 'HUP', command: 'make run'}};
		const options = resolve([{debounceMs: 1}, configLayer(config), configLayer(manifest)]);
		expect(options).toMatchObject({debounceMs: 1, timeoutMs: 3, signal: 'SIGHUP', watch: [`${cwd}/lib`], command: ['sh', '-c', 'make run']});
	});
});
