import {describe, expect, it} from 'vitest';
import type {ChangeKind} from '../../src/supervisor/events.js';
import {coalesceChanges} from '../../src/watcher/coalesce-changes.js';

const events = (...pairs: Array<[string, ChangeKind]>) => pairs.map(([path, kind]) => ({path, kind}));
const netKind = (...kinds: ChangeKind[]) => coalesceChanges(kinds.map(kind => ({path: 'a.ts', kind})))[0]?.kind;

describe('coalesceChanges', () => {
	it('keeps a single event as it is', () => {
		expect(netKind('added')).toBe('added');
		expect(netKind('changed')).toBe('changed');
		expect(netKind('removed')).toBe('removed');
	});

	it('turns removed then added (a rename over the file) into changed', () => {
		expect(netKind('removed', 'added')).toBe('changed');
	});

	it('keeps a new file added when it is then written to', () => {
		expect(netKind('added', 'changed')).toBe('added');
		expect(netKind('added', 'changed', 'changed')).toBe('added');
	});

	it('drops a file added and removed within the batch (a temp file)', () => {
		expect(coalesceChanges(events(['a.tmp', 'added'], ['a.tmp', 'changed'], ['a.tmp', 'removed']))).toEqual([]);
	});

	it('reports a changed then removed file as removed', () => {
		expect(netKind('changed', 'removed')).toBe('removed');
	});

	it('merges repeated changes into one', () => {
		expect(coalesceChanges(events(['a.ts', 'changed'], ['a.ts', 'changed'], ['a.ts', 'changed']))).toEqual([{path: 'a.ts', kind: 'changed'}]);
	});

	it('follows longer sequences by their net effect', () => {
		// Existed before, exists after.
		expect(netKind('changed', 'removed', 'added')).toBe('changed');
		expect(netKind('removed', 'added', 'changed')).toBe('changed');
		// Did not exist before, exists after.
		expect(netKind('added', 'removed', 'added')).toBe('added');
		// Existed before, gone after.
		expect(netKind('removed', 'added', 'removed')).toBe('removed');
	});

	it('sorts by path in code-point order and keeps each path once', () => {
		const result = coalesceChanges(events(['src/b.ts', 'changed'], ['README.md', 'added'], ['src/a.ts', 'removed'], ['src/b.ts', 'changed']));
		expect(result).toEqual([
			{path: 'README.md', kind: 'added'},
			{path: 'src/a.ts', kind: 'removed'},
			{path: 'src/b.ts', kind: 'changed'},
		]);
	});

	it('returns an empty list for no events', () => {
		expect(coalesceChanges([])).toEqual([]);
	});
});
