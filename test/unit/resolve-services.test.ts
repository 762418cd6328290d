// Config resolution for a stack: per-service keys are the options' own, top-level options are
// defaults, the command line sits between, and every mistake is one line naming the service and key.

import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseProcfile} from '../../src/cli/parse-procfile.js';
import {resolveServices} from '../../src/cli/resolve-services.js';
import type {ConfigSource, OptionLayer} from '../../src/cli/resolve-options.js';
import {UsageError} from '../../src/usage-error.js';

const cwd = '/home/dev/stack';
const source = (values: Record<string, unknown>): ConfigSource => ({file: 'devtui.config.json', keyPrefix: '', values});
const resolve = (values: Record<string, unknown>, cli: OptionLayer = {}, extra: ConfigSource[] = []) =>
	resolveServices({cli, sources: [source(values), ...extra], cwd, stdoutIsTTY: false});

const message = (run: () => unknown): string => {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		expect((error as Error).message).not.toContain('\n');
		return (error as Error).message;
	}
	throw new Error('expected a UsageError');
};

describe('resolveServices', () => {
	it('gives each service its own options, the top level as defaults and the command line between', () => {
		const {services} = resolve(
			{
				debounce: 200,
				timeout: 3000,
				ext: 'py',
				services: {
					api: {command: 'python3 api.py', cwd: 'api', timeout: 8000, watch: ['src'], env: {LOG: 'debug', WORKERS: 2}},
					web: {command: ['node', 'web.js'], dependsOn: {api: 'started'}},
				},
			},
			{debounceMs: 100},
		);
		const [api, web] = services;
		expect(api!.name).toBe('api');
		expect(api!.options).toMatchObject({
			command: ['sh', '-c', 'python3 api.py'],
			cwd: path.join(cwd, 'api'),
			timeoutMs: 8000,
			debounceMs: 100,
			ext: ['py'],
			watch: [path.join(cwd, 'api/src')],
		});
		expect(api!.env).toEqual({LOG: 'debug', WORKERS: '2'});
		expect(web!.options).toMatchObject({command: ['node', 'web.js'], cwd, timeoutMs: 3000, watch: [cwd]});
		expect(web!.dependsOn).toEqual({api: {condition: 'started', restart: false}});
	});

	it('gives each service a state file of its own', () => {
		const {services} = resolve({services: {a: {command: 'a'}, b: {command: 'b', cwd: 'b'}, c: {command: 'c', stateFile: 'state.json'}}});
		expect(services.map(service => service.options.stateFile)).toEqual([
			path.join(cwd, '.devtui/a/restart_state.json'),
			path.join(cwd, '.devtui/b/restart_state.json'),
			path.join(cwd, 'state.json'),
		]);
		expect(message(() => resolve({stateFile: 'shared.json', services: {a: {command: 'a'}, b: {command: 'b'}}}))).toBe(
			`devtui.config.json: "services.b.stateFile": ${cwd}/shared.json is also service "a"'s state file (give each service its own, or leave it unset)`,
		);
	});

	it('orders services after what they depend on, keeping the config order otherwise', () => {
		const {services} = resolve({
			services: {
				web: {command: 'w', dependsOn: {api: {condition: 'started', restart: true}}},
				worker: {command: 'k', dependsOn: {queue: 'ready'}},
				api: {command: 'a', dependsOn: {queue: 'ready', migrate: 'completed'}},
				queue: {command: 'q'},
				migrate: {command: 'm'},
			},
		});
		expect(services.map(service => service.name)).toEqual(['queue', 'migrate', 'api', 'web', 'worker']);
		expect(services[3]!.dependsOn).toEqual({api: {condition: 'started', restart: true}});
	});

	it('--only takes the named services and everything they depend on, transitively', () => {
		const config = {
			services: {web: {command: 'w', dependsOn: {api: 'started'}}, api: {command: 'a', dependsOn: {queue: 'ready'}}, queue: {command: 'q'}, docs: {command: 'd'}},
		};
		expect(resolve(config, {only: ['web']}).services.map(service => service.name)).toEqual(['queue', 'api', 'web']);
		expect(resolve(config, {only: ['docs', 'queue']}).services.map(service => service.name)).toEqual(['queue', 'docs']);
		expect(message(() => resolve(config, {only: ['wbe', 'dcos']}))).toBe('--only: unknown service "wbe" (services: web, api, queue, docs)');
		expect(message(() => resolve(config, {only: ['doc']}))).toBe('--only: unknown service "doc" (did you mean "docs"? services: web, api, queue, docs)');
	});

	it('takes --json and --no-tui for the whole stack, and services from package.json', () => {
		const result = resolveServices({
			cli: {json: true},
			sources: [{file: 'package.json', keyPrefix: 'devtui.', values: {services: {api: {command: 'a'}}}}],
			cwd,
			stdoutIsTTY: true,
		});
		expect(result).toMatchObject({json: true, tui: false});
		expect(message(() => resolveServices({cli: {}, sources: [{file: 'package.json', keyPrefix: 'devtui.', values: {services: {api: {command: 'a', pol: true}}}}], cwd, stdoutIsTTY: false}))).toMatch(
			/^package\.json: unknown key "devtui\.services\.api\.pol" \(did you mean "devtui\.services\.api\.poll"\? known keys: command, watch, /,
		);
	});

	it.each([
		[{services: {a: {command: 'a', dependsOn: {a: 'started'}}}}, 'devtui.config.json: "services.a.dependsOn": "a" cannot depend on itself'],
		[
			{services: {a: {command: 'a', dependsOn: {b: 'started'}}, b: {command: 'b', dependsOn: {a: 'ready'}}}},
			'devtui.config.json: "services.a.dependsOn": a dependency cycle: a -> b -> a (one of them must not wait for the other)',
		],
		[{services: {a: {command: 'a', dependsOn: {queu: 'ready'}}, queue: {command: 'q'}}}, 'devtui.config.json: "services.a.dependsOn": unknown service "queu" (did you mean "queue"? services: a, queue)'],
		[{services: {a: {command: 'a', listen: 8000}, b: {command: 'b', listen: ['9000', 'localhost:8000']}}}, undefined],
		[{services: {a: {command: 'a', listen: 8000}, b: {command: 'b', listen: ['9000', '8000']}}}, 'devtui.config.json: "services.b.listen": port 8000 is already held by service "a" (--listen 8000); each port can go to one service'],
		[{services: {a: {command: 'a', listen: '0.0.0.0:8000'}, b: {command: 'b', listen: 8000}}}, 'devtui.config.json: "services.b.listen": port 8000 is already held by service "a" (--listen 0.0.0.0:8000); each port can go to one service'],
		[{services: {a: {ext: 'py'}}}, 'devtui.config.json: "services.a" has no "command" (give it one, e.g. "command": "node server.js")'],
		[{services: {a: {command: 'a', timeout: -1}}}, 'devtui.config.json: "services.a.timeout" must be a whole number of milliseconds (0 or more), got -1'],
		[{services: {a: {command: 'a', tui: false}}}, /^devtui\.config\.json: unknown key "services\.a\.tui" \(known keys: command, /],
		[{services: {a: {command: 'a', env: ['X=1']}}}, 'devtui.config.json: "services.a.env" must be an object of variables, e.g. {"LOG_LEVEL": "debug"}, got ["X=1"]'],
		[{services: {a: {command: 'a', env: {X: null}}}}, 'devtui.config.json: "services.a.env.X" must be a string, number or boolean, got null'],
		[{services: {a: {command: 'a', cwd: 3}}}, 'devtui.config.json: "services.a.cwd" must be a directory, relative to the config file, got 3'],
		[{services: {a: {command: 'a', dependsOn: ['b']}, b: {command: 'b'}}}, /^devtui\.config\.json: "services\.a\.dependsOn" must be an object from a service name to "started", /],
		[{services: {a: {command: 'a', dependsOn: {b: {condition: 'ready', restart: 'yes'}}}, b: {command: 'b'}}}, 'devtui.config.json: "services.a.dependsOn.b.restart" must be true or false, got "yes"'],
		[{services: {a: {command: 'a', dependsOn: {b: {when: 'ready'}}}, b: {command: 'b'}}}, 'devtui.config.json: "services.a.dependsOn.b" has an unknown key "when" (known keys: condition, restart)'],
		[{services: {'a b': {command: 'a'}}}, 'devtui.config.json: "services.a b": a service name must be letters, digits, ".", "_" or "-" (starting with a letter or digit)'],
		[{services: {}}, 'devtui.config.json: "services" must be an object from a service name to its options, e.g. {"api": {"command": "node api.js"}}, got {}'],
		[{command: 'x', services: {a: {command: 'a'}}}, 'devtui.config.json: "command" and "services" cannot both be set (give each service its own command)'],
	])('rejects %j', (config, expected) => {
		if (expected === undefined) {
			expect(() => resolve(config)).not.toThrow();
			return;
		}
		const text = message(() => resolve(config));
		if (typeof expected === 'string') expect(text).toBe(expected);
		else expect(text).toMatch(expected);
	});

	it('a condition object without a condition means "started"', () => {
		const {services} = resolve({services: {a: {command: 'a', dependsOn: {b: {restart: true}}}, b: {command: 'b'}}});
		expect(services[1]!.dependsOn).toEqual({b: {condition: 'started', restart: true}});
	});

	it('makes one service per Procfile line, run by sh -c, with foreman\'s PORT and the top-level options', () => {
		const procfile = parseProcfile('# dev\nweb: node web.js --port $PORT\n\n  worker:python3 -m worker  \r\n');
		const {services} = resolveServices({cli: {}, sources: [source({debounce: 300})], procfile, cwd, stdoutIsTTY: false});
		expect(services.map(({name, options, env}) => ({name, command: options.command, env, debounceMs: options.debounceMs, watch: options.watch}))).toEqual([
			{name: 'web', command: ['sh', '-c', 'node web.js --port $PORT'], env: {PORT: '5000'}, debounceMs: 300, watch: [cwd]},
			{name: 'worker', command: ['sh', '-c', 'python3 -m worker'], env: {PORT: '5100'}, debounceMs: 300, watch: [cwd]},
		]);
	});
});

describe('parseProcfile', () => {
	it.each([
		['web node web.js', 'Procfile line 1: expected "name: command", got "web node web.js"'],
		['web:', 'Procfile line 1: service "web" has no command'],
		['web: a\nweb: b', 'Procfile line 2: service "web" is defined twice'],
		['# nothing\n\n', 'Procfile defines no service (expected lines like "web: node server.js")'],
	])('rejects %j', (text, expected) => {
		expect(message(() => parseProcfile(text))).toBe(expected);
	});
});
