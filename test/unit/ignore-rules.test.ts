import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {createIgnoreRules, DEFAULT_IGNORE_GROUPS, isToolTempFile, matchesExt, TEMP_FILE_RULES} from '../../src/watcher/ignore-rules.js';

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
	// A whitelisting .gitignore: everything out, then directories and .py files back in.
	write('allow/.gitignore', '*\n!*/\n!*.py\n!keep.log\n');
	// The targets that tools' temp files are named after.
	for (const file of ['src/main.go', 'src/app.js', 'src/app.py', 'Makefile']) write(`outer/repo/app/${file}`);
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

describe('data the app writes, by default', () => {
	const rules = rulesFor();
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it.each([
		'db.sqlite3',
		'db.sqlite3-journal',
		'db.sqlite3-wal',
		'db.sqlite3-shm',
		'instance/flaskr.sqlite',
		'data/app.db',
		'data/app.db-journal',
		'server.log',
		'logs/today.txt',
		'app.log.1',
		'app.log.2026-12-03',
		'tmp/pids/server.pid',
		'uploads/avatar.png',
		'media/photos/cat.jpg',
		'flask_session/2029ee1d',
		'coverage/lcov.info',
		'.coverage',
		'.coverage.host.1234.XyZ',
		'htmlcov/index.html',
		'.nyc_output/out.json',
		'.pytest_cache/v/cache/lastfailed',
		'.mypy_cache/3.11/app.meta.json',
		'tsconfig.tsbuildinfo',
		'.eslintcache',
		'.venv/lib/python3.11/site-packages/x.py',
		'venv/bin/activate',
	])('ignores %s', file => {
		expect(rules.isIgnored(app(file), false)).toBe(true);
	});

	it.each(['manage.py', 'mysite/settings.py', 'templates/base.html', 'src/log.py', 'src/logs.py', 'db.py', 'dist/server.js', 'public/app.js', 'src/media/player.ts', 'static/site.css', 'tmp', 'logs', 'media'])(
		'watches %s',
		file => {
			expect(rules.isIgnored(app(file), false)).toBe(false);
		},
	);

	it('skips upload folders only as directories, and media/ only at the top of the watched tree', () => {
		expect(rules.isIgnored(app('uploads'), true)).toBe(true);
		expect(rules.isIgnored(app('media'), true)).toBe(true);
		expect(rules.isIgnored(app('src/media'), true)).toBe(false);
		expect(rules.isIgnored(app('src/uploads'), true)).toBe(true);
	});

	it('watches a data file given explicitly as a watch path', () => {
		const explicit = rulesFor({roots: ['outer/repo/app', 'outer/repo/app/db.sqlite3', 'outer/repo/app/logs']});
		expect(explicit.isIgnored(app('db.sqlite3'), false)).toBe(false);
		expect(explicit.isIgnored(app('logs/today.txt'), false)).toBe(false);
		expect(explicit.isIgnored(app('db.sqlite3-journal'), false)).toBe(true);
	});
});

describe('temp files tools write beside the target', () => {
	const rules = rulesFor();
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it.each([
		['GNU sed -i', 'src/sedAb12Cd'],
		['BSD sed -i', 'src/.!4321!app.py'],
		['gedit (GIO)', 'src/.goutputstream-Q1W2E3'],
		["Python's tempfile", 'src/tmpk2_9xq0a'],
		["Python's tempfile, no digit drawn", 'src/tmpqxzvb_kw'],
		["Rust's tempfile", 'src/.tmpA1b2C3'],
		['write-file-atomic', 'src/app.js.3218843287'],
		['gofmt -w', 'src/main.go.1937466254'],
		['Qt QSaveFile (kate)', 'src/app.py.aBcDeF'],
		['Qt QSaveFile, older Qt (pid digits)', 'src/app.py.Kq4821'],
		['JetBrains', 'src/app.py___jb_bak___'],
		['emacs flycheck', 'src/flycheck_app.py'],
		['LibreOffice', 'src/.~lock.notes.odt#'],
		['a generic temp file', 'src/app.py.tmp'],
	])('ignores %s: %s', (_tool, file) => {
		expect(rules.isIgnored(app(file), false)).toBe(true);
	});

	it.each([
		// A real name that merely looks like one: no target of that name, a dot, a real extension.
		'src/sedlib.py',
		'src/sediment',
		'src/tmpl_render.py',
		'src/tmp_helpers.py',
		'src/.tmprc',
		'src/other.js.3218843287', // No other.js beside it.
		'src/app.js.123', // Too short for a uint32 in decimal.
		'src/app.py.config', // A six-letter lower-case extension.
		'Makefile.Custom', // A capitalised word.
		'src/app.py.backup',
	])('watches %s', file => {
		expect(rules.isIgnored(app(file), false)).toBe(false);
	});

	it('never treats a directory as a temp file', () => {
		expect(rules.isIgnored(app('src/sedAb12Cd'), true)).toBe(false);
	});

	it('matches the example of every rule (src/ holds app.js, app.py and main.go)', () => {
		for (const rule of TEMP_FILE_RULES) expect(isToolTempFile(app(`src/${rule.example}`)), rule.tool).toBe(true);
	});
});

describe('negations bring back what a default skips', () => {
	const app = (file: string) => at(`outer/repo/app/${file}`);

	it('in --ignore, for files and directories', () => {
		const rules = rulesFor({ignore: ['!db.sqlite3', '!logs/', '!sedAb12Cd']});
		expect(rules.isIgnored(app('db.sqlite3'), false)).toBe(false);
		expect(rules.isIgnored(app('db.sqlite3-journal'), false)).toBe(true);
		expect(rules.isIgnored(app('logs'), true)).toBe(false);
		expect(rules.isIgnored(app('sedAb12Cd'), false)).toBe(false);
	});

	it('in a .gitignore, for files but not for directories', () => {
		const rules = rulesFor({cwd: 'allow'});
		expect(rules.isIgnored(at('allow/keep.log'), false)).toBe(false);
		expect(rules.isIgnored(at('allow/app.py'), false)).toBe(false);
		expect(rules.isIgnored(at('allow/other.log'), false)).toBe(true);
		expect(rules.isIgnored(at('allow/notes.txt'), false)).toBe(true);
		// `!*/` brings back every directory for git, but .git and node_modules stay out.
		expect(rules.isIgnored(at('allow/src'), true)).toBe(false);
		expect(rules.isIgnored(at('allow/node_modules'), true)).toBe(true);
		expect(rules.isIgnored(at('allow/.git'), true)).toBe(true);
	});
});

describe("README's list of what is ignored", () => {
	const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
	const section = readme.slice(readme.indexOf('### What is watched and ignored'), readme.indexOf('### The debounce default'));

	it.each(DEFAULT_IGNORE_GROUPS.flatMap(group => group.patterns.map(pattern => [group.what, pattern] as const)))(
		'names the %s pattern %s',
		(_what, pattern) => {
			expect(section).toContain(`\`${pattern.replace(/^\\/, '')}\``);
		},
	);

	it.each(TEMP_FILE_RULES.map(rule => rule.tool))('names the temp files of %s', tool => {
		expect(section).toContain(tool);
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
