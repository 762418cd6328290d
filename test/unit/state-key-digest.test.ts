import {describe, expect, it} from 'vitest';
import {appKeys, changedKeys, digestKeys} from '../../src/state/key-digest.js';

describe('digestKeys', () => {
	it('digests app keys only, leaving out restart_marker and timestamp', () => {
		const digests = digestKeys({restart_marker: true, timestamp: 1, self_state: {a: 1}, config: 'x'});
		expect(Object.keys(digests)).toEqual(['self_state', 'config']);
		expect(digests['self_state']).toMatch(/^[0-9a-f]{40}$/);
	});

	it('ignores formatting: the same value written with other whitespace has the same digest', () => {
		const compact = JSON.parse('{"a":{"x":[1,2]}}') as Record<string, unknown>;
		const pretty = JSON.parse('{\n  "a": { "x": [ 1, 2 ] }\n}') as Record<string, unknown>;
		expect(digestKeys(compact)).toEqual(digestKeys(pretty));
	});

	it('gives different values different digests', () => {
		expect(digestKeys({a: [1, 2]})['a']).not.toBe(digestKeys({a: [2, 1]})['a']);
	});

	it('handles a key named __proto__ as an ordinary key', () => {
		const state = JSON.parse('{"__proto__": {"x": 1}, "b": 2}') as Record<string, unknown>;
		expect(appKeys(state)).toEqual(['__proto__', 'b']);
		const digests = digestKeys(state);
		expect(Object.keys(digests)).toEqual(['__proto__', 'b']);
		expect(changedKeys(digests, digestKeys({b: 2}))).toEqual(['__proto__']);
	});
});

describe('changedKeys', () => {
	it('lists changed and added keys in order, then removed ones', () => {
		const before = digestKeys({a: 1, b: 2, c: 3});
		const after = digestKeys({a: 1, b: 20, d: 4});
		expect(changedKeys(before, after)).toEqual(['b', 'd', 'c']);
	});

	it('is empty when nothing changed', () => {
		expect(changedKeys(digestKeys({a: 1, b: [2]}), digestKeys({a: 1, b: [2]}))).toEqual([]);
	});

	it('calls every key new when there is nothing to compare with', () => {
		expect(changedKeys(undefined, digestKeys({a: 1, b: 2}))).toEqual(['a', 'b']);
	});
});
