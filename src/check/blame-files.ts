// Which of the changed files a failed check's output points at. Tools name files in many ways
// (`src/a.py:12:5`, `src/a.ts(12,5)`, `File "/abs/src/a.py", line 12`, a bare `a.py:12`), so a file
// counts when its whole relative path appears as a path (also as the tail of an absolute one), or
// when its base name appears followed by a line number. Pure, so it is easy to test on real output.

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Not preceded by a character that would make it part of a longer name (`ba.py` is not `a.py`).
const START = String.raw`(?<![\w.@+-])`;
// Not followed by more name (`a.py` is not `a.pyc`, `a.py.bak`).
const END = String.raw`(?![\w-]|\.\w)`;
// A line number in the common spellings: `:12`, `(12,5)`, `", line 12`, ` line 12`.
const LINE = String.raw`(?::\d+|\(\d+|"?,? line \d+)`;

const baseName = (file: string): string => file.slice(file.lastIndexOf('/') + 1);

const patternFor = (file: string): RegExp => {
	const whole = `${START}${escape(file)}${END}`;
	const base = baseName(file);
	const byBase = base === file ? '' : `|${START}${escape(base)}${LINE}`;
	return new RegExp(`${whole}${byBase}`);
};

/** The files (relative paths, as given) that the output names, in the order given. */
export const blameFiles = (files: readonly string[], output: readonly string[]): string[] => {
	if (output.length === 0) return [];
	const text = output.join('\n');
	return files.filter(file => file !== '' && patternFor(file).test(text));
};
