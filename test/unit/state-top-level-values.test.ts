import {describe, expect, it} from 'vitest';
import {digestKeys, digestValueBytes} from '../../src/state/key-digest.js';
import {topLevelValues} from '../../src/state/top-level-values.js';

const slices = (text: string) => {
	const bytes = Buffer.from(text);
	return Object.fromEntries([...topLevelValues(bytes)].map(([key, [start, end]]) => [key, bytes.subarray(start, end).toString()]));
};

/** Every range must hold exactly the value JSON.parse gives for that key, with nothing around it. */
const expectFaithful = (text: string) => {
	const parsed = JSON.parse(text) as Record<string, unknown>;
	const found = slices(text);
	expect(Object.keys(found).sort()).toEqual(Object.keys(parsed).sort());
	for (const [key, slice] of Object.entries(found)) {
		expect(slice.trim()).toBe(slice);
		expect(JSON.parse(slice)).toEqual(parsed[key]);
	}
};

const tricky = {
	restart_marker: true,
	timestamp: 1763790312.25,
	braces: '{[}]',
	quotes: 'say "hi" \\ and \\"',
	ends_with_backslash: 'a\\',
	'key "quoted"': 1,
	'\u00e9\u{1F600}': [{a: ['}', '"', {b: null}]}, [], {}],
	literals: [true, false, null, -0.5e-10],
	last: 7,
};

describe('topLevelValues', () => {
	it('finds each value in compact and indented text', () => {
		expectFaithful(JSON.stringify(tricky));
		expectFaithful(JSON.stringify(tricky, null, 2));
		expectFaithful(JSON.stringify(tricky, null, '\t'));
		expectFaithful(' \r\n{ "a" :1 , "b":\t"x" ,"c" : [ 1 ,2 ] }\n');
	});

	it('agrees with JSON.parse on random documents', () => {
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
		const value = (depth: number): unknown => {
			const kind = depth > 3 ? pick(['s', 'n', 'l']) : pick(['s', 'n', 'l', 'a', 'o']);
			if (kind === 's') return Array.from({length: Math.floor(random() * 6)}, () => pick(['a', '"', '\\', '{', ']', ' ', '\u00e9', '\n'])).join('');
			if (kind === 'n') return Math.round((random() - 0.5) * 1e6) / 100;
			if (kind === 'l') return pick([true, false, null]);
			if (kind === 'a') return Array.from({length: Math.floor(random() * 4)}, () => value(depth + 1));
			return Object.fromEntries(Array.from({length: Math.floor(random() * 4)}, (_, index) => [`k${index}${pick(['', '"', '\\'])}`, value(depth + 1)]));
		};
		for (let round = 0; round < 300; round++) {
			const doc = Object.fromEntries(Array.from({length: 1 + Math.floor(random() * 5)}, (_, index) => [`key${index}`, value(0)]));
			expectFaithful(JSON.stringify(doc, null, pick([undefined, 1, 2, '\t'])));
		}
	});

	it('keeps the last value of a repeated key, like JSON.parse', () => {
		expect(slices('{"a": 1, "b": 2, "a": [3]}')).toEqual({a: '[3]', b: '2'});
	});

	it('treats __proto__ as an ordinary key and skips a byte order mark', () => {
		const bytes = Buffer.from('\ufeff{"__proto__": {"x": 1}}');
		const ranges = topLevelValues(bytes);
		expect([...ranges.keys()]).toEqual(['__proto__']);
		const [start, end] = ranges.get('__proto__')!;
		expect(bytes.subarray(start, end).toString()).toBe('{"x": 1}');
	});

	it('gives nothing for text that is not an object', () => {
		expect(topLevelValues(Buffer.from('[1, 2]')).size).toBe(0);
		expect(topLevelValues(Buffer.from('{}')).size).toBe(0);
	});
});

describe('digestValueBytes', () => {
	it('digests app keys from the written bytes, so one value changing changes one digest', () => {
		const before = Buffer.from(JSON.stringify({restart_marker: true, timestamp: 1, a: {x: 1}, b: [1]}));
		const after = Buffer.from(JSON.stringify({restart_marker: true, timestamp: 2, a: {x: 1}, b: [2]}));
		const first = digestValueBytes(before, topLevelValues(before));
		const second = digestValueBytes(after, topLevelValues(after));
		expect(Object.keys(first)).toEqual(['a', 'b']);
		expect(first['a']).toBe(second['a']);
		expect(first['b']).not.toBe(second['b']);
		// For compact text the bytes are the re-serialised value, so both ways agree.
		expect(first).toEqual(digestKeys(JSON.parse(before.toString()) as Record<string, unknown>));
	});
});
