import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {createIgnoreRules, matchesExt} from '../../src/watcher/ignore-rules.js';

// The rules read real .gitignore files, so the tree is built on disk, before the describe blocks
// create their rules.
const top = mkdtempSync(path.join(os.tmpdir(), 'devtui-ignore-'));
const write = (file: string, text = '') => {
	mkdirSync(path.dirname(path.join(top, file)), {recursive: true});
	writeFileSync(path.join(top, file), text);
};
const at = (file: string) => path.join(top, file);

const buildTree = () => {
	write('outer/.gitignore', '*.md\n'); // Above the git root: must not apply.
	mkdirSync(at('outer/repo/.git/info'), {recursive: true});
	write('outer/repo/.git/info/exclude', 'secret.txt\n');
	write('outer/repo/.gitignore', '*.log\nbuild/\ngenerated/\n');
	write('outer/repo/app/.gitignore', '*.tmp.js\n!keep.tmp.js\n');
	write('outer/repo/app/sub/.gitignore', '!b.log\n/local-only.txt\n');
	write('outer/repo/app/build/.gitignore', '!x.js\n');
	write('plain/.gitignore', 'out/\n');
};
buildTree();

afterAll(() => rmSync(top, {recursive: true, force: true}));

interface Setup {
	cwd?: string;
	roots?: string[];
	ignore?: string[];
	stateFile?: string;
}
const rulesFor = ({cwd = 'outer/repo/app', roots, ignore = [], stateFile = 'outer/repo/app/.devtui/state.json'}: Setup = {}) =>
	createIgnoreRules({cwd: at(cwd), roots: (roots ?? [cwd]).map(at), ignore, stateFile: at(stateFile)});

describe('default ignores', () => {
	const rules = rulesFor();
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it.each(['node_modules', '.git', '.devtui', '__pycache__', 'src/__pycache__'])('ignores the directory %s', dir => {
		expect(rules.isIgnored(app(dir), true)).toBe(true);
	});

	it.each([
		'node_modules/lib/index.js',
		'src/__pycache__/m.cpython-312.pyc',
		'src/m.pyc',
		'src/.main.py.swp',
		'src/.main.py.swo',
		'src/main.py.swx',
		'src/main.py~',
		'src/4913',
		'src/.#main.py',
		'src/#main.py#',
		'src/main.py___jb_tmp___',
		'src/main.py___jb_old___',
		'src/.DS_Store',
		'src/.main.py.kate-swp',
	])('ignores %s', file => {
		expect(rules.isIgnored(app(file), false)).toBe(true);
	});

	it.each(['src/main.py', 'src/index.ts', 'README', 'src/4913.ts', 'src/notes#1.md', '.env'])('watches %s', file => {
		expect(rules.isIgnored(app(file), false)).toBe(false);
	});

	it('does not apply a default to an explicitly watched root, only below it', () => {
		const lib = rulesFor({roots: ['outer/repo/app', 'outer/repo/app/node_modules/mylib']});
		expect(lib.isIgnored(app('node_modules/mylib/index.js'), false)).toBe(false);
		expect(lib.isIgnored(app('node_modules/mylib/src'), true)).toBe(false);
		expect(lib.isIgnored(app('node_modules/mylib/node_modules/dep/index.js'), false)).toBe(true);
		expect(lib.isIgnored(app('node_modules/other/index.js'), false)).toBe(true);
	});
});

describe('--ignore patterns', () => {
	const rules = rulesFor({ignore: ['dist', '/only-here.txt', '*.gen.ts', 'docs/']});
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it('match gitignore-style, relative to cwd', () => {
		expect(rules.isIgnored(app('dist'), true)).toBe(true);
		expect(rules.isIgnored(app('dist/bundle.js'), false)).toBe(true);
		expect(rules.isIgnored(app('src/types.gen.ts'), false)).toBe(true);
		expect(rules.isIgnored(app('only-here.txt'), false)).toBe(true);
		expect(rules.isIgnored(app('src/only-here.txt'), false)).toBe(false);
		expect(rules.isIgnored(app('docs'), true)).toBe(true);
		expect(rules.isIgnored(app('docs'), false)).toBe(false); // `docs/` matches directories only.
		expect(rules.isIgnored(app('src/types.ts'), false)).toBe(false);
	});
});

describe('.gitignore files', () => {
	const rules = rulesFor();
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it('applies the .gitignore files of ancestors up to the git root', () => {
		expect(rules.isIgnored(app('debug.log'), false)).toBe(true);
		expect(rules.isIgnored(app('src/deep/debug.log'), false)).toBe(true);
	});

	it('stops at the git root', () => {
		expect(rules.isIgnored(app('README.md'), false)).toBe(false);
	});

	it('applies .git/info/exclude', () => {
		expect(rules.isIgnored(app('secret.txt'), false)).toBe(true);
	});

	it('applies nested .gitignore files relative to their own directory, negation included', () => {
		expect(rules.isIgnored(app('src/a.tmp.js'), false)).toBe(true);
		expect(rules.isIgnored(app('src/keep.tmp.js'), false)).toBe(false);
		expect(rules.isIgnored(app('sub/b.log'), false)).toBe(false);
		expect(rules.isIgnored(app('sub/c.log'), false)).toBe(true);
		expect(rules.isIgnored(app('sub/local-only.txt'), false)).toBe(true);
		expect(rules.isIgnored(app('local-only.txt'), false)).toBe(false);
	});

	it('never re-includes a file inside an excluded directory, as git does', () => {
		expect(rules.isIgnored(app('build'), true)).toBe(true);
		expect(rules.isIgnored(app('build/x.js'), false)).toBe(true);
	});

	it('matches directory-only patterns against directories only', () => {
		expect(rules.isIgnored(app('src/build'), false)).toBe(false);
		expect(rules.isIgnored(app('src/build'), true)).toBe(true);
	});

	it('does not let an ancestor rule hide an explicitly watched root', () => {
		const generated = rulesFor({roots: ['outer/repo/app/generated']});
		expect(generated.isIgnored(app('generated/api.ts'), false)).toBe(false);
		expect(rules.isIgnored(app('generated/api.ts'), false)).toBe(true);
	});

	it('uses only the watched tree outside a git repository', () => {
		const plain = rulesFor({cwd: 'plain'});
		expect(plain.isIgnored(at('plain/out'), true)).toBe(true);
		expect(plain.isIgnored(at('plain/src/main.py'), false)).toBe(false);
	});

	it('reloads .gitignore files after invalidate()', () => {
		write('outer/repo/app/later/.gitignore', '');
		const fresh = rulesFor();
		expect(fresh.isIgnored(app('later/a.txt'), false)).toBe(false);
		write('outer/repo/app/later/.gitignore', 'a.txt\n');
		expect(fresh.isIgnored(app('later/a.txt'), false)).toBe(false); // Cached until told.
		fresh.invalidate();
		expect(fresh.isIgnored(app('later/a.txt'), false)).toBe(true);
	});
});

describe('the state file', () => {
	const rules = rulesFor({stateFile: 'outer/repo/app/state.json'});
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it.each(['state.json', 'state.json.tmp', 'state.json.4821.tmp', 'state.json.a1b2c3', '.state.json.swp', 'state.json~'])(
		'ignores %s next to it',
		file => {
			expect(rules.isIgnored(app(file), false)).toBe(true);
		},
	);

	it('ignores nothing else', () => {
		expect(rules.isIgnored(app('state.js'), false)).toBe(false);
		expect(rules.isIgnored(app('src/state.json'), false)).toBe(false);
		expect(rules.isIgnored(app('my-state.json'), false)).toBe(false);
	});
});

describe('matchesExt', () => {
	it('accepts every file when the list is empty', () => {
		expect(matchesExt('/p/a.anything', [])).toBe(true);
		expect(matchesExt('/p/Makefile', [])).toBe(true);
	});

	it('matches listed extensions case-insensitively, multi-part ones too', () => {
		expect(matchesExt('/p/a.py', ['py', 'toml'])).toBe(true);
		expect(matchesExt('/p/A.PY', ['py'])).toBe(true);
		expect(matchesExt('/p/types.d.ts', ['d.ts'])).toBe(true);
		expect(matchesExt('/p/a.pyc', ['py'])).toBe(false);
		expect(matchesExt('/p/py', ['py'])).toBe(false);
		expect(matchesExt('/p/a.js', ['.js'])).toBe(true);
	});
});
