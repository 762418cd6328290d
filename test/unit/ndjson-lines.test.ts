import {describe, expect, it} from 'vitest';
import {createLineReader} from '../../src/protocol/ndjson-lines.js';

const collect = (maxBytes = 16) => {
	const lines: string[] = [];
	let tooLong = 0;
	const reader = createLineReader({maxBytes, onLine: line => lines.push(line), onTooLong: () => tooLong++});
	return {lines, tooLong: () => tooLong, push: (text: string | Buffer) => reader.push(Buffer.isBuffer(text) ? text : Buffer.from(text))};
};

describe('createLineReader', () => {
	it('splits on newlines across chunks and drops a trailing carriage return', () => {
		const r = collect();
		r.push('ab');
		r.push('c\nde\r\nf');
		r.push('\n\n');
		expect(r.lines).toEqual(['abc', 'de', 'f', '']);
	});

	it('decodes a character split between chunks', () => {
		const r = collect();
		const bytes = Buffer.from('ü€\n');
		for (const byte of bytes) r.push(Buffer.from([byte]));
		expect(r.lines).toEqual(['ü€']);
	});

	it('accepts a line of exactly the cap and drops a longer one up to its newline', () => {
		const r = collect(4);
		r.push('abcd\nabcde\nok\n');
		expect(r.lines).toEqual(['abcd', 'ok']);
		expect(r.tooLong()).toBe(1);
	});

	it('discards an endless line chunk by chunk, then reads on', () => {
		const r = collect(8);
		r.push('0123');
		for (let i = 0; i < 100; i++) r.push('xxxxxxxxxx');
		r.push('yyy\nafter\n');
		expect(r.lines).toEqual(['after']);
		expect(r.tooLong()).toBe(1);
	});
});
