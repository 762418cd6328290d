// Reads devtui's own flags from argv. Everything after `--`, or from the first argument that is not
// an option, is the app's command: it is never read as devtui options, so `devtui node app.js --watch`
// hands `--watch` to the app.

import {DEFAULT_POLL_MS, DEFAULT_RESTART_ARG} from '../options.js';
import {
	EXT,
	extensions,
	flagSubject,
	LISTEN,
	listenAddress,
	millis,
	MS,
	nonEmptyString,
	type OptionLayer,
	PORT,
	READY_PATTERN,
	readyPattern,
	SIGNAL,
	signalName,
	tcpPort,
	warmMode,
} from './resolve-options.js';
import {closestMatch} from './closest-match.js';
import {UsageError} from '../usage-error.js';

export interface ParsedArgs {
	help: boolean;
	version: boolean;
	/** The options given, and `command` when one was given. */
	layer: OptionLayer;
}

interface OptionSpec {
	names: string[];
	/**
	 * `switch`: no value. `value`: `--opt value` or `--opt=value`. `optional`: the value only via `=`,
	 * or as the next argument when it matches `nextIf` (so `--poll app.py` leaves app.py alone).
	 */
	takes: 'switch' | 'value' | 'optional';
	/** What the value is and an example, for "needs a value" errors. */
	value?: {what: string; example: string};
	nextIf?: RegExp;
	apply: (parsed: ParsedArgs, value: string | undefined, flag: string) => void;
}

const msFlag = (text: string | undefined, flag: string, positive = false): number => {
	const raw = text ?? '';
	return millis(/^\d+$/.test(raw) ? Number(raw) : raw, flagSubject(flag), {positive, raw});
};

const appendPath = (key: 'watch' | 'ignore', what: string): OptionSpec['apply'] => (parsed, value, flag) => {
	parsed.layer[key] = [...(parsed.layer[key] ?? []), nonEmptyString(value, flagSubject(flag), what)];
};

const specs: OptionSpec[] = [
	{
		names: ['-w', '--watch'],
		takes: 'value',
		value: {what: 'a file or directory', example: '--watch src'},
		apply: appendPath('watch', 'a file or directory'),
	},
	{
		names: ['-i', '--ignore'],
		takes: 'value',
		value: {what: 'a gitignore-style pattern', example: '--ignore "*.log"'},
		apply: appendPath('ignore', 'a gitignore-style pattern'),
	},
	{
		names: ['-e', '--ext'],
		takes: 'value',
		value: {what: EXT, example: '--ext py,js'},
		apply: (parsed, value, flag) => {
			parsed.layer.ext = [...(parsed.layer.ext ?? []), ...extensions(value, flagSubject(flag))];
		},
	},
	{
		names: ['--debounce'],
		takes: 'value',
		value: {what: MS, example: '--debounce 200'},
		apply: (parsed, value, flag) => (parsed.layer.debounceMs = msFlag(value, flag)),
	},
	{
		names: ['--poll'],
		takes: 'optional',
		nextIf: /^\d+$/,
		apply: (parsed, value, flag) => (parsed.layer.pollMs = value === undefined ? DEFAULT_POLL_MS : msFlag(value, flag, true)),
	},
	{
		names: ['--signal'],
		takes: 'value',
		value: {what: SIGNAL, example: '--signal SIGINT'},
		apply: (parsed, value, flag) => (parsed.layer.signal = signalName(value, flagSubject(flag))),
	},
	{
		names: ['--timeout'],
		takes: 'value',
		value: {what: MS, example: '--timeout 5000'},
		apply: (parsed, value, flag) => (parsed.layer.timeoutMs = msFlag(value, flag)),
	},
	{
		// Restart flags start with `-`, so a custom one is only accepted after `=`.
		names: ['--restart-arg'],
		takes: 'optional',
		apply: (parsed, value, flag) => {
			parsed.layer.restartArg =
				value === undefined ? DEFAULT_RESTART_ARG : nonEmptyString(value, flagSubject(flag), 'a flag after "=", e.g. --restart-arg=--resume');
		},
	},
	{
		names: ['--state-file'],
		takes: 'value',
		value: {what: 'a path', example: '--state-file tmp/state.json'},
		apply: (parsed, value, flag) => (parsed.layer.stateFile = nonEmptyString(value, flagSubject(flag), 'a path')),
	},
	{names: ['--restart-on-crash'], takes: 'switch', apply: parsed => (parsed.layer.restartOnCrash = true)},
	{
		names: ['--ready-pattern'],
		takes: 'value',
		value: {what: READY_PATTERN, example: '--ready-pattern "listening on"'},
		apply: (parsed, value, flag) => (parsed.layer.readyPattern = readyPattern(value, flagSubject(flag))),
	},
	{
		names: ['--ready-port'],
		takes: 'value',
		value: {what: PORT, example: '--ready-port 8000'},
		apply: (parsed, value, flag) => (parsed.layer.readyPort = tcpPort(value, flagSubject(flag))),
	},
	{
		names: ['--listen'],
		takes: 'value',
		value: {what: LISTEN, example: '--listen 8000'},
		apply: (parsed, value, flag) => {
			parsed.layer.listen = [...(parsed.layer.listen ?? []), listenAddress(value, flagSubject(flag))];
		},
	},
	{names: ['--no-listen-pid'], takes: 'switch', apply: parsed => (parsed.layer.listenPid = false)},
	{
		names: ['--check'],
		takes: 'value',
		value: {what: 'a shell command', example: '--check "mypy src"'},
		apply: (parsed, value, flag) => (parsed.layer.check = nonEmptyString(value, flagSubject(flag), 'a shell command')),
	},
	{names: ['--no-check'], takes: 'switch', apply: parsed => (parsed.layer.check = false)},
	{names: ['--no-python-check'], takes: 'switch', apply: parsed => (parsed.layer.pythonCheck = false)},
	{names: ['--no-ctl'], takes: 'switch', apply: parsed => (parsed.layer.ctl = false)},
	{
		names: ['--only'],
		takes: 'value',
		value: {what: 'service names from "services" or the Procfile', example: '--only api,web'},
		apply: (parsed, value, flag) => {
			const names = nonEmptyString(value, flagSubject(flag), 'service names like api,web')
				.split(',')
				.map(name => name.trim())
				.filter(name => name !== '');
			parsed.layer.only = [...(parsed.layer.only ?? []), ...names];
		},
	},
	{
		// Only `--warm=no-preload` takes a value, so `--warm app.py` leaves app.py alone.
		names: ['--warm'],
		takes: 'optional',
		apply: (parsed, value, flag) => (parsed.layer.warm = warmMode(value ?? true, flagSubject(flag))),
	},
	{names: ['--no-tui'], takes: 'switch', apply: parsed => (parsed.layer.tui = false)},
	{names: ['--json'], takes: 'switch', apply: parsed => (parsed.layer.json = true)},
	{names: ['-h', '--help'], takes: 'switch', apply: parsed => (parsed.help = true)},
	{names: ['-v', '--version'], takes: 'switch', apply: parsed => (parsed.version = true)},
];

const byName = new Map(specs.flatMap(spec => spec.names.map(name => [name, spec] as const)));
const longNames = specs.flatMap(spec => spec.names.filter(name => name.startsWith('--')));

const flagOf = (arg: string) => {
	const equals = arg.indexOf('=');
	return equals === -1 ? {flag: arg, inline: undefined} : {flag: arg.slice(0, equals), inline: arg.slice(equals + 1)};
};

const unknownOption = (flag: string): UsageError => {
	const guess = closestMatch(flag, longNames, name => name.replace(/^-+/, '').toLowerCase());
	return new UsageError(`unknown option ${flag}${guess ? `: did you mean ${guess}?` : ''} (see devtui --help)`);
};

const missingValue = (flag: string, spec: OptionSpec): UsageError =>
	new UsageError(`${flag} needs a value: ${spec.value!.what}, e.g. ${spec.value!.example}`);

// A known option where a value should be means the value was forgotten (`--watch --json`); anything
// else, even `-5`, is taken as the value so that its own check can say what is wrong with it.
const isValueArgument = (next: string | undefined): next is string =>
	next !== undefined && next !== '--' && !byName.has(flagOf(next).flag);

const withCommand = (parsed: ParsedArgs, command: string[]): ParsedArgs => {
	if (command.length > 0) parsed.layer.command = command;
	return parsed;
};

/** Parses devtui's argv (process.argv.slice(2)); throws UsageError for anything it cannot accept. */
export const parseArgs = (argv: readonly string[]): ParsedArgs => {
	const parsed: ParsedArgs = {help: false, version: false, layer: {}};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') return withCommand(parsed, argv.slice(index + 1));
		if (!arg.startsWith('-') || arg === '-') return withCommand(parsed, argv.slice(index));
		const {flag, inline} = flagOf(arg);
		const spec = byName.get(flag);
		if (!spec) throw unknownOption(flag);
		let value = inline;
		if (spec.takes === 'switch' && inline !== undefined) {
			throw new UsageError(`${flag} is a switch and takes no value: use ${flag}, not ${arg}`);
		}
		if (spec.takes === 'value' && value === undefined) {
			const next = argv[index + 1];
			if (!isValueArgument(next)) throw missingValue(flag, spec);
			value = next;
			index++;
		}
		if (spec.takes === 'optional' && value === undefined && spec.nextIf?.test(argv[index + 1] ?? '')) {
			value = argv[index + 1];
			index++;
		}
		spec.apply(parsed, value, flag);
	}
	return parsed;
};
