// The warm checker's framing: whole frames however the pipe splits them, and anything else is
// garbage, said once.

import {describe, expect, it} from 'vitest';
import {canEncode, createFrameReader, encodeRequest} from '../../src/check/python-checker-protocol.js';
import {WORKER_HELLO} from '../../src/check/python-compile-check.js';

const hello = (executable: string) => Buffer.concat([Buffer.from(`${WORKER_HELLO} 3.11.2 ${Buffer.byteLength(executable)}\n`), Buffer.from(executable)]);
const answer = (id: number, text: string) => Buffer.concat([Buffer.from(`${id} ${Buffer.byteLength(text)}\n`), Buffer.from(text)]);

describe('the warm checker protocol', () => {
	it('encodes names and paths NUL-separated, length first, in bytes', () => {
		const request = encodeRequest(7, [
			{name: 'a.py', path: '/p/a.py'},
			{name: 'sub/é.py', path: '/p/sub/é.py'},
		]);
		const payload = Buffer.from('a.py\0/p/a.py\0sub/é.py\0/p/sub/é.py');
		expect(request).toEqual(Buffer.concat([Buffer.from(`7 ${payload.length}\n`), payload]));
		expect(encodeRequest(8, []).toString()).toBe('8 0\n');
		expect(canEncode(['a\nb.py', 'ok.py'])).toBe(true);
		expect(canEncode(['a\0b.py'])).toBe(false);
	});

	it('reads the same frames however the stream is cut, multibyte characters included', () => {
		const message = 'é.py:1:5: SyntaxError: invalid syntax\n    x = "€" +\n';
		const stream = Buffer.concat([hello('/usr/bin/python3'), answer(1, ''), answer(2, message), answer(3, '')]);
		const expected = [
			{kind: 'hello', version: '3.11.2', executable: '/usr/bin/python3'},
			{kind: 'answer', id: 1, output: ''},
			{kind: 'answer', id: 2, output: message},
			{kind: 'answer', id: 3, output: ''},
		];
		for (const size of [1, 2, 3, 7, 64, stream.length]) {
			const reader = createFrameReader();
			const frames = [];
			for (let at = 0; at < stream.length; at += size) {
				const {frames: got, garbage} = reader.push(stream.subarray(at, at + size));
				expect(garbage).toBeUndefined();
				frames.push(...got);
			}
			expect(frames, `chunks of ${size}`).toEqual(expected);
		}
	});

	it('calls anything else garbage, once, and then reads nothing more', () => {
		const garbage = (...chunks: Buffer[]) => {
			const reader = createFrameReader();
			const said = chunks.map(chunk => reader.push(chunk).garbage).filter(Boolean);
			expect(reader.push(answer(9, '')).frames).toEqual([]);
			return said;
		};
		// No hello first (a traceback, a banner).
		expect(garbage(Buffer.from('Traceback (most recent call last):\n'))).toEqual(['an unexpected line "Traceback (most recent call last):"']);
		expect(garbage(answer(1, ''))).toEqual(['an unexpected line "1 0"']);
		// A second hello, a header that is not one, an absurd length, an endless line.
		expect(garbage(hello('/p'), hello('/p'))).toHaveLength(1);
		expect(garbage(hello('/p'), Buffer.from('1 x\n'))).toEqual(['an unexpected line "1 x"']);
		expect(garbage(hello('/p'), Buffer.from(`1 ${2 ** 40}\n`))).toHaveLength(1);
		expect(garbage(hello('/p'), Buffer.alloc(500, 0x41))).toHaveLength(1);
		// A header still arriving is not garbage yet.
		expect(createFrameReader().push(Buffer.from(`${WORKER_HELLO} 3.1`)).garbage).toBeUndefined();
	});
});
