// Decides which paths the watcher skips: built-in defaults (VCS, dependency and cache directories,
// the data an app writes as it runs, editor and tool temp files), the user's `--ignore` patterns,
// every .gitignore from the git root down, and devtui's own state file. A negation (`!pattern`) in
// `--ignore` or in a .gitignore brings back what a default skips. It runs inside the watchers' `ignored` hook, so it must be synchronous and
// cheap: .gitignore files are read once per directory and directory verdicts are memoised.

import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import ignore, {type Ignore} from 'ignore';
import {isInside} from '../is-inside.js';

/** One kind of file devtui skips by default, and why: README's "What is watched and ignored" lists them. */
export interface DefaultIgnoreGroup {
	what: string;
	why: string;
	/** Gitignore-style, relative to each watch root. */
	patterns: readonly string[];
}

// What a save never needs to restart the app for. Started from watchexec's default filter (VCS
// directories, editor swap files, `*.py[co]`), nodemon's ignoreRoot (ignore-by-default: .git,
// node_modules, bower_components, coverage, .nyc_output, .sass-cache) and uvicorn's reload excludes
// (`.*`, `.py[cod]`, `.sw.*`, `~*`); Django's own reloader watches only imported modules, so the
// files an app writes as it runs (its database, logs, uploads) never restart it there either.
// Build output (dist/, build/) stays watched: an app may well run from it.
export const DEFAULT_IGNORE_GROUPS: readonly DefaultIgnoreGroup[] = [
	{
		what: 'version control',
		why: 'repository internals: a commit, fetch or status rewrites them',
		patterns: ['.git', '.hg', '.svn', '.bzr', '_darcs', '.pijul', '.jj'],
	},
	{
		what: 'installed dependencies',
		why: 'packages, not your code: thousands of files, and installing them is not an edit',
		patterns: ['node_modules', 'bower_components', '.yarn', '.venv', 'venv', '.tox', '.nox'],
	},
	{what: "devtui's own files", why: 'state snapshots written while the app stops', patterns: ['.devtui']},
	{
		what: 'compiled Python',
		why: 'Python writes it on import, so every start would cause the next restart',
		patterns: ['__pycache__', '*.py[cod]'],
	},
	{
		what: 'tool caches',
		why: 'test runners, type checkers, linters and bundlers rewrite them as they run',
		patterns: [
			'.cache',
			'.pytest_cache',
			'.mypy_cache',
			'.ruff_cache',
			'.hypothesis',
			'.sass-cache',
			'.parcel-cache',
			'.turbo',
			'.eslintcache',
			'.stylelintcache',
			'*.tsbuildinfo',
		],
	},
	{
		what: 'coverage output',
		why: 'written by a test run beside the app',
		patterns: ['coverage/', '.nyc_output', 'htmlcov', '.coverage', '.coverage.*'],
	},
	{
		what: 'databases the app writes',
		// A fresh Django project writes db.sqlite3 (and its -journal) on start, on migrate and on
		// every request that saves: a restart there kills the request that wrote it.
		why: 'SQLite files and their journals change on every write the app makes',
		patterns: [
			'*.sqlite',
			'*.sqlite3',
			'*.db',
			'*.db3',
			'*.sqlite-journal',
			'*.sqlite-wal',
			'*.sqlite-shm',
			'*.sqlite3-journal',
			'*.sqlite3-wal',
			'*.sqlite3-shm',
			'*.db-journal',
			'*.db-wal',
			'*.db-shm',
		],
	},
	{
		what: 'logs and pid files',
		why: 'the app appends to its logs as it runs, and writes its pid file on start',
		patterns: ['*.log', '*.log.[0-9]*', 'logs/', '*.pid'],
	},
	{
		what: 'uploads, sessions and scratch space',
		// Only directories: a file called `media` or `tmp` is not what this is about. Django's
		// MEDIA_ROOT is conventionally BASE_DIR/media, hence only at the top of the watched tree.
		why: 'what the app stores for its users (multer and CarrierWave use uploads/, Django media/, Flask-Session flask_session/)',
		patterns: ['uploads/', '/media/', 'tmp/', 'flask_session/'],
	},
	{
		what: 'editor and system files',
		why: 'swap files, backups, locks and temp files written around a save',
		patterns: [
			// vim: swap files, backups (`file~`) and the `4913` probe it writes to test a directory.
			'*.swp',
			'*.swo',
			'*.swx',
			'.*.sw[a-p]',
			'*~',
			'4913',
			// emacs: lock links, auto-save files (`#` would start a comment, hence the escape), and
			// flycheck's copies of the buffer for its linters.
			'.#*',
			'\\#*#',
			'flycheck_*',
			// JetBrains "safe write": the new content, the original moved aside, a backup.
			'*___jb_tmp___',
			'*___jb_old___',
			'*___jb_bak___',
			// kate swap files; GIO's replace (gedit, GNOME apps) writes `.goutputstream-XXXXXX`, then
			// renames it over the file; LibreOffice's lock files.
			'.*.kate-swp',
			'.goutputstream-*',
			'.~lock.*#',
			'*.tmp',
			// macOS Finder metadata and AppleDouble files on non-Apple disks.
			'.DS_Store',
			'._*',
		],
	},
];

/** Ignored under every watch root, unless a root itself lies inside one of them. */
export const DEFAULT_IGNORES: readonly string[] = DEFAULT_IGNORE_GROUPS.flatMap(group => group.patterns);

/**
 * A temp file a tool writes beside the target and renames over it. Their names are random, so a
 * glob cannot tell them from real files; each rule is as narrow as the tool's own name template,
 * and the ones that append to the target's name count only while the target itself exists.
 */
export interface TempFileRule {
	tool: string;
	example: string;
	matches(name: string, exists: (sibling: string) => boolean): boolean;
}

export const TEMP_FILE_RULES: readonly TempFileRule[] = [
	// GNU sed -i: mkostemp("sedXXXXXX") in the target's directory (six letters or digits).
	{tool: 'sed -i (GNU)', example: 'sedAb12Cd', matches: name => /^sed[A-Za-z0-9]{6}$/.test(name)},
	// BSD and macOS sed -i: ".!<pid>!<name>".
	{tool: 'sed -i (BSD, macOS)', example: '.!4321!app.py', matches: name => /^\.!\d+!./.test(name)},
	// Python's tempfile (mkstemp, NamedTemporaryFile, atomicwrites) with dir= beside the target and
	// no suffix: "tmp" and eight of [a-z0-9_]. One in twelve has no digit, so none is required: an
	// extensionless file with such a name ("tmp_cleanup") is not something an app loads.
	{tool: "Python's tempfile", example: 'tmpk2_9xq0a', matches: name => /^tmp[a-z0-9_]{8}$/.test(name)},
	// Rust's tempfile crate (NamedTempFile::new_in, used by Zed's atomic writes and many CLIs): ".tmp" and six.
	{tool: "Rust's tempfile crate", example: '.tmpA1b2C3', matches: name => /^\.tmp[A-Za-z0-9]{6}$/.test(name)},
	// npm's write-file-atomic ("<name>.<murmurhash as a decimal uint32>") and gofmt -w's backup
	// (os.CreateTemp(dir, "<name>.")): the target's name, a dot and digits.
	{
		tool: 'write-file-atomic, gofmt -w',
		example: 'app.js.3218843287',
		matches: (name, exists) => {
			const match = /^(.+)\.\d{6,10}$/.exec(name);
			return match !== null && exists(match[1]!);
		},
	},
	// Qt's QSaveFile (Kate, KDevelop, Qt Creator): "<name>.XXXXXX", six random letters (older Qt
	// ends them with the pid). A real extension of six letters is lower case or a capitalised
	// word ("Custom"); a random one almost always has a capital or a digit after its first letter.
	{
		tool: "Qt's QSaveFile (kate)",
		example: 'app.py.aBcDeF',
		matches: (name, exists) => {
			const match = /^(.+)\.([A-Za-z0-9]{6})$/.exec(name);
			return match !== null && /[A-Z0-9]/.test(match[2]!.slice(1)) && exists(match[1]!);
		},
	},
];

/** Whether `file` (absolute) is one of the temp files a tool writes beside its target. */
export const isToolTempFile = (file: string): boolean => {
	const name = path.basename(file);
	const dir = path.dirname(file);
	return TEMP_FILE_RULES.some(rule => rule.matches(name, sibling => existsSync(path.join(dir, sibling))));
};

export interface IgnoreRules {
	/** Whether the path must be skipped; an ignored directory is never descended into. */
	isIgnored(file: string, isDirectory: boolean): boolean;
	/** Forget every loaded .gitignore and cached verdict (a .gitignore file changed). */
	invalidate(): void;
}

interface RuleSet {
	dir: string;
	rules: Ignore;
}

type Verdict = 'ignored' | 'unignored' | undefined;


// `ignore` takes plain relative paths only: never '', '.' or anything starting with '../'.
const relativeBelow = (dir: string, file: string): string | undefined =>
	file !== dir && isInside(dir, file) ? path.relative(dir, file).split(path.sep).join('/') : undefined;

const verdictOf = (set: RuleSet, file: string, isDirectory: boolean): Verdict => {
	const relative = relativeBelow(set.dir, file);
	if (relative === undefined) return undefined;
	const result = set.rules.test(isDirectory ? `${relative}/` : relative);
	return result.ignored ? 'ignored' : result.unignored ? 'unignored' : undefined;
};

const readRules = (file: string): Ignore | undefined => {
	try {
		return ignore().add(readFileSync(file, 'utf8'));
	} catch {
		return undefined; // Missing or unreadable: no rules.
	}
};

const isDirectory = (file: string): boolean => {
	try {
		return statSync(file).isDirectory();
	} catch {
		return true; // Not there yet: treat it as the directory it most likely will be.
	}
};

// The nearest directory, the start included, holding `.git` (a directory, or a file in worktrees).
const findGitRoot = (start: string): string | undefined => {
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, '.git'))) return dir;
		if (path.dirname(dir) === dir) return undefined;
	}
};

// The app writes its state atomically (temp file, then rename) while devtui stops it: neither the
// file nor any temp sibling named after it may ever count as a change.
const stateFileMatcher = (stateFile: string) => {
	const dir = path.dirname(stateFile);
	const base = path.basename(stateFile);
	return (file: string): boolean => {
		if (path.dirname(file) !== dir) return false;
		const name = path.basename(file);
		return name === base || name.startsWith(`${base}.`) || name.startsWith(`.${base}`) || name === `${base}~`;
	};
};

export const createIgnoreRules = ({
	cwd,
	roots,
	ignore: userPatterns,
	stateFile,
}: {
	cwd: string;
	/** Absolute watch roots. */
	roots: readonly string[];
	/** Gitignore-style patterns, relative to cwd. */
	ignore: readonly string[];
	stateFile: string;
}): IgnoreRules => {
	const defaults = ignore().add([...DEFAULT_IGNORES]);
	const user: RuleSet = {dir: cwd, rules: ignore().add([...userPatterns])};
	const isStateFile = stateFileMatcher(stateFile);
	// Deepest first, so a path belongs to the most specific root that holds it.
	const sortedRoots = [...new Set(roots.map(root => path.resolve(root)))].sort((a, b) => b.length - a.length);
	// A root that is a file (watching one file) has its repository found from its directory.
	const gitRoots = new Map(sortedRoots.map(root => [root, findGitRoot(isDirectory(root) ? root : path.dirname(root))]));
	const gitignores = new Map<string, RuleSet | undefined>();
	const excludedDirs = new Map<string, boolean>();

	const rootOf = (file: string) => sortedRoots.find(root => isInside(root, file));

	const gitignoreAt = (dir: string): RuleSet | undefined => {
		if (!gitignores.has(dir)) {
			const rules = readRules(path.join(dir, '.gitignore'));
			gitignores.set(dir, rules && {dir, rules});
		}
		return gitignores.get(dir);
	};

	const infoExcludeAt = (gitRoot: string): RuleSet | undefined => {
		const key = path.join(gitRoot, '.git', 'info', 'exclude');
		if (!gitignores.has(key)) {
			const rules = readRules(key);
			gitignores.set(key, rules && {dir: gitRoot, rules});
		}
		return gitignores.get(key);
	};

	// Rules from above a root that exclude the root itself are not applied inside it: watching a
	// directory explicitly overrides an ignore rule that would hide all of it.
	const appliesInside = (set: RuleSet, root: string): boolean =>
		!(set.dir !== root && isInside(set.dir, root) && verdictOf(set, root, true) === 'ignored');

	// Git's precedence for the path's own name: the .gitignore nearest to it wins, then each
	// ancestor's up to the repository root, then .git/info/exclude.
	const gitVerdict = (file: string, isDir: boolean, root: string): Verdict => {
		const top = gitRoots.get(root) ?? root;
		for (let dir = path.dirname(file); isInside(top, dir); dir = path.dirname(dir)) {
			const set = gitignoreAt(dir);
			const verdict = set && appliesInside(set, root) ? verdictOf(set, file, isDir) : undefined;
			if (verdict !== undefined) return verdict;
			if (dir === top) break;
		}
		const gitRoot = gitRoots.get(root);
		const exclude = gitRoot === undefined ? undefined : infoExcludeAt(gitRoot);
		return exclude !== undefined && appliesInside(exclude, root) ? verdictOf(exclude, file, isDir) : undefined;
	};

	// As git does, nothing inside an excluded directory can be re-included.
	const isExcludedDir = (dir: string, root: string): boolean => {
		if (dir === root || !isInside(root, dir)) return false;
		let excluded = excludedDirs.get(dir);
		if (excluded === undefined) {
			excluded = isExcludedDir(path.dirname(dir), root) || gitVerdict(dir, true, root) === 'ignored';
			excludedDirs.set(dir, excluded);
		}
		return excluded;
	};

	return {
		isIgnored(file, isDir) {
			const absolute = path.resolve(file);
			if (isStateFile(absolute)) return true;
			const root = rootOf(absolute);
			const relative = root === undefined ? undefined : relativeBelow(root, absolute);
			if (root === undefined || relative === undefined) return false; // A root itself is never ignored.
			// `--ignore` patterns are relative to cwd; outside cwd they apply relative to the root.
			// Theirs is the last word: `-i '!db.sqlite3'` watches a file the defaults skip.
			const userSet = isInside(cwd, absolute) ? user : {dir: root, rules: user.rules};
			const userVerdict = appliesInside(userSet, root) ? verdictOf(userSet, absolute, isDir) : undefined;
			if (userVerdict !== undefined) return userVerdict === 'ignored';
			if (isExcludedDir(path.dirname(absolute), root)) return true;
			// A project's own .gitignore negation (`!keep.log`) says the file is part of the project.
			// Not a directory's: a whitelisting .gitignore (`*`, `!*/`) would bring back .git and node_modules.
			const git = gitVerdict(absolute, isDir, root);
			if (git === 'ignored') return true;
			if (git === 'unignored' && !isDir) return false;
			return defaults.ignores(isDir ? `${relative}/` : relative) || (!isDir && isToolTempFile(absolute));
		},
		invalidate() {
			gitignores.clear();
			excludedDirs.clear();
		},
	};
};

export const isGitignoreFile = (file: string): boolean => path.basename(file) === '.gitignore';

/** `--ext` filter; `exts` are without the dot, compared case-insensitively; empty accepts every file. */
export const matchesExt = (file: string, exts: readonly string[]): boolean => {
	if (exts.length === 0) return true;
	const name = path.basename(file).toLowerCase();
	return exts.some(ext => name.endsWith(`.${ext.toLowerCase().replace(/^\./, '')}`));
};
