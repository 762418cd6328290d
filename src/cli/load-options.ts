// The CLI's front door: argv + config files -> validated DevtuiOptions, or help/version text.
// Everything that touches the file system for option checks happens here; the rules are pure
// (parse-args, resolve-options) so they can be tested without it.

import {readFileSync} from 'node:fs';
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {detectInnerReloader} from '../frameworks/inner-reloader.js';
import {planListen} from '../listen/plan-listen.js';
import type {DevtuiOptions} from '../options.js';
import {findExecutable} from '../supervisor/find-executable.js';
import {helpText} from './help-text.js';
import {readConfigSources} from './load-config.js';
import {parseArgs} from './parse-args.js';
import {parseProcfile, PROCFILE, type ProcfileEntry} from './parse-procfile.js';
import {resolveServices, servicesSource} from './resolve-services.js';
import type {ServiceSpec} from '../stack/service-spec.js';
import {configLayer, resolveOptions} from './resolve-options.js';
import {UsageError} from '../usage-error.js';

export type LoadResult =
	| {kind: 'help'; text: string}
	| {kind: 'version'; text: string}
	| {kind: 'run'; options: DevtuiOptions}
	/** A stack: every service in start order, each with its complete options. */
	| {kind: 'services'; services: ServiceSpec[]; tui: boolean; json: boolean; ctl: boolean};

/**
 * devtui's version from its own package.json. The module runs from src/cli (tests) or from
 * dist/src/cli (published), so walk up to the package rather than assume a depth.
 */
export const readOwnVersion = async (from = path.dirname(fileURLToPath(import.meta.url))): Promise<string> => {
	for (let directory = from; ; directory = path.dirname(directory)) {
		try {
			const manifest = JSON.parse(await readFile(path.join(directory, 'package.json'), 'utf8')) as {name?: unknown; version?: unknown};
			if (manifest.name === 'devtui' && typeof manifest.version === 'string') return manifest.version;
		} catch {
			// No package.json here (or not ours): keep walking.
		}
		if (path.dirname(directory) === directory) return 'unknown';
	}
};

const checkWatchPaths = async (watch: readonly string[]): Promise<void> => {
	for (const watched of watch) {
		try {
			const info = await stat(watched);
			if (!info.isFile() && !info.isDirectory()) {
				throw new UsageError(`cannot watch ${watched}: it is not a file or a directory (a socket, pipe or device never changes the way code does)`);
			}
		} catch (error) {
			if (error instanceof UsageError) throw error;
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT' || code === 'ENOTDIR') {
				throw new UsageError(`watch path does not exist: ${watched} (check --watch or "watch" in the config, or create it)`);
			}
			throw new UsageError(`cannot watch ${watched}: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
		}
	}
};

// The state file's directory is created on start, so it may be missing; but no part of its path
// may be a file, and the state file itself must not be a directory.
const checkStateFile = async (stateFile: string): Promise<void> => {
	for (let directory = path.dirname(stateFile); ; directory = path.dirname(directory)) {
		const info = await stat(directory).catch(() => undefined);
		if (info && !info.isDirectory()) {
			throw new UsageError(`--state-file ${stateFile} goes through ${directory}, which is a file, not a directory (choose another path)`);
		}
		if (info || path.dirname(directory) === directory) break;
	}
};

const checkCommand = async (program: string, cwd: string, pathEnv: string | undefined): Promise<void> => {
	const found = await findExecutable(program, {cwd, pathEnv});
	switch (found.kind) {
		case 'found':
			return;
		case 'not-found':
			throw new UsageError(
				program.includes('/')
					? `command not found: ${program} (no such file: ${found.path ?? program})`
					: `command not found: ${program || '""'} (check the spelling, or that it is installed and on PATH)`,
			);
		case 'not-executable': {
			const shown = program.includes('/') ? program : found.path;
			throw new UsageError(`cannot execute ${shown}: permission denied (chmod +x ${shown}, or run it through its interpreter)`);
		}
		case 'directory':
			throw new UsageError(`cannot execute ${program}: it is a directory (give the program inside it)`);
	}
};

export const loadOptions = async ({
	argv,
	cwd,
	stdoutIsTTY,
	env = process.env,
}: {
	argv: string[];
	cwd: string;
	stdoutIsTTY: boolean;
	env?: NodeJS.ProcessEnv;
}): Promise<LoadResult> => {
	const parsed = parseArgs(argv);
	if (parsed.help) return {kind: 'help', text: helpText()};
	if (parsed.version) return {kind: 'version', text: await readOwnVersion()};
	const configs = await readConfigSources(cwd);
	// A command on the command line is one app, whatever the config holds; without one, "services"
	// (or, with no command configured either, a Procfile) is a stack.
	if (parsed.layer.command === undefined) {
		const hasServices = servicesSource(configs) !== undefined;
		const procfile = hasServices || configs.some(source => Object.hasOwn(source.values, 'command')) ? undefined : await readProcfileIn(cwd);
		if (hasServices || procfile) {
			const stack = resolveServices({cli: parsed.layer, sources: configs, ...(procfile ? {procfile} : {}), cwd, stdoutIsTTY});
			const services: ServiceSpec[] = [];
			for (const service of stack.services) {
				const where = `service "${service.name}"`;
				await checkServiceCwd(service.options.cwd, where);
				const options = await finishOptions(service.options, {...env, ...service.env}, where);
				services.push({...service, options});
			}
			return {kind: 'services', services, tui: stack.tui, json: stack.json, ctl: stack.ctl};
		}
	}
	if (parsed.layer.only) {
		throw new UsageError(
			parsed.layer.command === undefined
				? '--only selects services, but there are none here (set "services" in devtui.config.json, or write a Procfile)'
				: '--only selects services, and a command after it runs one app instead: drop one or the other',
		);
	}
	const options = resolveOptions({layers: [parsed.layer, ...configs.map(configLayer)], cwd, stdoutIsTTY});
	return {kind: 'run', options: await finishOptions(options, env)};
};

/** Prefixes a usage error with the service it is about (a stack's checks are the same as one app's). */
const forService = async <T>(where: string | undefined, check: () => Promise<T>): Promise<T> => {
	try {
		return await check();
	} catch (error) {
		if (where !== undefined && error instanceof UsageError) throw new UsageError(`${where}: ${error.message}`);
		throw error;
	}
};

const checkServiceCwd = async (directory: string, where: string): Promise<void> => {
	const info = await stat(directory).catch(() => undefined);
	if (!info?.isDirectory()) throw new UsageError(`${where}: "cwd" ${directory} is not a directory (it is relative to the config file)`);
};

const readProcfileIn = async (cwd: string): Promise<ProcfileEntry[] | undefined> => {
	let text: string;
	try {
		text = await readFile(path.join(cwd, PROCFILE), 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'EISDIR') return undefined;
		throw new UsageError(`cannot read ${PROCFILE}: ${(error as Error).message}`);
	}
	return parseProcfile(text);
};

/** The checks that need the file system, the inner reloader and --listen's plan: for one app or each service. */
const finishOptions = (options: DevtuiOptions, env: NodeJS.ProcessEnv, where?: string): Promise<DevtuiOptions> =>
	forService(where, async () => {
		const {cwd} = options;
		await checkWatchPaths(options.watch);
		await checkStateFile(options.stateFile);
		await checkCommand(options.command[0]!, cwd, env['PATH']);
		// A reloader inside the app is turned off where its framework allows it: an argument goes into
		// the command here, the variables and the one-line notice are the session's (options.innerReloader).
		const readFile = (name: string) => readIfThere(path.join(cwd, name));
		const innerReloader = detectInnerReloader({command: options.command, env, readFile});
		const command = innerReloader?.action.kind === 'argument' ? innerReloader.action.command : options.command;
		// --listen: how the sockets reach the app (a usage error when they cannot); a server's own socket
		// option goes into the command here, LISTEN_PID and the notices are the session's (options.listenPlan).
		const listenPlan = options.listen.length > 0 ? planListen({command, listen: options.listen, noPid: options.noListenPid, readFile}) : undefined;
		return {
			...options,
			command: listenPlan?.command ?? command,
			...(innerReloader ? {innerReloader} : {}),
			...(listenPlan ? {listenPlan: {setPid: listenPlan.setPid, notices: listenPlan.notices}} : {}),
		};
	});

const readIfThere = (file: string): string | undefined => {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
};
