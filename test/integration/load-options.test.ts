// loadOptions against real directories: real config files, real permissions, real executables.

import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadOptions, type LoadResult} from '../../src/cli/load-options.js';
import {UsageError} from '../../src/usage-error.js';
import type {DevtuiOptions} from '../../src/options.js';
import {repoRoot} from '../helpers/run-cli.js';

const made: string[] = [];

afterEach(async () => {
	for (const dir of made.splice(0)) {
		// Restore permissions a test took away so the directory can be removed.
		await chmod(dir, 0o755).catch(() => {});
		await rm(dir, {recursive: true, force: true});
	}
});

/** A temp project directory holding `files` (path -> contents; an object is written as JSON). */
const project = async (files: Record<string, string | object> = {}): Promise<string> => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-options-'));
	made.push(dir);
	for (const [name, contents] of Object.entries(files)) {
		await mkdir(path.dirname(path.join(dir, name)), {recursive: true});
		await writeFile(path.join(dir, name), typeof contents === 'string' ? contents : JSON.stringify(contents, null, '\t'));
	}
	return dir;
};

const executable = async (file: string, mode = 0o755) => {
	await mkdir(path.dirname(file), {recursive: true});
	await writeFile(file, '#!/bin/sh\necho hi\n');
	await chmod(file, mode);
};

const load = (argv: string[], cwd: string, extra: {stdoutIsTTY?: boolean; env?: NodeJS.ProcessEnv} = {}): Promise<LoadResult> =>
	loadOptions({argv, cwd, stdoutIsTTY: extra.stdoutIsTTY ?? true, ...(extra.env ? {env: extra.env} : {})});

const run = async (argv: string[], cwd: string, extra: {stdoutIsTTY?: boolean; env?: NodeJS.ProcessEnv} = {}): Promise<DevtuiOptions> => {
	const result = await load(argv, cwd, extra);
	if (result.kind !== 'run') throw new Error(`expected options, got ${result.kind}`);
	return result.options;
};

const failure = async (argv: string[], cwd: string, extra: {env?: NodeJS.ProcessEnv} = {}): Promise<string> => {
	const error: unknown = await load(argv, cwd, extra).then(
		result => new Error(`expected a UsageError, got ${JSON.stringify(result)}`),
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(UsageError);
	const {message} = error as UsageError;
	expect(message).not.toContain('\n');
	return message;
};

describe('loadOptions: precedence', () => {
	it('takes the command line over devtui.config.json over package.json "devtui" over defaults', async () => {
		const cwd = await project({
			'devtui.config.json': {debounce: 20, timeout: 3000, watch: ['lib']},
			'package.json': {name: 'app', devtui: {debounce: 30, timeout: 4000, signal: 'HUP', ext: 'py'}},
			'lib/a.txt': '',
			'src/b.txt': '',
		});
		const options = await run(['--debounce', '10', '--', 'sh', 'app.sh'], cwd);
		expect(options).toMatchObject({debounceMs: 10, timeoutMs: 3000, signal: 'SIGHUP', ext: ['py'], watch: [path.join(cwd, 'lib')]});
		const fromCli = await run(['-w', 'src', '-e', 'js', 'sh'], cwd);
		// Lists from the command line replace the config's lists.
		expect(fromCli).toMatchObject({watch: [path.join(cwd, 'src')], ext: ['js']});
	});

	it('uses package.json "devtui" alone, and the defaults without any config', async () => {
		const cwd = await project({'package.json': {name: 'app', devtui: {command: ['sh', '-c', 'true'], poll: true, restartArg: true}}});
		expect(await run([], cwd)).toMatchObject({command: ['sh', '-c', 'true'], pollMs: 1000, restartArg: '--restart', cwd});
		const bare = await project();
		expect(await run(['sh'], bare)).toMatchObject({watch: [bare], pollMs: undefined, restartArg: undefined, timeoutMs: 10_000});
	});

	it('runs a config command string through sh -c, and prefers the command line command', async () => {
		const cwd = await project({'devtui.config.json': {command: 'echo one && echo two'}});
		expect((await run([], cwd)).command).toEqual(['sh', '-c', 'echo one && echo two']);
		expect((await run(['--', 'sh', 'x.sh'], cwd)).command).toEqual(['sh', 'x.sh']);
	});

	it('resolves relative config paths against cwd', async () => {
		const cwd = await project({'devtui.config.json': {watch: 'src', stateFile: 'tmp/state.json'}, 'src/.keep': ''});
		expect(await run(['sh'], cwd)).toMatchObject({watch: [path.join(cwd, 'src')], stateFile: path.join(cwd, 'tmp/state.json')});
	});

	it('turns the dashboard off when stdout is not a terminal', async () => {
		const cwd = await project();
		expect((await run(['sh'], cwd, {stdoutIsTTY: false})).tui).toBe(false);
		expect((await run(['sh'], cwd, {stdoutIsTTY: true})).tui).toBe(true);
	});
});

describe('loadOptions: help and version', () => {
	it('reports the version from devtui\'s own package.json', async () => {
		const {version} = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
		expect(await load(['--version'], await project())).toEqual({kind: 'version', text: version});
	});

	it('prints help without reading a broken config or needing a command', async () => {
		const cwd = await project({'devtui.config.json': '{oops'});
		const result = await load(['--help'], cwd);
		expect(result.kind).toBe('help');
		expect(result.kind === 'help' && result.text).toMatch(/^Usage: devtui \[options\] -- <command> \[args\.\.\.\]$/m);
	});
});

describe('loadOptions: config problems', () => {
	it.each([
		['{\n\t"watch": ["src"],\n\t"debounce": fast\n}', /^devtui\.config\.json is not valid JSON: Unexpected token .*\(line 3, column 14\)$/],
		['{\n\t"watch": ["src"],\n}', /^devtui\.config\.json is not valid JSON: .*\(line 3, column 1\)$/],
		['{"watch": "src"', /^devtui\.config\.json is not valid JSON: .*\(line 1, column 16\)$/],
		['', /^devtui\.config\.json is not valid JSON: Unexpected end of JSON input \(line 1, column 1\)$/],
	])('reports invalid JSON with its line: %j', async (text, expected) => {
		const cwd = await project({'devtui.config.json': text});
		expect(await failure(['sh'], cwd)).toMatch(expected);
	});

	it('accepts a config file saved with a byte-order mark', async () => {
		const cwd = await project({'devtui.config.json': '\uFEFF{"timeout": 5}'});
		expect((await run(['sh'], cwd)).timeoutMs).toBe(5);
	});

	it('wants an object at the top of devtui.config.json', async () => {
		const cwd = await project({'devtui.config.json': '["src"]'});
		expect(await failure(['sh'], cwd)).toBe('devtui.config.json must hold a JSON object of options, e.g. {"watch": ["src"]}, but holds an array');
	});

	it('names the file and key of a value of the wrong type', async () => {
		const cwd = await project({'devtui.config.json': {debounce: 'fast'}});
		expect(await failure(['sh'], cwd)).toBe('devtui.config.json: "debounce" must be a whole number of milliseconds (0 or more), got "fast"');
		const manifest = await project({'package.json': {name: 'app', devtui: {json: 'yes'}}});
		expect(await failure(['sh'], manifest)).toBe('package.json: "devtui.json" must be true or false, got "yes"');
	});

	it('names an unknown key and suggests the right one', async () => {
		const cwd = await project({'devtui.config.json': {wach: ['src']}});
		expect(await failure(['sh'], cwd)).toMatch(/^devtui\.config\.json: unknown key "wach" \(did you mean "watch"\?/);
	});

	it('checks config values even when the command line overrides them', async () => {
		const cwd = await project({'devtui.config.json': {timeout: -1}});
		expect(await failure(['--timeout', '5', 'sh'], cwd)).toMatch(/^devtui\.config\.json: "timeout" must be/);
	});

	it('wants package.json "devtui" to be an object', async () => {
		const cwd = await project({'package.json': {name: 'app', devtui: 'src'}});
		expect(await failure(['sh'], cwd)).toBe('package.json: "devtui" must be an object of options, e.g. {"watch": ["src"]}, but is a string');
	});

	it('reports an invalid package.json only when it may hold devtui settings', async () => {
		const unrelated = await project({'package.json': '{"name": "app",, }'});
		expect((await run(['sh'], unrelated)).command).toEqual(['sh']);
		const relevant = await project({'package.json': '{"name": "app",\n "devtui": {"watch": "src",}}'});
		expect(await failure(['sh'], relevant)).toMatch(/^package\.json is not valid JSON: .*\(line 2, column 28\)$/);
	});

	it('reports a config path that is a directory', async () => {
		const cwd = await project({'devtui.config.json/x': ''});
		expect(await failure(['sh'], cwd)).toBe('cannot read devtui.config.json: it is a directory, not a file');
	});

	it.skipIf(process.getuid?.() === 0)('reports an unreadable config file (skipped as root: root reads through chmod 000)', async () => {
		const cwd = await project({'devtui.config.json': '{}'});
		await chmod(path.join(cwd, 'devtui.config.json'), 0o000);
		expect(await failure(['sh'], cwd)).toBe(
			'cannot read devtui.config.json: permission denied (make it readable, e.g. chmod 644 devtui.config.json)',
		);
	});
});

describe('loadOptions: watch paths and the command', () => {
	it('rejects a watch path that does not exist, from the command line or the config', async () => {
		const cwd = await project();
		expect(await failure(['-w', 'nope', 'sh'], cwd)).toBe(
			`watch path does not exist: ${path.join(cwd, 'nope')} (check --watch or "watch" in the config, or create it)`,
		);
		const configured = await project({'devtui.config.json': {watch: ['missing/dir']}});
		expect(await failure(['sh'], configured)).toMatch(/^watch path does not exist: .*missing\/dir /);
	});

	it('accepts a single file as a watch path', async () => {
		const cwd = await project({'app.py': ''});
		expect((await run(['-w', 'app.py', 'sh'], cwd)).watch).toEqual([path.join(cwd, 'app.py')]);
	});

	it('reports a command that is nowhere to be found', async () => {
		const cwd = await project();
		expect(await failure(['--', 'definitely-not-a-command-xyz'], cwd)).toBe(
			'command not found: definitely-not-a-command-xyz (check the spelling, or that it is installed and on PATH)',
		);
		expect(await failure(['./missing.sh'], cwd)).toBe(`command not found: ./missing.sh (no such file: ${path.join(cwd, 'missing.sh')})`);
	});

	it('reports a script that is not executable, and a directory', async () => {
		const cwd = await project({'app.sh': 'echo hi\n', 'bin/.keep': ''});
		expect(await failure(['./app.sh'], cwd)).toBe(
			'cannot execute ./app.sh: permission denied (chmod +x ./app.sh, or run it through its interpreter)',
		);
		expect(await failure(['--', './bin'], cwd)).toBe('cannot execute ./bin: it is a directory (give the program inside it)');
	});

	it('finds a script by relative path and keeps the command as written', async () => {
		const cwd = await project();
		await executable(path.join(cwd, 'scripts/run.sh'));
		expect((await run(['scripts/run.sh', '--port', '3000'], cwd)).command).toEqual(['scripts/run.sh', '--port', '3000']);
	});

	it('finds a command in node_modules/.bin of cwd or a parent directory, as npm scripts do', async () => {
		const root = await project();
		await executable(path.join(root, 'node_modules/.bin/local-tool-xyz'));
		const cwd = path.join(root, 'packages/app');
		await mkdir(cwd, {recursive: true});
		const options = await run(['local-tool-xyz', 'serve'], cwd, {env: {PATH: ''}});
		expect(options.command).toEqual(['local-tool-xyz', 'serve']);
		expect(await failure(['local-tool-xyz'], await project(), {env: {PATH: ''}})).toMatch(/^command not found: local-tool-xyz /);
	});

	it('searches PATH, passing over files there that cannot be run', async () => {
		const cwd = await project();
		const blocked = path.join(cwd, 'blocked');
		const usable = path.join(cwd, 'usable');
		await executable(path.join(blocked, 'my-tool-xyz'), 0o644);
		expect(await failure(['my-tool-xyz'], cwd, {env: {PATH: blocked}})).toBe(
			`cannot execute ${blocked}/my-tool-xyz: permission denied (chmod +x ${blocked}/my-tool-xyz, or run it through its interpreter)`,
		);
		await executable(path.join(usable, 'my-tool-xyz'));
		expect((await run(['my-tool-xyz'], cwd, {env: {PATH: `${blocked}${path.delimiter}${usable}`}})).command).toEqual(['my-tool-xyz']);
	});
});

describe('an app with a reloader of its own', () => {
	it('runs Django with --noreload, and says why', async () => {
		const cwd = await project({'manage.py': ''});
		const loaded = await load(['--', 'sh', '-c', 'python3 manage.py runserver 8000'], cwd);
		expect(loaded).toMatchObject({
			kind: 'run',
			options: {
				command: ['sh', '-c', 'python3 manage.py runserver 8000 --noreload'],
				innerReloader: {framework: 'django', action: {kind: 'argument', argument: '--noreload'}},
			},
		});
	});

	it('leaves the command of Flask debug mode alone and hands back the variable that turns its reloader off', async () => {
		const cwd = await project({'.flaskenv': 'FLASK_DEBUG=1\n', 'package.json': {scripts: {dev: 'flask --app app run'}}});
		const loaded = await load(['--', 'npm', 'run', 'dev'], cwd, {env: {PATH: process.env.PATH ?? ''}});
		expect(loaded).toMatchObject({
			kind: 'run',
			options: {command: ['npm', 'run', 'dev'], innerReloader: {framework: 'flask', action: {kind: 'env', env: {FLASK_RUN_RELOAD: 'false'}}}},
		});
	});

	it('adds nothing for an app without one', async () => {
		const cwd = await project();
		const loaded = await load(['--', 'sh', '-c', 'true'], cwd);
		expect(loaded.kind === 'run' && loaded.options.innerReloader).toBeUndefined();
	});
});

describe('--listen and the command', () => {
	it('adds uvicorn --fd 3 after the reloader check, and hands the plan to the session', async () => {
		const cwd = await project({'package.json': {scripts: {dev: 'uvicorn main:app'}}});
		const options = await run(['--listen', '8000', '--', 'sh', '-c', 'uvicorn main:app'], cwd);
		expect(options.command).toEqual(['sh', '-c', 'uvicorn main:app --fd 3']);
		expect(options.listenPlan?.setPid).toBe(false);
		expect(options.listenPlan?.notices).toHaveLength(2);
	});

	it('refuses npm run with --listen before anything starts, naming the command to run', async () => {
		const cwd = await project({'package.json': {scripts: {dev: 'node server.js'}}});
		expect(await failure(['--listen', '8000', '--', 'npm', 'run', 'dev'], cwd, {env: {PATH: process.env.PATH ?? ''}})).toMatch(
			/^--listen 8000: npm run dev runs the app from a Node process.*devtui --listen 8000 -- node server\.js \(or drop --listen\)$/,
		);
	});

	it('leaves LISTEN_PID unset when told to, from the command line or the config', async () => {
		const cwd = await project({'devtui.config.json': {listenPid: false}});
		expect((await run(['--listen', '8000', '--', 'sh', '-c', 'exec true'], cwd)).listenPlan).toEqual({setPid: false, notices: []});
		expect((await run(['--listen', '8000', '--no-listen-pid', '--', 'true'], await project())).listenPlan).toEqual({setPid: false, notices: []});
		expect((await run(['--listen', '8000', '--', 'true'], await project())).listenPlan).toEqual({setPid: true, notices: []});
		expect((await run(['--', 'true'], await project())).listenPlan).toBeUndefined();
	});
});

describe('loadOptions: services', () => {
	const stack = async (argv: string[], cwd: string) => {
		const result = await load(argv, cwd);
		if (result.kind !== 'services') throw new Error(`expected services, got ${result.kind}`);
		return result;
	};

	it('runs "services" when no command is given, each checked as one app is (the command, its cwd, --listen)', async () => {
		const cwd = await project({
			'devtui.config.json': {
				services: {
					api: {command: ['python3', '-m', 'uvicorn', 'main:app'], cwd: 'api', listen: 8000},
					web: {command: 'node web.js', dependsOn: {api: 'started'}},
				},
			},
			'api/main.py': '',
		});
		const {services, tui, json} = await stack([], cwd);
		expect({tui, json}).toEqual({tui: true, json: false});
		expect(services.map(service => service.name)).toEqual(['api', 'web']);
		// --listen's plan is made per service: uvicorn gets its --fd 3 as a single app would.
		expect(services[0]!.options.command).toEqual(['python3', '-m', 'uvicorn', 'main:app', '--fd', '3']);
		expect(services[0]!.options.cwd).toBe(path.join(cwd, 'api'));
	});

	it('a command on the command line is one app, whatever the config holds', async () => {
		const cwd = await project({'devtui.config.json': {debounce: 20, services: {api: {command: 'node api.js'}}}});
		expect(await run(['--', 'sh', 'x.sh'], cwd)).toMatchObject({command: ['sh', 'x.sh'], debounceMs: 20});
		expect(await failure(['--only', 'api', '--', 'sh', 'x.sh'], cwd)).toBe('--only selects services, and a command after it runs one app instead: drop one or the other');
	});

	it('reads a Procfile only when the config has no services and no command', async () => {
		const procfile = 'web: node web.js\nworker: python3 worker.py\n';
		expect((await stack([], await project({Procfile: procfile}))).services.map(service => service.options.command)).toEqual([
			['sh', '-c', 'node web.js'],
			['sh', '-c', 'python3 worker.py'],
		]);
		expect((await run([], await project({Procfile: procfile, 'devtui.config.json': {command: 'node app.js'}}))).command).toEqual(['sh', '-c', 'node app.js']);
		expect(await failure(['--only', 'web'], await project())).toBe('--only selects services, but there are none here (set "services" in devtui.config.json, or write a Procfile)');
	});

	it('names the service whose command, cwd or watch path is wrong', async () => {
		const cwd = await project({'devtui.config.json': {services: {api: {command: ['pyhton3', 'api.py']}}}});
		expect(await failure([], cwd, {env: {PATH: process.env.PATH ?? ''}})).toBe(
			'service "api": command not found: pyhton3 (check the spelling, or that it is installed and on PATH)',
		);
		const watch = await project({'devtui.config.json': {services: {api: {command: 'true', cwd: 'api', watch: 'src'}}}, 'api/x': ''});
		expect(await failure([], watch)).toBe(`service "api": watch path does not exist: ${path.join(watch, 'api/src')} (check --watch or "watch" in the config, or create it)`);
	});

	it('finds a service\'s command on the PATH of its own env', async () => {
		const cwd = await project({'devtui.config.json': {services: {api: {command: ['mytool'], env: {PATH: 'bin'}}}}});
		await executable(path.join(cwd, 'bin', 'mytool'));
		expect((await stack([], cwd)).services[0]!.env).toEqual({PATH: 'bin'});
	});
});
