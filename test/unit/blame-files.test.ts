import {describe, expect, it} from 'vitest';
import {blameFiles} from '../../src/check/blame-files.js';

describe('blameFiles', () => {
	const files = ['app.py', 'src/models/user.py', 'src/a.ts', 'notes.txt'];

	it('finds files named the way common tools name them', () => {
		expect(blameFiles(files, ['src/models/user.py:12:5: SyntaxError: invalid syntax'])).toEqual(['src/models/user.py']);
		expect(blameFiles(files, ['src/a.ts(3,7): error TS2322: Type string is not assignable'])).toEqual(['src/a.ts']);
		expect(blameFiles(files, ['Traceback (most recent call last):', '  File "/home/me/project/app.py", line 4, in <module>'])).toEqual([
			'app.py',
		]);
		// mypy and pytest often print a base name with a line number.
		expect(blameFiles(files, ['user.py:40: error: Incompatible return value type'])).toEqual(['src/models/user.py']);
	});

	it('does not blame a file whose name is only part of a longer one', () => {
		expect(blameFiles(['a.py'], ['lib/data.py:3:1: SyntaxError: x'])).toEqual([]);
		expect(blameFiles(['app.py'], ['compiled app.pyc', 'backup app.py.bak'])).toEqual([]);
		expect(blameFiles(['src/models/user.py'], ['see the user.py docs'])).toEqual([]);
	});

	it('returns every file the output names, in the order given', () => {
		const output = ['notes.txt: 1 problem', 'app.py:1:1: E999', 'src/a.ts:2:1 - error'];
		expect(blameFiles(files, output)).toEqual(['app.py', 'src/a.ts', 'notes.txt']);
	});

	it('blames nothing when there is no output', () => {
		expect(blameFiles(files, [])).toEqual([]);
	});
});
