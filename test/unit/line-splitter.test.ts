import {describe, expect, it} from 'vitest';
import {createLineSplitter} from '../../src/supervisor/line-splitter.js';

describe('line splitter', () => {
	it('joins lines split across chunks and strips CRLF', () => {
		const splitter = createLineSplitter();
		expect(splitter.push('hel')).toEqual([]);
		expect(splitter.push('lo\r\nwor')).toEqual(['hello']);
		expect(splitter.push('ld\n\nend')).toEqual(['world', '']);
		expect(splitter.flush()).toEqual(['end']);
		expect(splitter.flush()).toEqual([]);
	});

	it('cuts an endless line into pieces instead of buffering it', () => {
		const splitter = createLineSplitter(4);
		expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
		expect(splitter.push('k\n')).toEqual(['ijk']);
		expect(splitter.push('0123456789\n')).toEqual(['0123', '4567', '89']);
	});
});
