// Turns `"services"` (devtui.config.json or package.json's "devtui") or a Procfile into the
// stack's ServiceSpecs. Pure, like resolve-options, whose option table it reuses: every per-service
// key is the top-level option of the same name, checked by the same reader, and the top-level
// options (and the command line's) are the defaults every service starts from. A service's own
// key wins, then the command line, then the config's top level.
//
//   "services": {
//     "queue": {"command": "node queue.js", "readyPort": 4000},
//     "api": {"command": ["python3", "api.py"], "cwd": "api", "dependsOn": {"queue": "ready"}},
//     "web": {"command": "node web.js", "dependsOn": {"api": {"condition": "started", "restart": true}}}
//   }
//
// Every mistake is one line naming the file, the service and the key, as a UsageError (exit 2).

import path from 'node:path';
import type {DevtuiOptions, ListenAddress} from '../options.js';
import {findCycle, startOrder, withDependencies} from '../stack/dependency-graph.js';
import type {ServiceSpec} from '../stack/service-spec.js';
import type {Dependency, DependencyCondition} from '../stack/stack-types.js';
import {UsageError} from '../usage-error.js';
import {closestMatch} from './closest-match.js';
import type {ProcfileEntry} from './parse-procfile.js';
import {PROCFILE} from './parse-procfile.js';
import {
	type ConfigSource,
	configLayer,
	invalid,
	looseKey,
	type OptionLayer,
	readOptionKey,
	resolveOptions,
	SERVICE_OPTION_KEYS,
	type Subject,
} from './resolve-options.js';

/** Keys a service has beyond the options: where it runs, what it gets, what it waits for. */
const STACK_KEYS = ['cwd', 'env', 'dependsOn'];
export const SERVICE_KEYS = [...SERVICE_OPTION_KEYS, ...STACK_KEYS];

export const CONDITIONS: readonly DependencyCondition[] = ['started', 'ready', 'completed'];

/** Names go into prefixes, `--only a,b` and `devtui ctl restart <name>`: no commas, no spaces. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** foreman's and honcho's convention: the first Procfile service gets PORT 5000, the next 5100, ... */
export const PROCFILE_BASE_PORT = 5000;
export const PROCFILE_PORT_STEP = 100;

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where a service's settings came from, to word its errors. */
interface Origin {
	file: string;
	/** `services.api.` or `devtui.services.api.` */
	keyPrefix: string;
}

const subjectOf = (origin: Origin, key: string): Subject => ({name: `${origin.file}: "${origin.keyPrefix}${key}"`, verb: 'must be'});

const describeServices = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none');

/** "unknown service" with the nearest name, for dependsOn and --only alike. */
const unknownService = (where: string, name: string, known: readonly string[]): UsageError => {
	const guess = closestMatch(name, known, text => text.toLowerCase());
	return new UsageError(`${where}: unknown service "${name}" (${guess ? `did you mean "${guess}"? ` : ''}services: ${describeServices(known)})`);
};

const DEPENDENCY = `"started", "ready" or "completed", or {"condition": ..., "restart": true}`;

const readDependency = (value: unknown, subject: Subject): Dependency => {
	if (typeof value === 'string') {
		if (!(CONDITIONS as readonly string[]).includes(value)) throw invalid(subject, DEPENDENCY, value);
		return {condition: value as DependencyCondition, restart: false};
	}
	if (!isObject(value)) throw invalid(subject, DEPENDENCY, value);
	for (const key of Object.keys(value)) {
		if (key !== 'condition' && key !== 'restart') {
			throw new UsageError(`${subject.name} has an unknown key "${key}" (known keys: condition, restart)`);
		}
	}
	const condition = value['condition'] ?? 'started';
	if (typeof condition !== 'string' || !(CONDITIONS as readonly string[]).includes(condition)) {
		throw invalid({...subject, name: `${subject.name.slice(0, -1)}.condition"`}, '"started", "ready" or "completed"', condition);
	}
	const restart = value['restart'] ?? false;
	if (typeof restart !== 'boolean') throw invalid({...subject, name: `${subject.name.slice(0, -1)}.restart"`}, 'true or false', restart);
	return {condition: condition as DependencyCondition, restart};
};

const readEnv = (value: unknown, subject: Subject): Record<string, string> => {
	if (!isObject(value)) throw invalid(subject, 'an object of variables, e.g. {"LOG_LEVEL": "debug"}', value);
	const env: Record<string, string> = {};
	for (const [name, item] of Object.entries(value)) {
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalid(subject, 'an object whose keys are variable names', name);
		if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
			throw invalid({...subject, name: `${subject.name.slice(0, -1)}.${name}"`}, 'a string, number or boolean', item);
		}
		env[name] = String(item);
	}
	return env;
};

interface RawService {
	name: string;
	origin: Origin;
	layer: OptionLayer;
	cwd: string | undefined;
	env: Record<string, string>;
	dependsOn: Record<string, Dependency>;
}

const readService = (name: string, value: unknown, origin: Origin): RawService => {
	const whole = `${origin.file}: "${origin.keyPrefix.slice(0, -1)}"`;
	if (!NAME.test(name)) {
		throw new UsageError(`${whole}: a service name must be letters, digits, ".", "_" or "-" (starting with a letter or digit)`);
	}
	if (!isObject(value)) throw invalid({name: whole, verb: 'must be'}, 'an object of options, e.g. {"command": "node server.js"}', value);
	const service: RawService = {name, origin, layer: {}, cwd: undefined, env: {}, dependsOn: {}};
	for (const [key, item] of Object.entries(value)) {
		const subject = subjectOf(origin, key);
		if (key === 'cwd') {
			if (typeof item !== 'string' || item.trim() === '') throw invalid(subject, 'a directory, relative to the config file', item);
			service.cwd = item;
		} else if (key === 'env') service.env = readEnv(item, subject);
		else if (key === 'dependsOn') {
			if (!isObject(item)) throw invalid(subject, `an object from a service name to ${DEPENDENCY}`, item);
			for (const [dependency, condition] of Object.entries(item)) {
				service.dependsOn[dependency] = readDependency(condition, subjectOf(origin, `${key}.${dependency}`));
			}
		} else {
			const layer = readOptionKey(key, item, subject);
			if (!layer) {
				const guess = closestMatch(key, SERVICE_KEYS, looseKey);
				const hint = guess ? `did you mean "${origin.keyPrefix}${guess}"? ` : '';
				throw new UsageError(`${origin.file}: unknown key "${origin.keyPrefix}${key}" (${hint}known keys: ${SERVICE_KEYS.join(', ')})`);
			}
			Object.assign(service.layer, layer);
		}
	}
	if (!service.layer.command) {
		throw new UsageError(`${whole} has no "command" (give it one, e.g. "command": "node server.js")`);
	}
	return service;
};

/** The `services` object of the first source that has one (devtui.config.json before package.json). */
export const servicesSource = (sources: readonly ConfigSource[]): ConfigSource | undefined =>
	sources.find(source => Object.hasOwn(source.values, 'services'));

const readServices = (source: ConfigSource): RawService[] => {
	const value = source.values['services'];
	const subject = {name: `${source.file}: "${source.keyPrefix}services"`, verb: 'must be' as const};
	if (!isObject(value) || Object.keys(value).length === 0) {
		throw invalid(subject, 'an object from a service name to its options, e.g. {"api": {"command": "node api.js"}}', value);
	}
	if (Object.hasOwn(source.values, 'command')) {
		throw new UsageError(`${source.file}: "${source.keyPrefix}command" and "${source.keyPrefix}services" cannot both be set (give each service its own command)`);
	}
	return Object.entries(value).map(([name, options]) => readService(name, options, {file: source.file, keyPrefix: `${source.keyPrefix}services.${name}.`}));
};

const readProcfile = (entries: readonly ProcfileEntry[]): RawService[] =>
	entries.map((entry, index) => ({
		name: entry.name,
		origin: {file: PROCFILE, keyPrefix: `${entry.name}.`},
		layer: {command: ['sh', '-c', entry.command]},
		cwd: undefined,
		env: {PORT: String(PROCFILE_BASE_PORT + index * PROCFILE_PORT_STEP)},
		dependsOn: {},
	}));

const overlaps = (a: ListenAddress, b: ListenAddress): boolean => {
	if (a.port !== b.port) return false;
	const wildcard = (host: string) => host === '0.0.0.0' || host === '::';
	return a.host === b.host || wildcard(a.host) || wildcard(b.host);
};

const checkListenPorts = (services: readonly {raw: RawService; options: DevtuiOptions}[]): void => {
	const held: Array<{name: string; address: ListenAddress}> = [];
	for (const {raw, options} of services) {
		for (const address of options.listen) {
			const other = held.find(entry => overlaps(entry.address, address));
			if (other) {
				throw new UsageError(
					`${raw.origin.file}: "${raw.origin.keyPrefix}listen": port ${address.port} is already held by service "${other.name}" (--listen ${other.address.name}); each port can go to one service`,
				);
			}
			held.push({name: raw.name, address});
		}
	}
};

const checkStateFiles = (services: readonly {raw: RawService; options: DevtuiOptions}[]): void => {
	const seen = new Map<string, string>();
	for (const {raw, options} of services) {
		const other = seen.get(options.stateFile);
		if (other !== undefined) {
			throw new UsageError(
				`${raw.origin.file}: "${raw.origin.keyPrefix}stateFile": ${options.stateFile} is also service "${other}"'s state file (give each service its own, or leave it unset)`,
			);
		}
		seen.set(options.stateFile, raw.name);
	}
};

export interface ResolvedStack {
	/** The services to run, in start order. */
	services: ServiceSpec[];
	tui: boolean;
	json: boolean;
	/** Whether devtui ctl is served (a stack-wide option, like tui and json). */
	ctl: boolean;
}

export const resolveServices = ({
	cli,
	sources,
	procfile,
	cwd,
	stdoutIsTTY,
}: {
	/** The command line's options (no command: a command there means one app, not a stack). */
	cli: OptionLayer;
	sources: readonly ConfigSource[];
	/** Read only when no source has "services". */
	procfile?: readonly ProcfileEntry[];
	cwd: string;
	stdoutIsTTY: boolean;
}): ResolvedStack => {
	const source = servicesSource(sources);
	const raws = source ? readServices(source) : readProcfile(procfile ?? []);
	const names = raws.map(raw => raw.name);
	for (const raw of raws) {
		for (const dependency of Object.keys(raw.dependsOn)) {
			if (dependency === raw.name) throw new UsageError(`${raw.origin.file}: "${raw.origin.keyPrefix}dependsOn": "${raw.name}" cannot depend on itself`);
			if (!names.includes(dependency)) throw unknownService(`${raw.origin.file}: "${raw.origin.keyPrefix}dependsOn"`, dependency, names);
		}
	}
	const graph = Object.fromEntries(raws.map(raw => [raw.name, raw.dependsOn]));
	const cycle = findCycle(graph);
	if (cycle) {
		const first = raws.find(raw => raw.name === cycle[0])!;
		throw new UsageError(`${first.origin.file}: "${first.origin.keyPrefix}dependsOn": a dependency cycle: ${cycle.join(' -> ')} (one of them must not wait for the other)`);
	}
	for (const name of cli.only ?? []) if (!names.includes(name)) throw unknownService('--only', name, names);
	const selected = cli.only && cli.only.length > 0 ? withDependencies(graph, cli.only) : new Set(names);

	const defaults = [cli, ...sources.map(configLayer)];
	const resolved = startOrder(graph)
		.filter(name => selected.has(name))
		.map(name => {
			const raw = raws.find(candidate => candidate.name === name)!;
			const serviceCwd = raw.cwd === undefined ? cwd : path.resolve(cwd, raw.cwd);
			// Each service its own state file by default, so that two never read each other's state.
			const ownState: OptionLayer = {stateFile: path.join(cwd, '.devtui', name, 'restart_state.json')};
			const options = resolveOptions({layers: [raw.layer, ...defaults, ownState], cwd: serviceCwd, stdoutIsTTY});
			return {raw, options};
		});
	checkListenPorts(resolved);
	checkStateFiles(resolved);
	// Stack-wide options: no service may set them, so every service resolved them alike.
	const {tui, json, ctl} = resolved[0]?.options ?? {tui: false, json: false, ctl: true};
	return {
		services: resolved.map(({raw, options}) => ({
			name: raw.name,
			options,
			env: raw.env,
			// A dependency left out by --only cannot be: withDependencies kept every one.
			dependsOn: raw.dependsOn,
		})),
		tui,
		json,
		ctl,
	};
};
