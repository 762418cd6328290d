import {spawn} from 'node:child_process';
import {chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {ChangedFile, SupervisorEvent} from '../../src/supervisor/events.js';
import {type FileWatcher, type WatchOptions, watchFiles} from '../../src/watcher/watch-files.js';
import {waitFor} from '../helpers/wait-for.js';

interface Batch {
	files: ChangedFile[];
	batch: number;
	firstChangeAt: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const makeTree = (files: Record<string, string> = {}) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-watch-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	const write = (file: string, text = `${file} ${Math.random()}\n`) => {
		mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
		writeFileSync(path.join(dir, file), text);
	};
	for (const [file, text] of Object.entries(files)) write(file, text);
	return {dir, write, at: (file: string) => path.join(dir, file)};
};

// Starts a real watcher on `cwd` and records everything it reports.
const startWatcher = async (cwd: string, overrides: Partial<WatchOptions> = {}, onChangeStart?: () => void, changedSince?: number) => {
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	const batches: Batch[] = [];
	// How many batches began with a raw event (the supervisor's chance to begin stopping early).
	let changeStarts = 0;
	let collecting = false;
	let closed = 0;
	const watcher: FileWatcher = watchFiles({
		options: {
			cwd,
			watch: [cwd],
			ignore: [],
			ext: [],
			// Generous, so a slow, loaded machine still sees one save as one batch.
			debounceMs: 200,
			pollMs: undefined,
			stateFile: path.join(cwd, '.devtui', 'restart_state.json'),
			...overrides,
		},
		bus,
		onChange: () => {
			if (collecting) return;
			collecting = true;
			changeStarts++;
			onChangeStart?.();
		},
		onBatch: (files, firstChangeAt) => {
			collecting = false;
			if (files.length > 0) batches.push({files, batch: ++closed, firstChangeAt});
		},
		...(changedSince === undefined ? {} : {changedSince}),
	});
	cleanups.push(() => watcher.close());
	await watcher.ready;
	const allPaths = () => batches.flatMap(batch => batch.files.map(file => file.path));
	const describeBatches = () => `batches so far: ${JSON.stringify(batches.map(batch => batch.files))}`;
	// Resolves with the first batch that holds `file`.
	const batchWith = (file: string) =>
		waitFor(() => batches.find(batch => batch.files.some(changed => changed.path === file)), {
			message: () => `a batch with ${file}; ${describeBatches()}`,
		});
	// Never "sleep and see that nothing came": make a real change after the ignored writes and wait
	// for it, by which time any event of the earlier writes has long been through the watcher.
	let sentinels = 0;
	const expectNeverReported = async (write: (file: string) => void, ignored: string[]) => {
		const sentinel = `sentinel-${++sentinels}.txt`;
		write(sentinel);
		await batchWith(sentinel);
		expect(allPaths().filter(file => ignored.includes(file))).toEqual([]);
	};
	return {bus, events, batches, watcher, allPaths, batchWith, expectNeverReported, changeStarts: () => changeStarts};
};

describe('watchFiles', () => {
	it('emits watch/ready with the watched paths', async () => {
		const {dir} = makeTree({'a.txt': 'a'});
		const {events} = await startWatcher(dir);
		const ready = events.find(event => event.type === 'watch/ready');
		expect(ready).toMatchObject({paths: [dir], polling: false});
		expect(ready && 'durationMs' in ready && ready.durationMs).toBeGreaterThanOrEqual(0);
	});

	it('reports added, changed and removed files, relative to cwd, in numbered batches', async () => {
		const {dir, write, at} = makeTree({'src/old.ts': 'old', 'src/kept.ts': 'kept'});
		const {batches, events, batchWith, changeStarts} = await startWatcher(dir);

		write('src/new.ts');
		expect((await batchWith('src/new.ts')).files).toEqual([{path: 'src/new.ts', kind: 'added'}]);
		write('src/kept.ts');
		expect((await batchWith('src/kept.ts')).files).toEqual([{path: 'src/kept.ts', kind: 'changed'}]);
		unlinkSync(at('src/old.ts'));
		expect((await batchWith('src/old.ts')).files).toEqual([{path: 'src/old.ts', kind: 'removed'}]);

		expect(batches.map(batch => batch.batch)).toEqual([1, 2, 3]);
		expect(changeStarts()).toBe(3);
		expect(batches[0]?.firstChangeAt).toBeGreaterThan(0);
	});

	it('groups a burst of 100 writes to 20 files into one batch', async () => {
		const names = Array.from({length: 20}, (_, index) => `src/file-${String(index).padStart(2, '0')}.ts`);
		const {dir, write} = makeTree(Object.fromEntries(names.map(name => [name, 'start'])));
		const {batches, batchWith, changeStarts} = await startWatcher(dir);
		for (let round = 0; round < 5; round++) for (const name of names) write(name, `round ${round}`);
		const burst = await batchWith(names[0]!);
		expect(burst.files).toEqual(names.map(name => ({path: name, kind: 'changed'})));

		write('sentinel.ts');
		await batchWith('sentinel.ts');
		expect(batches).toHaveLength(2);
		expect(changeStarts()).toBe(2);
	});

	it('reports a file saved after the app started but before the first scan finished, and only that one', async () => {
		const {dir, write} = makeTree({'old.ts': 'old', 'src/kept.ts': 'kept'});
		const treeWrittenAt = Date.now();
		// File times come from a coarser clock than Date.now(), and both are cut to milliseconds
		// differently: keep the start clear of the files saved before it, and the save clear of the start.
		await waitFor(() => Date.now() > treeWrittenAt + 20);
		const appStartedAt = Date.now();
		await waitFor(() => Date.now() > appStartedAt + 20);
		write('src/saved-meanwhile.ts');
		const {batches, batchWith} = await startWatcher(dir, {}, undefined, appStartedAt);
		expect((await batchWith('src/saved-meanwhile.ts')).files).toEqual([{path: 'src/saved-meanwhile.ts', kind: 'changed'}]);
		write('sentinel.ts');
		await batchWith('sentinel.ts');
		expect(batches.flatMap(batch => batch.files.map(file => file.path))).toEqual(['src/saved-meanwhile.ts', 'sentinel.ts']);
	});

	it('closes a single save quickly, and still catches a second write right after it', async () => {
		const {dir, write} = makeTree({'src/app.ts': 'v1'});
		const {batches, batchWith} = await startWatcher(dir, {debounceMs: 50});
		write('src/app.ts', 'v2');
		await batchWith('src/app.ts');
		// At once: within 50 ms of the first event (chokidar's change throttle, before devtui had its
		// own watcher, dropped such a write without a word).
		write('src/app.ts', 'v3, longer');
		await waitFor(() => batches.length >= 2, {message: () => `a second batch; ${JSON.stringify(batches.map(batch => batch.files))}`});
		expect(batches.map(batch => batch.files)).toEqual([[{path: 'src/app.ts', kind: 'changed'}], [{path: 'src/app.ts', kind: 'changed'}]]);
		write('sentinel.ts');
		await batchWith('sentinel.ts');
		expect(batches).toHaveLength(3);
	});

	it("an event that leaves a file as its batch saw it is no change (vim's fchmod after its write), and a real write after it is", async () => {
		const {dir, write, at} = makeTree({'src/app.py': 'v1\n'});
		const {batches, batchWith} = await startWatcher(dir, {debounceMs: 50});
		write('src/app.py', 'v2\n');
		await batchWith('src/app.py');
		// What vim does after writing: the mode and the extended attributes, an fsync later.
		chmodSync(at('src/app.py'), 0o644);
		chmodSync(at('src/app.py'), 0o664);
		writeFileSync(at('src/app.py'), 'v2\n');
		write('sentinel.ts');
		await batchWith('sentinel.ts');
		expect(batches.map(batch => batch.files.map(file => file.path))).toEqual([['src/app.py'], ['sentinel.ts']]);
		write('src/app.py', 'v3\n');
		await waitFor(() => batches.length >= 3, {message: () => `the real write; ${JSON.stringify(batches.map(batch => batch.files))}`});
		expect(batches[2]!.files).toEqual([{path: 'src/app.py', kind: 'changed'}]);
	});

	it('keeps a save in one batch when the writer pauses between truncating the file and writing it', async () => {
		const {dir, at} = makeTree({'src/app.ts': 'v1'});
		const {batches, batchWith} = await startWatcher(dir, {debounceMs: 50});
		const fd = openSync(at('src/app.ts'), 'w');
		// Longer than the single-save window (5 ms), well inside the debounce: the stimulus, not a wait.
		await new Promise(resolve => setTimeout(resolve, 20));
		writeSync(fd, 'v2, the content');
		closeSync(fd);
		await batchWith('src/app.ts');
		writeFileSync(at('sentinel.ts'), 'x');
		await batchWith('sentinel.ts');
		expect(batches.map(batch => batch.files.map(file => file.path))).toEqual([['src/app.ts'], ['sentinel.ts']]);
	});

	// With --poll, chokidar reads a directory before it watches it, and a root of 5,000 files keeps
	// that window open a while: the catch-up after its scan must find what was made in between. The
	// directory watcher watches before it reads (its own test proves a write lands inside its walk);
	// here it must simply lose nothing. Directories are made at a few moments into the start (the
	// stimulus, not a wait).
	it.each([
		{source: 'the directory watcher', pollMs: undefined},
		{source: 'polling', pollMs: 100},
	])('sees directories made while the first scan runs, and what is written in them later ($source)', async ({pollMs}) => {
		const {dir, write} = makeTree(Object.fromEntries(Array.from({length: 5000}, (_, index) => [`f${index}.txt`, 'x'])));
		const bus = createEventBus();
		const batches: ChangedFile[][] = [];
		const watcher = watchFiles({
			options: {cwd: dir, watch: [dir], ignore: [], ext: [], debounceMs: 50, pollMs, stateFile: path.join(dir, '.devtui', 'restart_state.json')},
			bus,
			onBatch: files => batches.push(files),
			changedSince: Date.now(),
		});
		cleanups.push(() => watcher.close());
		const names = [5, 20, 50, 100, 200].map(delay => `data-${delay}/made-during-scan.txt`);
		await Promise.all(names.map((name, index) => new Promise<void>(resolve => setTimeout(() => resolve(write(name, 'a')), [5, 20, 50, 100, 200][index]))));
		await watcher.ready;
		const paths = () => batches.flat().map(file => file.path);
		await waitFor(() => names.every(name => paths().includes(name) || paths().includes(path.dirname(name))), {
			message: () => `every directory made during the scan; batches ${JSON.stringify(batches)}`,
		});
		const before = batches.length;
		for (const name of names) write(name, 'b, later');
		await waitFor(() => names.every(name => batches.slice(before).flat().some(file => file.path === name && file.kind === 'changed')), {
			message: () => `a later edit in each; batches since ${JSON.stringify(batches.slice(before))}`,
		});
	});

	it('keeps a burst in one batch when devtui itself stalls in the middle of it', async () => {
		const names = Array.from({length: 10}, (_, index) => `src/f${index}.ts`);
		const {dir, write} = makeTree(Object.fromEntries(names.map(name => [name, 'start'])));
		let stalls = 0;
		// The first change of the burst freezes this process's event loop for 400 ms, as a CPU quota
		// or a long garbage collection would, while the writer (another process) goes on writing.
		// The quiet window is long overdue when the loop runs again, and Node runs due timers before
		// it reads the events that came meanwhile: the batch must not close on a quiet it never saw.
		const {batches, batchWith} = await startWatcher(dir, {debounceMs: 50}, () => {
			if (stalls++ === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
		});
		const script = `const fs = require('node:fs'); let i = 0; const t = setInterval(() => { fs.writeFileSync(${JSON.stringify(dir)} + '/src/f' + (i % 10) + '.ts', 'write ' + i); if (++i === 20) { clearInterval(t); console.log('done'); } }, 10);`;
		const writer = spawn(process.execPath, ['-e', script], {stdio: ['ignore', 'pipe', 'inherit']});
		let output = '';
		writer.stdout.on('data', chunk => (output += String(chunk)));
		await new Promise(resolve => writer.on('exit', resolve));
		expect(output).toBe('done\n');
		const burst = await batchWith(names[0]!);
		expect(burst.files).toEqual(names.map(name => ({path: name, kind: 'changed'})));
		write('sentinel.ts');
		await batchWith('sentinel.ts');
		expect(stalls).toBe(2);
		expect(batches).toHaveLength(2);
	});

	it('closes a batch at the cap while writes go on without a pause', async () => {
		const {dir, write} = makeTree({'log.txt': ''});
		// debounceMs 200: the cap is max(2000, 10 × 200) = 2000 ms.
		const {batches} = await startWatcher(dir);
		let writes = 0;
		const writer = setInterval(() => write('log.txt', `line ${++writes}`), 40);
		try {
			await waitFor(() => batches.length > 0, {timeout: 8000, message: 'a batch while writes continue'});
		} finally {
			clearInterval(writer);
		}
		expect(batches[0]?.files).toEqual([{path: 'log.txt', kind: 'changed'}]);
	});

	it('sees a vim-style save (probe file, backup by rename, new file) as one change', async () => {
		const {dir, write, at} = makeTree({'app.py': 'v1'});
		const {batches, batchWith} = await startWatcher(dir);
		// What vim does with 'writebackup': probe the directory with `4913`, move the original to
		// `app.py~`, write a new `app.py`, then delete the backup.
		write('4913', '');
		unlinkSync(at('4913'));
		renameSync(at('app.py'), at('app.py~'));
		write('app.py', 'v2');
		unlinkSync(at('app.py~'));
		expect((await batchWith('app.py')).files).toEqual([{path: 'app.py', kind: 'changed'}]);

		write('sentinel.txt');
		await batchWith('sentinel.txt');
		expect(batches).toHaveLength(2);
	});

	it('sees a JetBrains safe write (temp file renamed over the original) as one change', async () => {
		const {dir, write, at} = makeTree({'src/App.kt': 'v1'});
		const {batches, batchWith} = await startWatcher(dir);
		write('src/App.kt___jb_tmp___', 'v2');
		renameSync(at('src/App.kt'), at('src/App.kt___jb_old___'));
		renameSync(at('src/App.kt___jb_tmp___'), at('src/App.kt'));
		unlinkSync(at('src/App.kt___jb_old___'));
		expect((await batchWith('src/App.kt')).files).toEqual([{path: 'src/App.kt', kind: 'changed'}]);

		write('sentinel.txt');
		await batchWith('sentinel.txt');
		expect(batches).toHaveLength(2);
	});

	it('leaves out a temp file that came and went within the batch', async () => {
		const {dir, write, at} = makeTree({'kept.txt': 'v1'});
		const {batches, batchWith, changeStarts} = await startWatcher(dir, {debounceMs: 1000});
		write('scratch.txt');
		write('kept.txt', 'v2');
		// The batch is open once the change is seen, and stays open for a second of quiet: the
		// temp file's removal falls into it.
		await waitFor(() => changeStarts() === 1, {message: 'the batch to open'});
		unlinkSync(at('scratch.txt'));
		expect((await batchWith('kept.txt')).files).toEqual([{path: 'kept.txt', kind: 'changed'}]);
		expect(batches).toHaveLength(1);
	});

	it('ignores dependency, VCS and cache directories, editor swap files and the data an app writes, by default', async () => {
		const {dir, write} = makeTree({'node_modules/lib/index.js': 'x', '.git/HEAD': 'ref', 'src/main.py': 'x'});
		const {expectNeverReported} = await startWatcher(dir);
		const ignored = [
			'node_modules/lib/index.js',
			'node_modules/new/index.js',
			'.git/HEAD',
			'.git/index',
			'src/__pycache__/main.cpython-312.pyc',
			'src/other.pyc',
			'src/.main.py.swp',
			'src/main.py~',
			'src/.#main.py',
			'.devtui/restart_state.json',
			// What an app writes as it runs: a fresh Django project's database, logs, uploads.
			'db.sqlite3',
			'db.sqlite3-journal',
			'server.log',
			'logs/today.txt',
			'uploads/avatar.png',
			'media/cat.jpg',
			'.pytest_cache/v/cache/lastfailed',
		];
		for (const file of ignored) write(file);
		await expectNeverReported(write, ignored);
	});

	it('ignores --ignore patterns, relative to cwd', async () => {
		const {dir, write} = makeTree();
		const {expectNeverReported, batchWith} = await startWatcher(dir, {ignore: ['dist', '*.gen.ts', '/top-only.txt']});
		const ignored = ['dist/bundle.js', 'src/api.gen.ts', 'top-only.txt'];
		for (const file of ignored) write(file);
		write('src/top-only.txt');
		await batchWith('src/top-only.txt');
		await expectNeverReported(write, ignored);
	});

	it('honours nested .gitignore files, negation included', async () => {
		// Names the defaults do not skip, so only the .gitignore files decide.
		const {dir, write} = makeTree({'.gitignore': '*.out\nbuild/\n', 'sub/.gitignore': '!keep.out\n'});
		const {expectNeverReported, batchWith} = await startWatcher(dir);
		const ignored = ['app.out', 'sub/other.out', 'build/out.js', 'sub/build/out.js'];
		for (const file of ignored) write(file);
		write('sub/keep.out');
		expect((await batchWith('sub/keep.out')).files).toContainEqual({path: 'sub/keep.out', kind: 'added'});
		await expectNeverReported(write, ignored);
	});

	it('honours the .gitignore files of ancestors up to the git root, and no further', async () => {
		const {dir: top, write: writeTop} = makeTree({'.gitignore': '*.md\n', 'repo/.gitignore': '*.out\ncache/\n', 'repo/app/x.txt': ''});
		mkdirSync(path.join(top, 'repo', '.git'));
		const app = path.join(top, 'repo', 'app');
		const write = (file: string) => writeTop(`repo/app/${file}`);
		const {expectNeverReported, batchWith} = await startWatcher(app);
		write('debug.out');
		write('cache/data.json');
		write('README.md'); // Ignored only above the git root: counts.
		await batchWith('README.md');
		await expectNeverReported(write, ['debug.out', 'cache/data.json']);
	});

	it('reloads .gitignore rules when a .gitignore changes, without counting it as a change', async () => {
		const {dir, write} = makeTree({'.gitignore': '*.out\n'});
		const {expectNeverReported} = await startWatcher(dir);
		write('.gitignore', '*.out\n*.scratch\n');
		// The sentinel's batch shows the .gitignore event has been handled before the next write.
		await expectNeverReported(write, ['.gitignore']);
		write('notes.scratch');
		await expectNeverReported(write, ['.gitignore', 'notes.scratch']);
	});

	it('counts only files with a listed extension, in any directory', async () => {
		const {dir, write} = makeTree();
		const {expectNeverReported, batchWith} = await startWatcher(dir, {ext: ['py', 'txt']});
		write('main.js');
		write('new/deeper/notes.md');
		write('new/deeper/mod.py');
		expect((await batchWith('new/deeper/mod.py')).files).toEqual([{path: 'new/deeper/mod.py', kind: 'added'}]);
		await expectNeverReported(write, ['main.js', 'new/deeper/notes.md']);
	});

	it('detects changes by polling with --poll', async () => {
		const {dir, write} = makeTree({'main.py': 'v1'});
		const {events, batches} = await startWatcher(dir, {pollMs: 100});
		expect(events.find(event => event.type === 'watch/ready')).toMatchObject({polling: true});
		// A poller takes its first look some time after the scan: a write before that becomes its
		// baseline and is never a change. Keep saving, as a person would, until one is seen.
		let saves = 0;
		const batch = await waitFor(
			() => {
				write('main.py', `v${++saves + 1}`);
				return batches.find(found => found.files.some(file => file.path === 'main.py'));
			},
			{interval: 500, message: 'a polled change of main.py'},
		);
		expect(batch.files).toEqual([{path: 'main.py', kind: 'changed'}]);
	});

	it('never counts the state file or its temp file, written atomically', async () => {
		const {dir, write, at} = makeTree({'state.json': '{}'});
		const {expectNeverReported} = await startWatcher(dir, {stateFile: at('state.json')});
		write('state.json.4821.tmp', '{"count": 1}');
		renameSync(at('state.json.4821.tmp'), at('state.json'));
		write('state.json.tmp', '{"count": 2'); // A save cut short leaves its temp file behind.
		await expectNeverReported(write, ['state.json', 'state.json.4821.tmp', 'state.json.tmp']);
	});

	it('watches inside an explicitly watched node_modules package', async () => {
		const {dir, write} = makeTree({'node_modules/mylib/index.js': 'v1', 'node_modules/other/index.js': 'v1'});
		const {expectNeverReported, batchWith} = await startWatcher(dir, {watch: [dir, path.join(dir, 'node_modules', 'mylib')]});
		write('node_modules/other/index.js');
		write('node_modules/mylib/node_modules/dep/index.js');
		write('node_modules/mylib/index.js');
		expect((await batchWith('node_modules/mylib/index.js')).files).toEqual([{path: 'node_modules/mylib/index.js', kind: 'changed'}]);
		await expectNeverReported(write, ['node_modules/other/index.js', 'node_modules/mylib/node_modules/dep/index.js']);
	});

	it('closes once, however often close() is called', async () => {
		const {dir} = makeTree();
		const {watcher} = await startWatcher(dir);
		const first = watcher.close();
		expect(watcher.close()).toBe(first);
		await expect(first).resolves.toBeUndefined();
		await expect(watcher.close()).resolves.toBeUndefined();
	});

	it('reports a watch path that does not exist as a watch/error, and still becomes ready', async () => {
		const {dir} = makeTree();
		const missing = path.join(dir, 'missing');
		const {events} = await startWatcher(dir, {watch: [dir, missing]});
		expect(events.filter(event => event.type === 'watch/error').map(event => event.type === 'watch/error' && event.message)).toEqual([
			`Watch path not found: ${missing} (waiting for it to appear)`,
		]);
	});
});
