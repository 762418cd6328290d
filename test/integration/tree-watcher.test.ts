import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs';
import {spawn} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {createTreeWatcher, type TreeEvent, type TreeWatcher} from '../../src/watcher/tree-watcher.js';
import {repoRoot} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDir = () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-tree-'));
	cleanups.push(() => {
		// An unreadable directory left by a failed test must not stop the cleanup.
		chmodSync(dir, 0o755);
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
};

// Whether another user can read `file`: every directory on the way searchable, the file readable.
const reachableByOthers = (file: string): boolean => {
	try {
		if ((statSync(file).mode & 0o004) === 0) return false;
		for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
			if ((statSync(dir).mode & 0o001) === 0) return false;
			if (dir === path.dirname(dir)) return true;
		}
	} catch {
		return false;
	}
};

const makeTree = (files: Record<string, string> = {}) => {
	const dir = tempDir();
	const at = (file: string) => path.join(dir, file);
	const write = (file: string, text = `${file} ${Math.random()}\n`) => {
		mkdirSync(path.dirname(at(file)), {recursive: true});
		writeFileSync(at(file), text);
	};
	for (const [file, text] of Object.entries(files)) write(file, text);
	return {dir, at, write};
};

// The inotify watches this process holds, from /proc: proof of what is (not) watched.
const inotifyWatches = (): number | undefined => {
	if (!existsSync('/proc/self/fdinfo')) return undefined;
	let count = 0;
	for (const fd of readdirSync('/proc/self/fd')) {
		try {
			if (!readlinkSync(`/proc/self/fd/${fd}`).includes('inotify')) continue;
			count += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
				.split('\n')
				.filter(line => line.startsWith('inotify wd:')).length;
		} catch {
			// The fd closed while we looked.
		}
	}
	return count;
};

type Seen = [TreeEvent, string];

// Starts a real watcher; events are kept relative to `base` so expectations read like the tree.
const startWatcher = async (
	base: string,
	roots: string[] = [base],
	ignored: (file: string, isDirectory: boolean) => boolean = () => false,
	{awaitReady = true}: {awaitReady?: boolean} = {},
) => {
	const events: Seen[] = [];
	const errors: NodeJS.ErrnoException[] = [];
	const relative = (file: string) => path.relative(base, file).split(path.sep).join('/');
	const watcher: TreeWatcher = createTreeWatcher(roots, {
		ignored,
		onEvent: (event, file) => events.push([event, relative(file)]),
		onError: error => errors.push(error),
	});
	cleanups.push(() => watcher.close());
	if (awaitReady) await watcher.ready;
	const describeEvents = () => `events so far: ${JSON.stringify(events)}`;
	const eventFor = (event: TreeEvent, file: string) =>
		waitFor(() => events.some(([seen, at]) => seen === event && at === file), {message: () => `${event} ${file}; ${describeEvents()}`});
	const files = () => [...watcher.files()].map(relative).sort();
	return {watcher, events, errors, eventFor, files};
};

describe('createTreeWatcher', () => {
	it('walks silently, knows every file, and reports what comes after', async () => {
		const tree = makeTree({'a.txt': 'a', 'src/b.ts': 'b', 'src/deep/c.ts': 'c'});
		const {events, errors, eventFor, files} = await startWatcher(tree.dir);
		expect(files()).toEqual(['a.txt', 'src/b.ts', 'src/deep/c.ts']);
		tree.write('src/deep/sentinel.txt');
		await eventFor('add', 'src/deep/sentinel.txt');
		expect(events).toEqual([['add', 'src/deep/sentinel.txt']]);
		expect(errors).toEqual([]);
	});

	it('reports a write to a known file as a change', async () => {
		const tree = makeTree({'src/app.ts': 'one'});
		const {events, eventFor} = await startWatcher(tree.dir);
		tree.write('src/app.ts', 'two');
		await eventFor('change', 'src/app.ts');
		expect(events.every(([event, file]) => event === 'change' && file === 'src/app.ts')).toBe(true);
	});

	it('reports an added and a removed file', async () => {
		const tree = makeTree({'keep.txt': 'k'});
		const {events, eventFor, files} = await startWatcher(tree.dir);
		tree.write('new.txt');
		await eventFor('add', 'new.txt');
		expect(files()).toEqual(['keep.txt', 'new.txt']);
		unlinkSync(tree.at('new.txt'));
		await eventFor('unlink', 'new.txt');
		expect(files()).toEqual(['keep.txt']);
		expect(events.filter(([event]) => event === 'add' || event === 'unlink')).toEqual([
			['add', 'new.txt'],
			['unlink', 'new.txt'],
		]);
	});

	it('reports a rename-save (a temp file renamed over the file) as a change', async () => {
		const tree = makeTree({'src/app.ts': 'one'});
		const {events, eventFor, files} = await startWatcher(tree.dir);
		for (const text of ['two', 'three']) {
			const seen = events.length;
			writeFileSync(tree.at('src/.app.ts.tmp'), text);
			renameSync(tree.at('src/.app.ts.tmp'), tree.at('src/app.ts'));
			await waitFor(() => events.slice(seen).some(([event, file]) => event === 'change' && file === 'src/app.ts'), {
				message: () => `change of src/app.ts after writing ${text}: ${JSON.stringify(events)}`,
			});
		}
		expect(events.filter(([, file]) => file === 'src/app.ts').map(([event]) => event)).toEqual(['change', 'change']);
		expect(files()).toEqual(['src/app.ts']);
	});

	it('reports every level of a mkdir -p and the file made inside it', async () => {
		const tree = makeTree({'root.txt': 'r'});
		const {events, eventFor, files} = await startWatcher(tree.dir);
		mkdirSync(tree.at('a/b'), {recursive: true});
		writeFileSync(tree.at('a/b/c.txt'), 'c');
		await eventFor('add', 'a/b/c.txt');
		const order = (event: TreeEvent, file: string) => events.findIndex(([seen, at]) => seen === event && at === file);
		expect(order('addDir', 'a')).toBeGreaterThanOrEqual(0);
		expect(order('addDir', 'a')).toBeLessThan(order('addDir', 'a/b'));
		expect(order('addDir', 'a/b')).toBeLessThan(order('add', 'a/b/c.txt'));
		expect(files()).toEqual(['a/b/c.txt', 'root.txt']);
		// The new directories are watched too.
		tree.write('a/b/c.txt', 'changed');
		await eventFor('change', 'a/b/c.txt');
	});

	it('reports every file and directory under a removed directory, once', async () => {
		const tree = makeTree({'d/x.txt': 'x', 'd/e/y.txt': 'y', 'd/e/f/z.txt': 'z', 'other.txt': 'o'});
		const {events, eventFor, files} = await startWatcher(tree.dir);
		rmSync(tree.at('d'), {recursive: true});
		await eventFor('unlinkDir', 'd');
		tree.write('sentinel.txt');
		await eventFor('add', 'sentinel.txt');
		expect(events.filter(([, file]) => file !== 'sentinel.txt').sort()).toEqual(
			[
				['unlink', 'd/x.txt'],
				['unlink', 'd/e/y.txt'],
				['unlink', 'd/e/f/z.txt'],
				['unlinkDir', 'd/e/f'],
				['unlinkDir', 'd/e'],
				['unlinkDir', 'd'],
			].sort(),
		);
		expect(files()).toEqual(['other.txt', 'sentinel.txt']);
	});

	it('watches a directory that replaced a removed one', async () => {
		const tree = makeTree({'gen/old.ts': 'o'});
		const {eventFor, files} = await startWatcher(tree.dir);
		rmSync(tree.at('gen'), {recursive: true});
		mkdirSync(tree.at('gen'));
		writeFileSync(tree.at('gen/new.ts'), 'n');
		await eventFor('add', 'gen/new.ts');
		await eventFor('unlink', 'gen/old.ts');
		expect(files()).toEqual(['gen/new.ts']);
		tree.write('gen/new.ts', 'again');
		await eventFor('change', 'gen/new.ts');
	});

	it('never watches, reads or reports inside an ignored directory', async () => {
		const tree = makeTree({
			'src/app.ts': 'a',
			'node_modules/pkg/index.js': 'i',
			'node_modules/pkg/lib/deep.js': 'd',
			'node_modules/other/x.js': 'x',
		});
		const asked: string[] = [];
		const ignored = (file: string, isDirectory: boolean) => {
			asked.push(path.relative(tree.dir, file));
			return (isDirectory && path.basename(file) === 'node_modules') || file.endsWith('.log');
		};
		const before = inotifyWatches();
		const {events, eventFor, files} = await startWatcher(tree.dir, [tree.dir], ignored);
		// The root and src: the ignored directory costs no watch at all.
		if (before !== undefined) expect(inotifyWatches()! - before).toBe(2);
		expect(asked.filter(file => file.startsWith(`node_modules${path.sep}`))).toEqual([]);
		expect(files()).toEqual(['src/app.ts']);
		tree.write('node_modules/pkg/index.js', 'changed');
		tree.write('node_modules/new/added.js');
		tree.write('src/debug.log');
		tree.write('src/sentinel.ts');
		await eventFor('add', 'src/sentinel.ts');
		expect(events).toEqual([['add', 'src/sentinel.ts']]);
	});

	it('watches a single file root and nothing else in its directory', async () => {
		const tree = makeTree({'config.json': '{}', 'neighbour.json': '{}'});
		const {events, eventFor, files} = await startWatcher(tree.dir, [tree.at('config.json')]);
		expect(files()).toEqual(['config.json']);
		tree.write('neighbour.json', '{"a": 1}');
		tree.write('config.json', '{"b": 1}');
		await eventFor('change', 'config.json');
		writeFileSync(tree.at('config.json.tmp'), '{"c": 1}');
		renameSync(tree.at('config.json.tmp'), tree.at('config.json'));
		await waitFor(() => events.filter(([event]) => event === 'change').length >= 2, {message: () => JSON.stringify(events)});
		unlinkSync(tree.at('config.json'));
		await eventFor('unlink', 'config.json');
		expect(files()).toEqual([]);
		tree.write('config.json', '{}');
		await eventFor('add', 'config.json');
		expect(events.filter(([, file]) => file !== 'config.json')).toEqual([]);
	});

	it('starts without a missing root, and add() watches it once it exists', async () => {
		const base = tempDir();
		const root = path.join(base, 'later');
		const {watcher, events, errors, eventFor, files} = await startWatcher(base, [root]);
		expect(files()).toEqual([]);
		expect(errors).toEqual([]);
		mkdirSync(path.join(root, 'sub'), {recursive: true});
		writeFileSync(path.join(root, 'sub', 'a.txt'), 'a');
		watcher.add(root);
		await eventFor('add', 'later/sub/a.txt');
		expect(events).toEqual([
			['addDir', 'later'],
			['addDir', 'later/sub'],
			['add', 'later/sub/a.txt'],
		]);
		writeFileSync(path.join(root, 'sub', 'a.txt'), 'b');
		await eventFor('change', 'later/sub/a.txt');
		expect(errors).toEqual([]);
	});

	it('reports a removed root, and watches it again after unwatch() and add()', async () => {
		const base = tempDir();
		const root = path.join(base, 'app');
		mkdirSync(path.join(root, 's'), {recursive: true});
		writeFileSync(path.join(root, 'x.txt'), 'x');
		writeFileSync(path.join(root, 's', 'y.txt'), 'y');
		const {watcher, events, eventFor, files} = await startWatcher(base, [root]);
		rmSync(root, {recursive: true});
		await eventFor('unlinkDir', 'app');
		expect(events.slice().sort()).toEqual(
			[
				['unlink', 'app/x.txt'],
				['unlink', 'app/s/y.txt'],
				['unlinkDir', 'app/s'],
				['unlinkDir', 'app'],
			].sort(),
		);
		expect(files()).toEqual([]);
		mkdirSync(root);
		writeFileSync(path.join(root, 'back.txt'), 'b');
		watcher.unwatch(root);
		watcher.add(root);
		await eventFor('add', 'app/back.txt');
		writeFileSync(path.join(root, 'back.txt'), 'c');
		await eventFor('change', 'app/back.txt');
	});

	it('follows a symlinked directory, counts a symlinked file, and stops at loops', async () => {
		const outside = makeTree({'o.txt': 'o'});
		const tree = makeTree({'a.txt': 'a', 'sub/s.txt': 's'});
		symlinkSync(outside.dir, tree.at('linked'));
		symlinkSync('..', tree.at('sub/loop'));
		symlinkSync('.', tree.at('here'));
		symlinkSync('self', tree.at('self'));
		symlinkSync('nowhere', tree.at('dead'));
		symlinkSync('a.txt', tree.at('alias.txt'));
		const {events, errors, eventFor, files} = await startWatcher(tree.dir);
		expect(files()).toEqual(['a.txt', 'alias.txt', 'linked/o.txt', 'sub/s.txt']);
		expect(errors).toEqual([]);
		writeFileSync(path.join(outside.dir, 'o.txt'), 'changed');
		await eventFor('change', 'linked/o.txt');
		expect(events).toEqual([['change', 'linked/o.txt']]);
	});

	it.skipIf(process.getuid?.() === 0)('reports an unreadable directory and watches the rest', async () => {
		const tree = makeTree({'open/a.txt': 'a', 'closed/b.txt': 'b'});
		chmodSync(tree.at('closed'), 0o000);
		cleanups.push(() => chmodSync(tree.at('closed'), 0o755));
		const {errors, eventFor, files} = await startWatcher(tree.dir);
		expect(errors.map(error => [error.code, error.path])).toEqual([['EACCES', tree.at('closed')]]);
		expect(files()).toEqual(['open/a.txt']);
		tree.write('open/a.txt', 'changed');
		await eventFor('change', 'open/a.txt');
	});

	// Root reads every directory, so as root the same case runs in a child process as nobody (uid
	// 65534), on the built watcher: CI runs as root, and the case must not go untested there. (Only
	// where nobody can reach the checkout: not under a private /root, say.)
	it.skipIf(process.getuid?.() !== 0 || !reachableByOthers(path.join(repoRoot, 'dist/src/watcher/tree-watcher.js')))(
		'reports an unreadable directory and watches the rest (as nobody, from root)', async () => {
			const tree = makeTree({'open/a.txt': 'a', 'closed/b.txt': 'b'});
			for (const dir of [tree.dir, tree.at('open')]) chmodSync(dir, 0o777);
			chmodSync(tree.at('open/a.txt'), 0o666);
			chmodSync(tree.at('closed'), 0o000);
			cleanups.push(() => chmodSync(tree.at('closed'), 0o755));
			const built = pathToFileURL(path.join(repoRoot, 'dist/src/watcher/tree-watcher.js')).href;
			const script = `
				import {createTreeWatcher} from ${JSON.stringify(built)};
				const say = value => process.stdout.write(JSON.stringify(value) + '\\n');
				const watcher = createTreeWatcher([process.argv[1]], {
					ignored: () => false,
					onEvent: (event, file) => say({event, file}),
					onError: error => say({error: error.code, path: error.path}),
				});
				await watcher.ready;
				say({ready: [...watcher.files()].sort()});
			`;
			const child = spawn(process.execPath, ['--input-type=module', '-e', script, tree.dir], {uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit']});
			cleanups.push(() => {
				child.kill('SIGKILL');
			});
			const said: Array<Record<string, unknown>> = [];
			let rest = '';
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
				const lines = (rest + chunk).split('\n');
				rest = lines.pop()!;
				said.push(...lines.filter(Boolean).map(line => JSON.parse(line) as Record<string, unknown>));
			});
			const ready = await waitFor(() => said.find(entry => 'ready' in entry), {message: () => `the watcher ready as nobody; said ${JSON.stringify(said)}`});
			expect(ready.ready).toEqual([tree.at('open/a.txt')]);
			expect(said.filter(entry => 'error' in entry)).toEqual([{error: 'EACCES', path: tree.at('closed')}]);
			tree.write('open/a.txt', 'changed');
			await waitFor(() => said.some(entry => entry.event === 'change' && entry.file === tree.at('open/a.txt')), {message: () => `a change of open/a.txt; said ${JSON.stringify(said)}`});
		},
	);

	it('stops reporting once closed, and close() may be called again', async () => {
		const tree = makeTree({'a.txt': 'a'});
		const first = await startWatcher(tree.dir);
		const second = await startWatcher(tree.dir);
		await first.watcher.close();
		await first.watcher.close();
		tree.write('a.txt', 'changed');
		tree.write('b.txt');
		await second.eventFor('add', 'b.txt');
		await second.eventFor('change', 'a.txt');
		expect(first.events).toEqual([]);
		expect([...first.watcher.files()]).toEqual([]);
	});

	it('reports entries made during the walk in a directory it has read already', async () => {
		const tree = makeTree();
		for (let index = 0; index < 400; index++) {
			for (let file = 0; file < 5; file++) tree.write(`d${String(index).padStart(3, '0')}/f${file}.txt`, 'x');
		}
		let readySettled = false;
		let wroteDuringWalk: boolean | undefined;
		// Asked of a name in d000 only once d000 is watched and read: write there right then.
		const ignored = (file: string) => {
			if (wroteDuringWalk === undefined && file.startsWith(tree.at('d000') + path.sep)) {
				wroteDuringWalk = !readySettled;
				writeFileSync(tree.at('d000/new.txt'), 'n');
				mkdirSync(tree.at('d000/fresh/deep'), {recursive: true});
				writeFileSync(tree.at('d000/fresh/deep/f.txt'), 'f');
			}
			return false;
		};
		const {watcher, events, eventFor, files} = await startWatcher(tree.dir, [tree.dir], ignored, {awaitReady: false});
		void watcher.ready.then(() => (readySettled = true));
		await watcher.ready;
		expect(wroteDuringWalk).toBe(true);
		await eventFor('add', 'd000/new.txt');
		await eventFor('add', 'd000/fresh/deep/f.txt');
		const expected = new Set(['d000/new.txt', 'd000/fresh', 'd000/fresh/deep', 'd000/fresh/deep/f.txt']);
		expect(events.filter(([, file]) => !expected.has(file))).toEqual([]);
		expect(events.filter(([event]) => event === 'addDir').map(([, file]) => file)).toEqual(['d000/fresh', 'd000/fresh/deep']);
		expect(files()).toHaveLength(2002);
	});
});
