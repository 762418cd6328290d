// Each editor's and tool's real save, through the real watcher: one `changed` for the target per
// save, and the temp files the tool writes around it never count, not even as the first raw event
// of a batch (which is what lets the old app begin stopping before the Python check applies).

import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {ChangedFile} from '../../src/supervisor/events.js';
import {createIgnoreRules} from '../../src/watcher/ignore-rules.js';
import {createTreeSource} from '../../src/watcher/tree-source.js';
import {watchFiles} from '../../src/watcher/watch-files.js';
import {SAVE_SHAPES} from '../helpers/save-shapes.js';
import {waitFor} from '../helpers/wait-for.js';

const SAVES = 3;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const makeProject = () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-save-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	writeFileSync(path.join(dir, 'app.py'), 'VERSION = 0\n');
	writeFileSync(path.join(dir, 'other.py'), 'X = 1\n');
	return dir;
};

describe.each(SAVE_SHAPES)('a save by $name', shape => {
	it.skipIf(!shape.available)(`is one change of the target, and its temp files (${shape.tempNames}) never count`, async () => {
		const dir = makeProject();
		const bus = createEventBus();
		const batches: ChangedFile[][] = [];
		// Every raw event's path: what the supervisor judges an early stop by.
		const raw: string[] = [];
		// A debounce wide enough for one save to be one batch on a loaded machine. (At the default
		// 50 ms, a single save's batch closes after 5 ms of quiet, and vim's save has two events an
		// fsync apart, the write and then its fchmod/setxattr: a slow fsync makes it two batches.)
		const watcher = watchFiles({
			options: {cwd: dir, watch: [dir], ignore: [], ext: [], debounceMs: 200, pollMs: undefined, stateFile: path.join(dir, '.devtui/restart_state.json')},
			bus,
			onChange: change => raw.push(change.path),
			onBatch: files => batches.push(files),
		});
		cleanups.push(() => watcher.close());
		await watcher.ready;
		const describeAll = () => `batches ${JSON.stringify(batches)}, raw events ${JSON.stringify(raw)}`;

		for (let save = 1; save <= SAVES; save++) {
			await shape.save(path.join(dir, 'app.py'), `VERSION = ${save}\n`);
			expect(readFileSync(path.join(dir, 'app.py'), 'utf8')).toBe(`VERSION = ${save}\n`);
			await waitFor(() => batches.filter(files => files.some(file => file.path === 'app.py')).length >= save, {
				message: () => `save ${save} to be seen; ${describeAll()}`,
			});
		}
		// Anything the saves still had on its way arrives before the sentinel's own batch.
		writeFileSync(path.join(dir, 'sentinel.txt'), 'x');
		await waitFor(() => batches.some(files => files.some(file => file.path === 'sentinel.txt')), {message: () => `the sentinel; ${describeAll()}`});

		const saves = batches.filter(files => !files.some(file => file.path === 'sentinel.txt'));
		expect(saves, describeAll()).toEqual(Array.from({length: SAVES}, () => [{path: 'app.py', kind: 'changed'}]));
		// The early stop is decided on these: never on a temp file's name.
		expect([...new Set(raw)].sort(), describeAll()).toEqual(['app.py', 'sentinel.txt']);
	});
});

// The raw calls the directory watcher makes into watch-files (`record`, `addedDir`): with the
// default rules a temp file never reaches them, however the tool's steps and devtui's stat calls
// interleave (without the rules, sed's, gedit's and the atomic writers' temp files did in about
// half of the saves, the temp file first).
describe.each(SAVE_SHAPES)('the raw events of a save by $name', shape => {
	it.skipIf(!shape.available)('name only the target', async () => {
		const dir = makeProject();
		const rules = createIgnoreRules({cwd: dir, roots: [dir], ignore: [], stateFile: path.join(dir, '.devtui/restart_state.json')});
		const calls: string[] = [];
		const relative = (file: string) => path.relative(dir, file);
		const source = createTreeSource({
			roots: [dir],
			changedSince: undefined,
			ignored: (file, isDirectory) => rules.isIgnored(file, isDirectory ?? false),
			record: (file, kind) => calls.push(`${relative(file)} ${kind}`),
			addedDir: added => calls.push(`${relative(added)} added dir`),
			removedDir: removed => calls.push(`${relative(removed)} removed dir`),
			onError: error => calls.push(`error ${error instanceof Error ? error.message : String(error)}`),
		});
		cleanups.push(() => source.close());
		await source.ready;
		for (let save = 1; save <= 5; save++) {
			const before = calls.length;
			await shape.save(path.join(dir, 'app.py'), `VERSION = ${save}\n`);
			await waitFor(() => calls.length > before && calls.at(-1) !== 'app.py removed', {message: () => `save ${save}; calls ${JSON.stringify(calls)}`});
		}
		writeFileSync(path.join(dir, 'sentinel.txt'), 'x');
		await waitFor(() => calls.includes('sentinel.txt added'), {message: () => `the sentinel; calls ${JSON.stringify(calls)}`});
		expect(calls.filter(call => !call.startsWith('app.py ') && call !== 'sentinel.txt added'), JSON.stringify(calls)).toEqual([]);
	});
});
