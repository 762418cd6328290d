// Turns option layers (the command line, devtui.config.json, package.json "devtui") into the
// DevtuiOptions the core runs with. Pure: no file system, so every rule is unit-testable.

import os from 'node:os';
import path from 'node:path';
import {
	DEFAULT_DEBOUNCE_MS,
	DEFAULT_POLL_MS,
	DEFAULT_RESTART_ARG,
	DEFAULT_SIGNAL,
	DEFAULT_STATE_FILE,
	DEFAULT_TIMEOUT_MS,
	type DevtuiOptions,
	type ListenAddress,
} from '../options.js';
import {closestMatch} from './closest-match.js';
import {UsageError} from '../usage-error.js';

/** Options from one source, checked but not merged or defaulted. `false` means "explicitly off". */
export interface OptionLayer {
	command?: string[];
	watch?: string[];
	ignore?: string[];
	ext?: string[];
	debounceMs?: number;
	pollMs?: number | false;
	signal?: NodeJS.Signals;
	timeoutMs?: number;
	restartArg?: string | false;
	stateFile?: string;
	restartOnCrash?: boolean;
	readyPattern?: RegExp;
	readyPort?: number;
	listen?: ListenAddress[];
	listenPid?: boolean;
	check?: string | false;
	pythonCheck?: boolean;
	ctl?: boolean;
	tui?: boolean;
	json?: boolean;
	warm?: 'on' | 'no-preload' | false;
	/** `--only api,web`: run these services (and what they depend on). Command line only. */
	only?: string[];
}

/**
 * Who a value came from, so one check can word its error for a flag
 * (`--timeout expects ...`) or for a config key (`devtui.config.json: "timeout" must be ...`).
 */
export interface Subject {
	name: string;
	verb: 'expects' | 'must be';
}

export const flagSubject = (flag: string): Subject => ({name: flag, verb: 'expects'});

const show = (value: unknown): string => {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

export const invalid = (subject: Subject, what: string, value: unknown): UsageError =>
	new UsageError(`${subject.name} ${subject.verb} ${what}, got ${show(value)}`);

export const MS = 'a whole number of milliseconds (0 or more)';
export const POSITIVE_MS = 'a whole number of milliseconds greater than 0';
// Node's timers overflow above this and would fire at once.
const MAX_MS = 2 ** 31 - 1;

/**
 * Checks a millisecond count. The command line passes its text as `raw` (a number only when it is
 * all digits), so errors quote what the user typed.
 */
export const millis = (value: unknown, subject: Subject, {positive = false, raw = value} = {}): number => {
	const what = positive ? POSITIVE_MS : MS;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < (positive ? 1 : 0)) throw invalid(subject, what, raw);
	if (value > MAX_MS) throw invalid(subject, `at most ${MAX_MS} milliseconds (about 24 days)`, raw);
	return value;
};

export const SIGNAL = 'a signal name like SIGTERM, SIGINT or SIGHUP';
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** `TERM`, `sigterm` and `SIGTERM` all mean SIGTERM. */
export const signalName = (value: unknown, subject: Subject): NodeJS.Signals => {
	if (typeof value !== 'string') throw invalid(subject, SIGNAL, value);
	const upper = value.trim().toUpperCase();
	const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
	if (!Object.hasOwn(os.constants.signals, name)) throw invalid(subject, SIGNAL, value);
	if (UNCATCHABLE.has(name)) {
		throw new UsageError(
			`${subject.name} cannot be ${name}: the app cannot catch it, so it gets no graceful stop ` +
				`(devtui sends SIGKILL itself after the timeout); use SIGTERM, SIGINT or SIGHUP`,
		);
	}
	return name as NodeJS.Signals;
};

export const EXT = 'file extensions like py,js,ts';

/** `py,js` and `.PY, .js` both become ['py', 'js']. */
export const extensions = (value: unknown, subject: Subject): string[] => {
	if (typeof value !== 'string') throw invalid(subject, EXT, value);
	const items = value
		.split(',')
		.map(item => item.trim().replace(/^\.+/, '').toLowerCase())
		.filter(item => item !== '');
	if (items.length === 0 || items.some(item => !/^[\w+-]+(\.[\w+-]+)*$/.test(item))) throw invalid(subject, EXT, value);
	return items;
};

export const nonEmptyString = (value: unknown, subject: Subject, what: string): string => {
	if (typeof value !== 'string' || value.trim() === '') throw invalid(subject, what, value);
	return value;
};

const stringList = (value: unknown, subject: Subject, what: string, {allowEmpty = true} = {}): string[] => {
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list) || (!allowEmpty && list.length === 0)) throw invalid(subject, what, value);
	return list.map(item => nonEmptyString(item, subject, what));
};

const boolean = (value: unknown, subject: Subject): boolean => {
	if (typeof value !== 'boolean') throw invalid(subject, 'true or false', value);
	return value;
};

type KeyReader = (value: unknown, subject: Subject) => OptionLayer;

const configKeys: Record<string, KeyReader> = {
	command: (value, s) => {
		const what = 'a command line string (run by sh -c) or an array like ["python3", "app.py"]';
		if (typeof value === 'string') return {command: ['sh', '-c', nonEmptyString(value, s, what)]};
		return {command: stringList(value, s, what, {allowEmpty: false})};
	},
	watch: (value, s) => ({watch: stringList(value, s, 'a path or a list of paths', {allowEmpty: false})}),
	ignore: (value, s) => ({ignore: stringList(value, s, 'a glob or a list of globs')}),
	ext: (value, s) => ({ext: stringList(value, s, EXT).flatMap(item => extensions(item, s))}),
	debounce: (value, s) => ({debounceMs: millis(value, s)}),
	poll: (value, s) => {
		if (value === true) return {pollMs: DEFAULT_POLL_MS};
		if (value === false) return {pollMs: false};
		if (typeof value !== 'number') throw invalid(s, `true, false or ${POSITIVE_MS}`, value);
		return {pollMs: millis(value, s, {positive: true})};
	},
	signal: (value, s) => ({signal: signalName(value, s)}),
	timeout: (value, s) => ({timeoutMs: millis(value, s)}),
	restartArg: (value, s) => {
		if (value === true) return {restartArg: DEFAULT_RESTART_ARG};
		if (value === false) return {restartArg: false};
		return {restartArg: nonEmptyString(value, s, 'true, false or a flag like "--resume"')};
	},
	stateFile: (value, s) => ({stateFile: nonEmptyString(value, s, 'a path')}),
	restartOnCrash: (value, s) => ({restartOnCrash: boolean(value, s)}),
	readyPattern: (value, s) => ({readyPattern: readyPattern(value, s)}),
	readyPort: (value, s) => ({readyPort: tcpPort(value, s)}),
	listen: (value, s) => {
		const list = Array.isArray(value) ? value : [value];
		if (list.length === 0) throw invalid(s, LISTEN, value);
		return {listen: list.map(item => listenAddress(typeof item === 'number' ? String(item) : item, s))};
	},
	listenPid: (value, s) => ({listenPid: boolean(value, s)}),
	check: (value, s) => ({check: value === false ? false : nonEmptyString(value, s, 'a shell command like "mypy src", or false')}),
	pythonCheck: (value, s) => ({pythonCheck: boolean(value, s)}),
	ctl: (value, s) => ({ctl: boolean(value, s)}),
	tui: (value, s) => ({tui: boolean(value, s)}),
	json: (value, s) => ({json: boolean(value, s)}),
	warm: (value, s) => ({warm: warmMode(value, s)}),
	// A stack of services: read by resolve-services.ts, which gives each the keys above.
	services: () => ({}),
};

export const WARM = 'true, false or "no-preload"';

/** --warm's value: true (or nothing) is on, "no-preload" is the interpreter only. */
export const warmMode = (value: unknown, subject: Subject): 'on' | 'no-preload' | false => {
	if (value === true || value === undefined) return 'on';
	if (value === false) return false;
	if (value === 'no-preload') return 'no-preload';
	throw invalid(subject, WARM, value);
};

/** The keys that do not make sense per service: they are about devtui's own output, or the stack itself. */
const GLOBAL_KEYS = new Set(['tui', 'json', 'ctl', 'services']);

/** Every option a service may set for itself, by the same camelCase name as at the top level. */
export const SERVICE_OPTION_KEYS = Object.keys(configKeys).filter(key => !GLOBAL_KEYS.has(key));

/** Reads one option's value, as at the top level of a config file; undefined for a key that is not an option. */
export const readOptionKey = (key: string, value: unknown, subject: Subject): OptionLayer | undefined =>
	Object.hasOwn(configKeys, key) && !GLOBAL_KEYS.has(key) ? configKeys[key]!(value, subject) : undefined;

export const READY_PATTERN = 'a regular expression, e.g. "listening on"';
export const PORT = 'a TCP port number from 1 to 65535';

/** Compiles the readiness pattern, turning a syntax error into a usage error. */
export const readyPattern = (value: unknown, subject: Subject): RegExp => {
	const source = nonEmptyString(value, subject, READY_PATTERN);
	try {
		return new RegExp(source);
	} catch (error) {
		throw invalid(subject, `${READY_PATTERN} (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`, value);
	}
};

export const tcpPort = (value: unknown, subject: Subject): number => {
	const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
	if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) throw invalid(subject, PORT, value);
	return port;
};

export const LISTEN = 'a port like 8000 or host:port like 0.0.0.0:8000';

/** `8000` -> 127.0.0.1:8000; `0.0.0.0:8000`, `localhost:8000`, `[::1]:8000` as given. */
export const listenAddress = (value: unknown, subject: Subject): ListenAddress => {
	if (typeof value !== 'string') throw invalid(subject, LISTEN, value);
	const name = value.trim();
	const match = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+)):)?(\d+)$/.exec(name);
	if (!match) throw invalid(subject, LISTEN, value);
	const port = Number(match[3]);
	if (port < 1 || port > 65_535) throw invalid(subject, LISTEN, value);
	return {host: match[1] ?? match[2] ?? '127.0.0.1', port, name};
};

export const CONFIG_KEYS = Object.keys(configKeys);

/** One config object, as read from a file (`file`), its keys shown with `keyPrefix` ('devtui.' in package.json). */
export interface ConfigSource {
	file: string;
	keyPrefix: string;
	values: Record<string, unknown>;
}

// `restart-on-crash` and `Timeout` are the same key to a reader; compare them that way.
export const looseKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Checks every key of a config object; unknown keys are errors so that typos never go unnoticed. */
export const configLayer = ({file, keyPrefix, values}: ConfigSource): OptionLayer => {
	const layer: OptionLayer = {};
	for (const [key, value] of Object.entries(values)) {
		const reader = Object.hasOwn(configKeys, key) ? configKeys[key] : undefined;
		if (!reader) {
			const guess = closestMatch(key, CONFIG_KEYS, looseKey);
			const hint = guess ? `did you mean "${keyPrefix}${guess}"? ` : '';
			throw new UsageError(`${file}: unknown key "${keyPrefix}${key}" (${hint}known keys: ${CONFIG_KEYS.join(', ')})`);
		}
		Object.assign(layer, reader(value, {name: `${file}: "${keyPrefix}${key}"`, verb: 'must be'}));
	}
	return layer;
};

/** Later layers only fill what earlier ones left unset: pass them highest precedence first. */
export const mergeLayers = (layers: readonly OptionLayer[]): OptionLayer => {
	const merged: Record<string, unknown> = {};
	for (const layer of layers) {
		for (const [key, value] of Object.entries(layer)) {
			if (value !== undefined && merged[key] === undefined) merged[key] = value;
		}
	}
	return merged as OptionLayer;
};

export const NO_COMMAND =
	'no command to run: give one after --, e.g. devtui -- python3 app.py (or set "command" in devtui.config.json)';

const unique = <T>(items: T[]): T[] => [...new Set(items)];

const uniqueListen = (addresses: ListenAddress[]): ListenAddress[] => {
	const seen = new Map<string, ListenAddress>();
	for (const address of addresses) {
		const key = `${address.host}:${address.port}`;
		const earlier = seen.get(key);
		if (earlier && earlier.name !== address.name) {
			throw new UsageError(`--listen ${earlier.name} and --listen ${address.name} are the same address; give it once`);
		}
		seen.set(key, address);
	}
	return [...seen.values()];
};

export const resolveOptions = ({
	layers,
	cwd,
	stdoutIsTTY,
}: {
	layers: readonly OptionLayer[];
	cwd: string;
	stdoutIsTTY: boolean;
}): DevtuiOptions => {
	const merged = mergeLayers(layers);
	if (!merged.command || merged.command.length === 0) throw new UsageError(NO_COMMAND);
	const json = merged.json ?? false;
	return {
		command: merged.command,
		cwd,
		watch: unique((merged.watch ?? [cwd]).map(watched => path.resolve(cwd, watched))),
		ignore: merged.ignore ?? [],
		ext: unique(merged.ext ?? []),
		debounceMs: merged.debounceMs ?? DEFAULT_DEBOUNCE_MS,
		pollMs: merged.pollMs === false ? undefined : merged.pollMs,
		signal: merged.signal ?? DEFAULT_SIGNAL,
		timeoutMs: merged.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		restartArg: merged.restartArg === false ? undefined : merged.restartArg,
		stateFile: path.resolve(cwd, merged.stateFile ?? DEFAULT_STATE_FILE),
		restartOnCrash: merged.restartOnCrash ?? false,
		readyPattern: merged.readyPattern,
		readyPort: merged.readyPort,
		listen: uniqueListen(merged.listen ?? []),
		noListenPid: merged.listenPid === false,
		check: merged.check === false ? undefined : merged.check,
		pythonCheck: merged.pythonCheck ?? true,
		ctl: merged.ctl ?? true,
		// The dashboard needs a terminal, and --json owns stdout.
		tui: (merged.tui ?? true) && stdoutIsTTY && !json,
		json,
		warm: merged.warm === undefined || merged.warm === false ? 'off' : merged.warm,
	};
};
