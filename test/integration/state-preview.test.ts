import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createStatePreviewSource, defaultPreviewWorkerUrl} from '../../src/state/state-preview.js';
import {PREVIEW_LIMITS, type PreviewNode, type StatePreviewSource} from '../../src/state/state-preview-types.js';
import {PREVIEW_MAX_NODES} from '../../src/state/build-preview.js';
import {measureLoop} from '../helpers/measure-loop.js';

const MB = 1024 * 1024;
/** A correctness bound, not a benchmark: a blocked event loop would show gaps of seconds. */
const MAX_GAP_MS = 200;

const countNodes = (node: PreviewNode): number => 1 + (node.children ?? []).reduce((sum, child) => sum + countNodes(child), 0);
const depthOf = (node: PreviewNode): number => 1 + Math.max(0, ...(node.children ?? []).map(depthOf));
const child = (node: PreviewNode, ...keys: string[]): PreviewNode =>
	keys.reduce((at, key) => {
		const found = at.children?.find(candidate => candidate.key === key);
		if (!found) throw new Error(`no child ${key} under ${at.key}`);
		return found;
	}, node);

describe('state preview loader', () => {
	let dir: string;
	let source: StatePreviewSource;

	beforeAll(async () => {
		const worker = fileURLToPath(defaultPreviewWorkerUrl());
		if (!existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
		dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-state-preview-'));
		source = createStatePreviewSource();
	});

	afterAll(async () => {
		await source?.close();
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	const writeJson = async (name: string, value: unknown): Promise<string> => {
		const file = path.join(dir, name);
		await writeFile(file, JSON.stringify(value));
		return file;
	};

	it('previews scalars, objects and arrays with their sizes, cutting long text and wide nodes', async () => {
		const long = 'x'.repeat(5000);
		const file = await writeJson('small.json', {
			restart_marker: true,
			count: 42,
			ratio: 1.5,
			off: false,
			nothing: null,
			name: 'a "quoted" name',
			long,
			items: Array.from({length: 450}, (_, index) => index),
			nested: {inner: {list: [{}]}},
		});
		const preview = await source.load(file);
		expect(preview.file).toBe(file);
		const info = await stat(file);
		expect(preview.bytes).toBe(info.size);
		expect(preview.mtimeMs).toBe(info.mtimeMs);

		const {root} = preview;
		expect(root).toMatchObject({key: '', type: 'object', size: 9, omitted: 0});
		expect(root.children!.map(node => node.key)).toEqual(['restart_marker', 'count', 'ratio', 'off', 'nothing', 'name', 'long', 'items', 'nested']);
		expect(child(root, 'restart_marker')).toEqual({key: 'restart_marker', type: 'boolean', text: 'true'});
		expect(child(root, 'count')).toEqual({key: 'count', type: 'number', text: '42'});
		expect(child(root, 'nothing')).toEqual({key: 'nothing', type: 'null', text: 'null'});
		expect(child(root, 'name').text).toBe('"a \\"quoted\\" name"');

		const longText = child(root, 'long').text!;
		expect(longText).toHaveLength(PREVIEW_LIMITS.maxText);
		expect(longText.startsWith('"xxx')).toBe(true);
		expect(longText.endsWith('…')).toBe(true);

		const items = child(root, 'items');
		expect(items).toMatchObject({type: 'array', size: 450, omitted: 450 - PREVIEW_LIMITS.maxChildren});
		expect(items.children).toHaveLength(PREVIEW_LIMITS.maxChildren);
		expect(items.children![3]).toEqual({key: '3', type: 'number', text: '3'});

		expect(child(root, 'nested', 'inner', 'list', '0')).toEqual({key: '0', type: 'object', size: 0, children: [], omitted: 0});
	});

	it('stops at the depth limit and counts what it left out', async () => {
		let deep: unknown = {leaf: 1};
		for (let level = 0; level < 12; level++) deep = {[`level${level}`]: deep, also: level};
		const preview = await source.load(await writeJson('deep.json', deep));
		expect(depthOf(preview.root)).toBe(PREVIEW_LIMITS.maxDepth + 1);
		let node = preview.root;
		for (let level = 0; level < PREVIEW_LIMITS.maxDepth; level++) node = node.children![0]!;
		expect(node).toMatchObject({type: 'object', size: 2, children: [], omitted: 2});
	});

	it('keeps a wide and deep state under a node budget, so the preview stays small', async () => {
		const wide = Array.from({length: 300}, () => Array.from({length: 300}, () => ({text: 'y'.repeat(300)})));
		const preview = await source.load(await writeJson('wide.json', {wide}));
		expect(countNodes(preview.root)).toBeLessThanOrEqual(PREVIEW_MAX_NODES);
		expect(JSON.stringify(preview).length).toBeLessThan(MB);
		// Breadth first: the outer level is complete before inner levels use up the budget.
		const outer = child(preview.root, 'wide');
		expect(outer.children).toHaveLength(PREVIEW_LIMITS.maxChildren);
		const last = outer.children!.at(-1)!;
		expect(last).toMatchObject({size: 300, children: [], omitted: 300});
	});

	it('rejects with a one-line message for a missing file, invalid JSON, an empty file and a directory', async () => {
		const missing = path.join(dir, 'missing.json');
		const invalid = path.join(dir, 'invalid.json');
		await writeFile(invalid, '{"a": 1,\n  oops\n}');
		const empty = path.join(dir, 'empty.json');
		await writeFile(empty, '');
		const directory = path.join(dir, 'a-directory');
		await mkdir(directory);
		const cases: Array<[string, RegExp]> = [
			[missing, /missing\.json does not exist$/],
			[invalid, /invalid\.json is not valid JSON \(.+\)$/],
			[empty, /empty\.json is empty$/],
			[directory, /a-directory is a directory, not a file$/],
		];
		for (const [file, expected] of cases) {
			const error = await source.load(file).then(() => undefined, (rejection: unknown) => rejection);
			expect(error, file).toBeInstanceOf(Error);
			const {message} = error as Error;
			expect(message).toMatch(expected);
			expect(message).not.toMatch(/\n/);
		}
		// The worker survives bad files.
		expect((await source.load(await writeJson('after.json', {ok: true}))).root.size).toBe(1);
	});

	it('loads a 50 MB state without blocking the main event loop and returns a small preview', async () => {
		const record = (index: number) => ({id: index, name: `user-${index}`, tags: ['a', 'b'], score: index * 1.5, note: 'n'.repeat(120)});
		const count = Math.round((50 * MB) / JSON.stringify(record(100_000)).length);
		const file = path.join(dir, 'large.json');
		await writeFile(file, JSON.stringify({restart_marker: true, self_state: {users: Array.from({length: count}, (_, index) => record(index))}}));

		const {result, maxGapMs} = await measureLoop(() => source.load(file));
		expect(result.bytes).toBeGreaterThan(50 * MB);
		expect(maxGapMs).toBeLessThan(MAX_GAP_MS);
		expect(JSON.stringify(result).length).toBeLessThan(MB);
		const users = child(result.root, 'self_state', 'users');
		expect(users).toMatchObject({type: 'array', size: count, omitted: count - PREVIEW_LIMITS.maxChildren});
		expect(child(users, '7', 'name').text).toBe('"user-7"');
	}, 120_000);

	it('close() ends the worker, fails pending and later loads, and can be called twice', async () => {
		const own = createStatePreviewSource();
		const file = await writeJson('close.json', {ok: true});
		expect((await own.load(file)).root.type).toBe('object');
		const pending = own.load(path.join(dir, 'large.json')).then(() => 'loaded', (error: Error) => error.message);
		await own.close();
		await own.close();
		expect(await pending).toBe('the state preview is closed');
		await expect(own.load(file)).rejects.toThrow('the state preview is closed');
	}, 60_000);

	it('says so in one line when the compiled worker is missing', async () => {
		const own = createStatePreviewSource({workerUrl: new URL('file:///nonexistent/state-preview-worker.js')});
		const file = await writeJson('no-worker.json', {ok: true});
		await expect(own.load(file)).rejects.toThrow(/the state preview worker is missing at .* \(run npm run build\)$/);
		await own.close();
	});

	it('answers a missing file without starting the worker', async () => {
		// The worker cannot start here; a missing file must not need it (the usual case at start-up).
		const own = createStatePreviewSource({workerUrl: new URL('file:///nonexistent/state-preview-worker.js')});
		await expect(own.load(path.join(dir, 'not-saved-yet.json'))).rejects.toThrow(/not-saved-yet\.json does not exist$/);
		await expect(own.load(path.join(dir, 'not-saved-yet.json', 'below'))).rejects.toThrow(/below does not exist$/);
		await own.close();
	});
});
