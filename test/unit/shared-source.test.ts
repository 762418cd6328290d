// The routing of one file source among several services' rules: a file goes to every service whose
// roots hold it, and a path is left out of the walk only when every service that could see it
// ignores it. The source here is a fake that records what it was asked; the real tree is
// watched in test/integration/services-watch.test.ts.

import {describe, expect, it} from 'vitest';
import type {FileSource, FileSourceInput} from '../../src/watcher/file-source.js';
import {createSharedSource, outermostRoots} from '../../src/watcher/shared-source.js';

const consumer = (roots: string[], ignores: (file: string, isDirectory: boolean | undefined) => boolean = () => false) => {
	const got: string[] = [];
	const input: FileSourceInput = {
		roots,
		ignored: ignores,
		record: (file, kind) => got.push(`${kind} ${file}`),
		addedDir: dir => got.push(`dir ${dir}`),
		removedDir: dir => got.push(`gone ${dir}`),
		onError: error => got.push(`error ${(error as Error).message}`),
		changedSince: 1000,
	};
	return {input, got};
};

const fakeSource = () => {
	let seen: FileSourceInput | undefined;
	const calls: string[] = [];
	const open = (input: FileSourceInput): FileSource => {
		seen = input;
		calls.push(`open ${input.roots.join(',')}`);
		return {ready: Promise.resolve(), add: root => calls.push(`add ${root}`), unwatch: root => calls.push(`unwatch ${root}`), close: async () => void calls.push('close')};
	};
	return {open, calls, input: () => seen!};
};

describe('shared file source', () => {
	it('walks each tree once: roots inside another are walked with it', () => {
		expect(outermostRoots(['/p/api', '/p', '/p/web/src', '/q', '/p'])).toEqual(['/p', '/q']);
	});

	it('hands every event to the services whose roots hold it, each judging it by its own rules', () => {
		const fake = fakeSource();
		const shared = createSharedSource(fake.open);
		const api = consumer(['/p/api']);
		const web = consumer(['/p/web', '/p/api/schema']);
		const all = consumer(['/p'], file => file.endsWith('.log'));
		for (const one of [api, web, all]) shared.share(one.input);
		shared.open();
		expect(fake.calls).toEqual(['open /p']);
		const input = fake.input();
		expect(input.changedSince).toBe(1000);
		input.record('/p/api/app.py', 'changed');
		input.record('/p/api/schema/user.json', 'added');
		input.record('/p/web/index.js', 'removed');
		input.record('/p/README', 'changed');
		expect(api.got).toEqual(['changed /p/api/app.py', 'added /p/api/schema/user.json']);
		expect(web.got).toEqual(['added /p/api/schema/user.json', 'removed /p/web/index.js']);
		expect(all.got).toHaveLength(4);
	});

	it('leaves a path out only when every service that could see it ignores it', () => {
		const fake = fakeSource();
		const shared = createSharedSource(fake.open);
		// The whole-tree service ignores api/ (say, by its --ignore), the API watches only it.
		shared.share(consumer(['/p'], file => file === '/p/api' || file.startsWith('/p/api/') || file.endsWith('.log')).input);
		shared.share(consumer(['/p/api/src'], file => file.endsWith('.tmp')).input);
		shared.open();
		const {ignored} = fake.input();
		expect(ignored('/p/api', true)).toBe(false); // on the way to /p/api/src
		expect(ignored('/p/api/docs', true)).toBe(true); // only the outer service sees it, and ignores it
		expect(ignored('/p/api/src/x.tmp', false)).toBe(true);
		expect(ignored('/p/api/src/x.log', false)).toBe(false); // the API does not ignore logs
		expect(ignored('/p/web/x.log', false)).toBe(true); // only the outer service sees it, and ignores it
	});

	it('tells a service of a new directory only if its rules take it, and closes the source with the last share', async () => {
		const fake = fakeSource();
		const shared = createSharedSource(fake.open);
		const a = consumer(['/p'], file => file === '/p/build');
		const b = consumer(['/p']);
		const shareA = shared.share(a.input);
		const shareB = shared.share(b.input);
		shared.open();
		fake.input().addedDir('/p/build');
		expect(a.got).toEqual([]);
		expect(b.got).toEqual(['dir /p/build']);
		// A deleted root comes back: watched afresh once, however many services noticed.
		shareA.unwatch('/p');
		shareB.unwatch('/p');
		shareA.add('/p');
		shareB.add('/p');
		expect(fake.calls).toEqual(['open /p', 'unwatch /p', 'add /p']);
		await shareA.close();
		expect(fake.calls).not.toContain('close');
		await shareB.close();
		expect(fake.calls.at(-1)).toBe('close');
	});
});
