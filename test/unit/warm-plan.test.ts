// --warm's pure parts: which commands can be parked and how, what the next interpreter preloads,
// the lines on the warm pipe, and how go changes the environment.

import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createModuleList, ignoredDirOf, inWatchedTree} from '../../src/warm/module-list.js';
import {envChanges, warmFdFor} from '../../src/warm/parked-instance.js';
import {planWarm} from '../../src/warm/plan-warm.js';
import {parseReply} from '../../src/warm/warm-messages.js';
import {runsAsModule} from '../../src/warm/module-type.js';

const parked = (command: string[], asset = '/a/hook') => {
	const plan = planWarm(command);
	return plan.kind === 'unsupported' ? plan.reason : plan.parkedCommand(command, asset);
};

describe('planWarm', () => {
	it('puts the hook right after node, whatever node options come first', () => {
		expect(parked(['node', 'server.js', '--port', '3000'])).toEqual(['node', '--require', '/a/hook', 'server.js', '--port', '3000']);
		expect(parked(['node', 'server.mjs'])).toEqual(['node', '--import', '/a/hook', 'server.mjs']);
		// The app's own --import puts node's ES module loader in charge of the entry: the hook goes in the same way.
		expect(parked(['/usr/bin/node', '--import', 'tsx', '--enable-source-maps', 'src/app.ts'])).toEqual([
			'/usr/bin/node',
			'--import',
			'/a/hook',
			'--import',
			'tsx',
			'--enable-source-maps',
			'src/app.ts',
		]);
		// The restart flag devtui appends stays at the end.
		expect(planWarm(['node', 'app.js']).kind === 'node' && (planWarm(['node', 'app.js']) as {parkedCommand: (c: string[], h: string) => string[]}).parkedCommand(['node', 'app.js', '--restart'], 'h')).toEqual([
			'node',
			'--require',
			'h',
			'app.js',
			'--restart',
		]);
	});

	it('puts the launcher where the script or -m was, after the interpreter options', () => {
		expect(parked(['python3', 'app.py', '-v'], '/l.py')).toEqual(['python3', '/l.py', 'app.py', '-v']);
		expect(parked(['/usr/bin/python3', '-u', '-X', 'dev', '-W', 'ignore', 'app.py'], '/l.py')).toEqual(['/usr/bin/python3', '-u', '-X', 'dev', '-W', 'ignore', '/l.py', 'app.py']);
		expect(parked(['python3.11', '-m', 'uvicorn', 'main:app', '--port', '8000'], '/l.py')).toEqual(['python3.11', '/l.py', '-m', 'uvicorn', 'main:app', '--port', '8000']);
		expect(parked(['python', '-OO', '-muvicorn', 'main:app'], '/l.py')).toEqual(['python', '-OO', '/l.py', '-m', 'uvicorn', 'main:app']);
		expect(parked(['python', '-Xdev', 'app.py'], '/l.py')).toEqual(['python', '-Xdev', '/l.py', 'app.py']);
	});

	it('refuses what it cannot hold, with a reason', () => {
		for (const [command, reason] of [
			[['node', '-e', 'x'], /node -e runs no script/],
			[['node'], /REPL/],
			[['node', '--watch', 'app.js'], /restarts the app itself/],
			[['python3', '-c', 'print(1)'], /-c runs a string/],
			[['python3', '-i', 'app.py'], /interactive/],
			[['python3', '-'], /stdin/],
			[['python3'], /interactive prompt/],
			[['npm', 'run', 'dev'], /npm run starts node through npm and a shell/],
			[['npx', 'nodemon'], /npx starts the program through npm/],
			[['sh', '-c', 'node app.js'], /through a shell/],
			[['uv', 'run', 'app.py'], /uv run/],
			[['ruby', 'app.rb'], /ruby is not node or python/],
		] as const) {
			const plan = planWarm([...command]);
			expect(plan.kind, command.join(' ')).toBe('unsupported');
			expect(plan.kind === 'unsupported' && plan.reason).toMatch(reason);
		}
	});
});

describe('the preload list', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-list-'));
	const tree = {roots: [root], isIgnored: (file: string) => file.split(path.sep).includes('.venv')};

	it('keeps third-party and stdlib modules in import order, never the app’s own or what lies below them', () => {
		const report = path.join(root, '.report');
		writeFileSync(
			report,
			[
				'json\t/usr/lib/python3.11/json/__init__.py',
				`myapp\t${root}/myapp/__init__.py`,
				'fastapi\t/usr/lib/python3/dist-packages/fastapi/__init__.py',
				`myapp.routes\t${root}/myapp/routes.py`,
				`venvlib\t${root}/.venv/lib/python3.11/site-packages/venvlib.py`,
				'__main__\t/x/app.py',
				'google\t',
				'half\t/usr/lib/x',
			].join('\n'),
		);
		const list = createModuleList(tree);
		list.readReport(report);
		// The last line has no newline yet: the instance may still be writing it.
		expect(list.names()).toEqual(['json', 'fastapi', 'venvlib', 'google']);
		expect(list.allowed()).toEqual([path.join(root, '.venv')]);
		writeFileSync(report, `${[
			'json\t/usr/lib/python3.11/json/__init__.py',
			`myapp\t${root}/myapp/__init__.py`,
			'fastapi\t/usr/lib/python3/dist-packages/fastapi/__init__.py',
			`myapp.routes\t${root}/myapp/routes.py`,
			`venvlib\t${root}/.venv/lib/python3.11/site-packages/venvlib.py`,
			'__main__\t/x/app.py',
			'google\t',
			'half\t/usr/lib/x',
		].join('\n')}\nfastapi.routing\t/usr/lib/python3/dist-packages/fastapi/routing.py\n`);
		list.readReport(report);
		expect(list.names()).toEqual(['json', 'fastapi', 'venvlib', 'google', 'half', 'fastapi.routing']);
		list.exclude('fastapi');
		expect(list.names()).toEqual(['json', 'venvlib', 'google', 'half']);
	});

	it('tells the watched tree from what the watcher ignores inside it', () => {
		expect(inWatchedTree(tree, path.join(root, 'app.py'))).toBe(true);
		expect(inWatchedTree(tree, path.join(root, '.venv/lib/x.py'))).toBe(false);
		expect(inWatchedTree(tree, '/usr/lib/python3.11/os.py')).toBe(false);
		expect(ignoredDirOf(tree, path.join(root, '.venv/lib/python3.11/site-packages/a.py'))).toBe(path.join(root, '.venv'));
		expect(ignoredDirOf(tree, path.join(root, 'src/a.py'))).toBeUndefined();
	});
});

describe('the warm pipe', () => {
	it('reads the launcher’s answers and ignores anything else', () => {
		expect(parseReply('{"parked": {"files": [["/a.py", "1733300000123456789", 10, 5], ["bad"]], "preloaded": 3, "ms": 1.5}}')).toEqual({
			kind: 'parked',
			files: [['/a.py', '1733300000123456789', 10, 5]],
			preloaded: 3,
			ms: 1.5,
		});
		expect(parseReply('{"failed": {"module": "x", "error": "ImportError: no", "others": ["y", 3]}}')).toEqual({kind: 'failed', module: 'x', error: 'ImportError: no', others: ['y']});
		expect(parseReply('not json')).toBeUndefined();
		expect(parseReply('[1]')).toBeUndefined();
		expect(parseReply('{"other": 1}')).toBeUndefined();
	});

	it('changes only what differs at go, and removes the pipe’s own variable', () => {
		expect(envChanges({A: '1', DEVTUI_RESTART: '1', GONE: 'x'}, {A: '1', DEVTUI_RESTART: '2', NEW: 'y'})).toEqual({
			set: {DEVTUI_RESTART: '2', NEW: 'y'},
			unset: ['GONE', 'DEVTUI_WARM_FD'],
		});
	});

	it('puts the pipe high, past the listen sockets', () => {
		expect(warmFdFor(undefined)).toBe(63);
		expect(warmFdFor([10, 11])).toBe(63);
		expect(warmFdFor(Array.from({length: 70}, (_, index) => index))).toBe(73);
	});
});

describe('runsAsModule', () => {
	it('reads the extension, then the nearest package.json "type", as node does', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-type-'));
		writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
		const isModule = runsAsModule(dir);
		expect(isModule('a.mjs')).toBe(true);
		expect(isModule('a.cjs')).toBe(false);
		expect(isModule('a.js')).toBe(true);
		expect(isModule('a.ts')).toBe(false);
		writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}');
		expect(isModule('a.js')).toBe(false);
	});
});
