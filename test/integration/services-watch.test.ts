// One watcher for a whole stack, on a real tree with real saves: four services over one tree open
// one directory watcher (the kernel would merge the inotify watches of four, but not their walks,
// their fs.watch handles and their reads), and each save reaches the services whose rules take it.

import {appendFileSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {DEFAULT_DEBOUNCE_MS, DEFAULT_STATE_FILE} from '../../src/options.js';
import {createStackWatcher, type StackWatcher} from '../../src/stack/stack-watcher.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {ChangedFile} from '../../src/supervisor/events.js';
import type {WatchOptions} from '../../src/watcher/watch-files.js';
import {waitFor} from '../helpers/wait-for.js';

const opened = vi.hoisted(() => [] as string[][]);
vi.mock('../../src/watcher/tree-source.js', async importOriginal => {
	const real = await importOriginal<typeof import('../../src/watcher/tree-source.js')>();
	return {
		createTreeSource: (input: Parameters<typeof real.createTreeSource>[0]) => {
			opened.push([...input.roots]);
			return real.createTreeSource(input);
		},
	};
});

const watchers: StackWatcher[] = [];
afterEach(async () => {
	for (const watcher of watchers.splice(0)) await watcher.close();
	opened.length = 0;
});

const options = (cwd: string, extra: Partial<WatchOptions> = {}): WatchOptions => ({
	cwd,
	watch: [cwd],
	ignore: [],
	ext: [],
	debounceMs: DEFAULT_DEBOUNCE_MS,
	pollMs: undefined,
	stateFile: path.join(cwd, DEFAULT_STATE_FILE),
	...extra,
});

describe('the stack watcher', () => {
	it('walks a tree once for every service over it, and gives each save to the services whose rules take it', async () => {
		const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-stackwatch-'));
		for (const dir of ['api', 'web', 'shared']) mkdirSync(path.join(root, dir));
		for (const file of ['api/app.py', 'web/app.js', 'shared/schema.json', 'notes.md']) writeFileSync(path.join(root, file), 'x');
		const services = [
			{name: 'api', options: options(path.join(root, 'api'), {watch: [path.join(root, 'api'), path.join(root, 'shared')]})},
			{name: 'web', options: options(path.join(root, 'web'), {watch: [path.join(root, 'web'), path.join(root, 'shared')], ext: ['js', 'json']})},
			{name: 'all', options: options(root, {ignore: ['*.md']})},
			{name: 'docs', options: options(root, {ext: ['md']})},
		].map(service => ({...service, bus: createEventBus()}));
		const watcher = createStackWatcher(services);
		watchers.push(watcher);
		expect(opened).toEqual([[root]]);

		const batches = new Map<string, ChangedFile[][]>(services.map(service => [service.name, []]));
		const connections = services.map(service =>
			watcher.feedFor(service.name).connect({onChange: () => {}, onBatch: files => batches.get(service.name)!.push(files)}, Date.now()),
		);
		await Promise.all(connections.map(connection => connection.ready));

		appendFileSync(path.join(root, 'shared/schema.json'), 'y');
		await waitFor(() => batches.get('api')!.length === 1 && batches.get('web')!.length === 1 && batches.get('all')!.length === 1, {message: 'the shared save in three services'});
		expect(batches.get('api')).toEqual([[{path: '../shared/schema.json', kind: 'changed'}]]);
		expect(batches.get('web')).toEqual([[{path: '../shared/schema.json', kind: 'changed'}]]);
		expect(batches.get('all')).toEqual([[{path: 'shared/schema.json', kind: 'changed'}]]);

		appendFileSync(path.join(root, 'notes.md'), 'y');
		await waitFor(() => batches.get('docs')!.length === 1, {message: 'the docs service\'s save'});
		appendFileSync(path.join(root, 'web/app.js'), 'y');
		await waitFor(() => batches.get('web')!.length === 2 && batches.get('all')!.length === 2, {message: 'the web save'});
		expect(batches.get('docs')).toEqual([[{path: 'notes.md', kind: 'changed'}]]);
		// notes.md is ignored by "all", outside api's and web's trees; web/app.js outside api's and not .md.
		expect(batches.get('api')).toHaveLength(1);
		expect(batches.get('all')!.flat().map(file => file.path)).toEqual(['shared/schema.json', 'web/app.js']);

		// A service that is not connected (still waiting for its dependencies) gets nothing.
		await connections[0]!.close();
		appendFileSync(path.join(root, 'api/app.py'), 'y');
		await waitFor(() => batches.get('all')!.length === 3, {message: 'the api save in "all"'});
		expect(batches.get('api')).toHaveLength(1);
	});

	it('hands a service, as it connects, the batches that closed after its spawn began, and none from before', async () => {
		const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-stackwatch-'));
		for (const file of ['early.txt', 'late.txt', 'after.txt']) writeFileSync(path.join(root, file), 'x');
		// "probe" watches the same tree, connected from the start: its batches show when the
		// unconnected service's have closed too (the same events, the same debounce).
		const services = ['api', 'probe'].map(name => ({name, options: options(root), bus: createEventBus()}));
		const ready = new Promise<void>(resolve => services[1]!.bus.subscribe(event => event.type === 'watch/ready' && resolve()));
		const watcher = createStackWatcher(services);
		watchers.push(watcher);
		const seen: string[] = [];
		watcher.feedFor('probe').connect({onChange: () => {}, onBatch: files => seen.push(...files.map(file => file.path))}, 0);
		await ready;
		appendFileSync(path.join(root, 'early.txt'), 'y');
		await waitFor(() => seen.includes('early.txt'), {message: 'the early batch'});
		const spawnedAt = Date.now();
		appendFileSync(path.join(root, 'late.txt'), 'y');
		await waitFor(() => seen.includes('late.txt'), {message: 'the late batch'});
		appendFileSync(path.join(root, 'after.txt'), 'y');
		await waitFor(() => seen.includes('after.txt'), {message: 'the batch after'});
		const batches: ChangedFile[][] = [];
		watcher.feedFor('api').connect({onChange: () => {}, onBatch: files => batches.push(files)}, spawnedAt);
		expect(batches).toEqual([[{path: 'late.txt', kind: 'changed'}], [{path: 'after.txt', kind: 'changed'}]]);
	});

	it('polls in one source per interval, beside the directory watcher', () => {
		const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-stackwatch-'));
		const watcher = createStackWatcher(
			[{name: 'a'}, {name: 'b', pollMs: 500}, {name: 'c'}].map(({name, pollMs}) => ({name, options: options(root, {pollMs}), bus: createEventBus()})),
		);
		watchers.push(watcher);
		expect(opened).toEqual([[root]]);
	});
});
