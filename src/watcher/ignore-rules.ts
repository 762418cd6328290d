// Decides which paths the watcher skips: built-in defaults (VCS, dependency and cache directories,
// editor temp files), the user's `--ignore` patterns, every .gitignore from the git root down, and
// devtui's own state file. It runs inside the watchers' `ignored` hook, so it must be synchronous and
// cheap: .gitignore files are read once per directory and directory verdicts are memoised.

import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import ignore, {type Ignore} from 'ignore';

/** Ignored under every watch root, unless a root itself lies inside one of them. */
export const DEFAULT_IGNORES: readonly string[] = [
	'.git',
	'.hg',
	'.svn',
	'node_modules',
	'.devtui',
	'__pycache__',
	'*.pyc',
	// vim: swap files, backups (`file~`) and the `4913` probe it writes to test a directory.
	'*.swp',
	'*.swo',
	'*.swx',
	'.*.sw[a-p]',
	'*~',
	'4913',
	// emacs: lock links and auto-save files (`#` would start a comment, hence the escape).
	'.#*',
	'\\#*#',
	// JetBrains "safe write" temp and old copies.
	'*___jb_tmp___',
	'*___jb_old___',
	// kate swap files and macOS Finder metadata.
	'.*.kate-swp',
	'.DS_Store',
];

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

const isInside = (dir: string, file: string): boolean =>
	file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

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
	const gitVerdict = (file: string, isDir: boolean, root: string): boolean => {
		const top = gitRoots.get(root) ?? root;
		for (let dir = path.dirname(file); isInside(top, dir); dir = path.dirname(dir)) {
			const set = gitignoreAt(dir);
			const verdict = set && appliesInside(set, root) ? verdictOf(set, file, isDir) : undefined;
			if (verdict !== undefined) return verdict === 'ignored';
			if (dir === top) break;
		}
		const gitRoot = gitRoots.get(root);
		const exclude = gitRoot === undefined ? undefined : infoExcludeAt(gitRoot);
		return exclude !== undefined && appliesInside(exclude, root) && verdictOf(exclude, file, isDir) === 'ignored';
	};

	// As git does, nothing inside an excluded directory can be re-included.
	const isExcludedDir = (dir: string, root: string): boolean => {
		if (dir === root || !isInside(root, dir)) return false;
		let excluded = excludedDirs.get(dir);
		if (excluded === undefined) {
			excluded = isExcludedDir(path.dirname(dir), root) || gitVerdict(dir, true, root);
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
			if (defaults.ignores(isDir ? `${relative}/` : relative)) return true;
			// `--ignore` patterns are relative to cwd; outside cwd they apply relative to the root.
			const userSet = isInside(cwd, absolute) ? user : {dir: root, rules: user.rules};
			if (appliesInside(userSet, root) && verdictOf(userSet, absolute, isDir) === 'ignored') return true;
			return isExcludedDir(path.dirname(absolute), root) || gitVerdict(absolute, isDir, root);
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
