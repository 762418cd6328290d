// A watcher that puts one non-recursive fs.watch on each directory and none on files. chokidar
// puts an inotify watch and a stat on every file, which on a tree of 50,000 files costs seconds and
// hundreds of megabytes before the first restart can be trusted. On Linux a directory's inotify
// watch already reports what happens to the files inside it (a write comes as 'change' with the
// file's name, a create, delete or move as 'rename'), so a file needs nothing but its name in its
// directory's map: files are never stat'ed during the walk, only when an event leaves their state
// in doubt.
//
// A directory is watched before it is read, so nothing made in between can be missed. What the
// initial walk finds is not reported (like chokidar's ignoreInitial); what appears in a directory
// after it was read is, even while the walk goes on elsewhere.

import {type Dirent, type FSWatcher, type Stats, watch} from 'node:fs';
import {lstat, readdir, realpath, stat} from 'node:fs/promises';
import path from 'node:path';

export type TreeEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface TreeWatcherOptions {
	/**
	 * Absolute path; isDirectory known from the dirent (or a stat for symlinks). Checked before a
	 * directory is watched or read, so an ignored directory is never descended. Never asked of a root.
	 */
	ignored: (file: string, isDirectory: boolean) => boolean;
	/** `file` is absolute. */
	onEvent: (event: TreeEvent, file: string) => void;
	/** `error.path` is set where known (ENOSPC, EACCES, EMFILE, ...). */
	onError: (error: NodeJS.ErrnoException) => void;
}

export interface TreeWatcher {
	/** Settles when every directory of the initial walk is watched and read (or on close). */
	ready: Promise<void>;
	/**
	 * Watch another root (a directory or a single file). Called after the initial walk, what it
	 * holds is reported as add/addDir; called before, it joins the silent walk and `ready` waits for it.
	 */
	add(root: string): void;
	/** Stop watching a root and everything under it, silently. */
	unwatch(root: string): void;
	/** Known files (absolute paths), for a sweep that stats them after ready. */
	files(): IterableIterator<string>;
	close(): Promise<void>;
}

/** Enough to keep libuv's four threads busy; more only queues in its pool and holds more dirents. */
const READS_IN_FLIGHT = 24;

type Kind = 'file' | 'dir';

interface Root {
	readonly path: string;
	dir: Dir | undefined;
	file: FileRoot | undefined;
	removed: boolean;
}

interface Dir {
	readonly path: string;
	/** Where it really is: a symlink that leads to a directory already watched is a loop, or a repeat. */
	readonly real: string;
	readonly root: Root;
	readonly entries: Map<string, Kind>;
	/** Only for files an event made us stat: a later rename over one is a change. */
	ids: Map<string, string> | undefined;
	/** Unknown until it is read; compared with the path's to tell a replaced directory from the same one. */
	id: string | undefined;
	/** A rename under its own name, with no child of that name: it was deleted or moved, most likely. */
	selfEvent: boolean;
	watcher: FSWatcher | undefined;
	reading: boolean;
	/** Names with events before the read finished (true: a rename among them), judged after it. */
	early: Map<string, boolean> | undefined;
	rereadAfterRead: boolean;
	removed: boolean;
}

interface FileRoot {
	readonly name: string;
	watcher: FSWatcher | undefined;
	known: boolean;
	id: string | undefined;
	checking: boolean;
	again: boolean;
}

interface Found {
	kind: Kind | undefined;
	id: string;
	/** Set for a symlink only: anything else is where its parent is. */
	real: string | undefined;
}

const NOTHING: Found = {kind: undefined, id: '', real: undefined};

// Cheaper than path.join, which normalises: a dirent's name never holds a separator.
const child = (dir: string, name: string): string => (dir.endsWith(path.sep) ? dir + name : dir + path.sep + name);

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const isGone = (error: unknown): boolean => {
	const code = codeOf(error);
	return code === 'ENOENT' || code === 'ENOTDIR';
};

const kindOf = (info: Stats | Dirent): Kind | undefined => (info.isDirectory() ? 'dir' : info.isFile() ? 'file' : undefined);

// ext4 hands a freed inode number to the very next file or directory made: `rm -rf gen && mkdir gen`
// gets the old number back. The birth time tells them apart where the file system keeps one.
const identity = (info: Stats): string => `${info.ino}:${info.birthtimeMs}`;
const hasBirthTime = (id: string): boolean => !id.endsWith(':0');

export const createTreeWatcher = (initialRoots: readonly string[], options: TreeWatcherOptions): TreeWatcher => {
	const roots = new Map<string, Root>();
	const dirs = new Map<string, Dir>();
	const reals = new Map<string, number>();
	// One check at a time per path: lstats may finish out of order, and an older one finishing last
	// would leave a stale verdict.
	const checks = new Map<string, {again: boolean; quiet: boolean}>();
	const stack: Array<{dir: Dir; report: boolean}> = [];
	let reading = 0;
	let outstanding = 0;
	let closed = false;
	let readyDone = false;
	let resolveReady = () => {};
	const ready = new Promise<void>(resolve => {
		resolveReady = resolve;
	});

	// The caller's callbacks run inside our own event handlers and promise chains: a throw there
	// must neither stop the walk nor surface as an unhandled rejection.
	const fail = (error: unknown, where?: string) => {
		if (closed) return;
		const wrapped = (error instanceof Error ? error : new Error(String(error))) as NodeJS.ErrnoException;
		if (where !== undefined && wrapped.path === undefined) wrapped.path = where;
		try {
			options.onError(wrapped);
		} catch {
			// Nowhere left to report it.
		}
	};
	const emit = (event: TreeEvent, file: string) => {
		if (closed) return;
		try {
			options.onEvent(event, file);
		} catch (error) {
			fail(error, file);
		}
	};
	const isIgnored = (file: string, isDirectory: boolean): boolean => {
		try {
			return options.ignored(file, isDirectory);
		} catch (error) {
			fail(error, file);
			return false;
		}
	};

	const maybeReady = () => {
		if (readyDone || outstanding > 0) return;
		readyDone = true;
		resolveReady();
	};

	const addReal = (real: string) => reals.set(real, (reals.get(real) ?? 0) + 1);
	const dropReal = (real: string) => {
		const count = (reals.get(real) ?? 1) - 1;
		if (count > 0) reals.set(real, count);
		else reals.delete(real);
	};

	const closeWatcher = (dir: Dir) => {
		dir.watcher?.close();
		dir.watcher = undefined;
	};

	// Children first, as an rm -rf reports them.
	const dropDir = (dir: Dir, report: boolean) => {
		dir.removed = true;
		closeWatcher(dir);
		if (dirs.get(dir.path) === dir) dirs.delete(dir.path);
		dropReal(dir.real);
		for (const [name, kind] of dir.entries) {
			const full = child(dir.path, name);
			if (kind === 'file') {
				if (report) emit('unlink', full);
				continue;
			}
			const sub = dirs.get(full);
			if (sub && sub.root === dir.root) dropDir(sub, report);
			else if (report) emit('unlinkDir', full);
		}
		if (report) emit('unlinkDir', dir.path);
	};

	const dropRoot = (root: Root, report: boolean) => {
		root.removed = true;
		if (roots.get(root.path) === root) roots.delete(root.path);
		if (root.dir && !root.dir.removed) dropDir(root.dir, report);
		if (root.file?.watcher) {
			root.file.watcher.close();
			root.file.watcher = undefined;
		}
	};

	const pump = () => {
		while (reading < READS_IN_FLIGHT && stack.length > 0 && !closed) {
			const job = stack.pop()!;
			reading++;
			void readDirectory(job.dir, job.report)
				.catch(error => fail(error, job.dir.path))
				.finally(() => {
					reading--;
					outstanding--;
					pump();
					maybeReady();
				});
		}
	};

	// A depth-first stack keeps the backlog of watched-but-unread directories short.
	const enqueue = (dir: Dir, report: boolean) => {
		outstanding++;
		stack.push({dir, report});
		pump();
	};

	const onDirEvent = (dir: Dir, type: string, filename: string | Buffer | null) => {
		if (closed || dir.removed) return;
		if (filename === null) {
			// Events were lost (some platforms say so this way): what is on disk is the truth.
			if (dir.reading) dir.rereadAfterRead = true;
			else reread(dir);
			return;
		}
		const name = typeof filename === 'string' ? filename : filename.toString();
		const own = path.basename(dir.path);
		// The directory's own deletion or move comes under its own name, like a child of that name.
		if (type === 'rename' && name === own) {
			if (!dir.entries.has(name)) dir.selfEvent = true;
			check(dir.path, false);
		}
		if (dir.reading) {
			const early = (dir.early ??= new Map());
			early.set(name, early.get(name) === true || type === 'rename');
			return;
		}
		const full = child(dir.path, name);
		const known = dir.entries.get(name);
		if (type === 'change') {
			if (known === 'file') {
				emit('change', full);
				return;
			}
			// Attributes of a directory (a child's or its own) say nothing about sources.
			if (known === 'dir' || name === own || isIgnored(full, false)) return;
			// Otherwise a write to a file whose creation is still being checked: check it again.
		}
		check(full, false);
	};

	const startWatch = (dir: Dir): unknown => {
		try {
			const watcher = watch(dir.path);
			watcher.on('change', (type, filename) => {
				try {
					onDirEvent(dir, type, filename);
				} catch (error) {
					fail(error, dir.path);
				}
			});
			watcher.on('error', error => {
				fail(error, dir.path);
				watcher.close();
				if (dir.watcher === watcher) dir.watcher = undefined;
			});
			dir.watcher = watcher;
			return undefined;
		} catch (error) {
			return error;
		}
	};

	const newDir = (full: string, real: string, root: Root, id: string | undefined): Dir => ({
		path: full,
		real,
		root,
		entries: new Map(),
		ids: undefined,
		id,
		selfEvent: false,
		watcher: undefined,
		reading: true,
		early: undefined,
		rereadAfterRead: false,
		removed: false,
	});

	const addDir = (parent: Dir, name: string, real: string, id: string | undefined, report: boolean) => {
		const full = child(parent.path, name);
		// Another root holds it already.
		if (dirs.has(full)) {
			parent.entries.set(name, 'dir');
			return;
		}
		const dir = newDir(full, real, parent.root, id);
		const error = startWatch(dir);
		if (error !== undefined) {
			if (isGone(error)) return;
			// Still recorded, so its removal is reported; unwatched, it is not read either.
			fail(error, full);
			parent.entries.set(name, 'dir');
			if (report) emit('addDir', full);
			return;
		}
		dirs.set(full, dir);
		addReal(real);
		parent.entries.set(name, 'dir');
		if (report) emit('addDir', full);
		enqueue(dir, report);
	};

	const followLink = (dir: Dir, name: string, report: boolean) => {
		outstanding++;
		const full = child(dir.path, name);
		void (async () => {
			const real = await realpath(full);
			const info = await stat(real);
			if (closed || dir.removed || dir.entries.has(name)) return;
			const kind = kindOf(info);
			if (kind === 'dir') {
				// A link back up the tree (`loop -> ..`) or to a directory already watched.
				if (reals.has(real) || isIgnored(full, true)) return;
				addDir(dir, name, real, identity(info), report);
			} else if (kind === 'file' && !isIgnored(full, false)) {
				dir.entries.set(name, 'file');
				if (report) emit('add', full);
			}
		})()
			// Dangling, or a loop of links (ELOOP): nothing to watch.
			.catch(() => undefined)
			.finally(() => {
				outstanding--;
				maybeReady();
			});
	};

	const readDirectory = async (dir: Dir, report: boolean) => {
		let info: Stats;
		let dirents: Dirent[];
		try {
			[info, dirents] = await Promise.all([stat(dir.path), readdir(dir.path, {withFileTypes: true})]);
		} catch (error) {
			if (closed || dir.removed) return;
			dir.reading = false;
			dir.early = undefined;
			// Gone since it was watched: the check reports it as its parent's events would.
			if (isGone(error)) check(dir.path, false);
			else fail(error, dir.path);
			return;
		}
		if (closed || dir.removed) return;
		dir.id = identity(info);
		dir.reading = false;
		for (const dirent of dirents) {
			const name = dirent.name;
			// Found already by an event that came first.
			if (dir.entries.has(name)) continue;
			const full = child(dir.path, name);
			if (dirent.isDirectory()) {
				if (!isIgnored(full, true)) addDir(dir, name, child(dir.real, name), undefined, report);
			} else if (dirent.isFile()) {
				if (!isIgnored(full, false)) {
					dir.entries.set(name, 'file');
					if (report) emit('add', full);
				}
			} else if (dirent.isSymbolicLink()) {
				followLink(dir, name, report);
			}
		}
		const early = dir.early;
		dir.early = undefined;
		if (early) {
			const listed = new Set(dirents.map(dirent => dirent.name));
			for (const [name, renamed] of early) {
				// A name the read saw is part of the walk: in a silent walk it stays silent, but it
				// may be gone again already. A name it missed came after it and is reported.
				if (!listed.has(name)) check(child(dir.path, name), false);
				else if (renamed) check(child(dir.path, name), !report);
			}
		}
		if (dir.rereadAfterRead) {
			dir.rereadAfterRead = false;
			reread(dir);
		}
	};

	const reread = (dir: Dir) => {
		void readdir(dir.path)
			.then(
				names => {
					if (closed || dir.removed) return;
					for (const name of new Set([...names, ...dir.entries.keys()])) check(child(dir.path, name), false);
				},
				() => check(dir.path, false),
			)
			.catch(error => fail(error, dir.path));
	};

	const probe = async (full: string): Promise<Found> => {
		try {
			const info = await lstat(full);
			if (!info.isSymbolicLink()) return {kind: kindOf(info), id: identity(info), real: undefined};
			const real = await realpath(full);
			const target = await stat(real);
			return {kind: kindOf(target), id: identity(target), real};
		} catch {
			return NOTHING;
		}
	};

	// Whether the directory now at its path is the one watched. Without birth times to tell, a
	// rename under its own name is taken to mean its watch went with it.
	const isSameDir = (dir: Dir, found: Found): boolean => {
		if (found.kind !== 'dir') return false;
		// Still being read: its first stat will be the reference.
		if (dir.id === undefined) return true;
		if (dir.id !== found.id || (dir.selfEvent && !hasBirthTime(dir.id))) return false;
		dir.selfEvent = false;
		return true;
	};

	// Compares what is at `full` now with what is known of it, and reports the difference.
	// `quiet`: the silent walk listed it, so only its going away (or changing kind) is news.
	const reconcile = async (full: string, quiet: boolean) => {
		const found = await probe(full);
		if (closed) return;
		const own = dirs.get(full);
		if (own && own.root.dir === own) {
			if (isSameDir(own, found)) return;
			// The caller looks for a deleted root to come back, then calls unwatch() and add().
			dropRoot(own.root, true);
			return;
		}
		const parent = dirs.get(path.dirname(full));
		if (!parent) return;
		const name = path.basename(full);
		const known = parent.entries.get(name);
		const kind = found.kind !== undefined && !isIgnored(full, found.kind === 'dir') ? found.kind : undefined;
		if (known === 'dir') {
			// Never watched (an error said why): the same directory as far as can be told.
			if (kind === 'dir' && (!own || isSameDir(own, found))) return;
			if (own && own.root === parent.root) dropDir(own, true);
			else emit('unlinkDir', full);
			parent.entries.delete(name);
		} else if (known === 'file') {
			if (kind === 'file') {
				const before = parent.ids?.get(name);
				(parent.ids ??= new Map()).set(name, found.id);
				// An identity never learnt: a rename event with the file still there is most likely
				// a rename-save, which is a change.
				if (!quiet && before !== found.id) emit('change', full);
				return;
			}
			parent.entries.delete(name);
			parent.ids?.delete(name);
			emit('unlink', full);
		}
		if (kind === 'file') {
			parent.entries.set(name, 'file');
			(parent.ids ??= new Map()).set(name, found.id);
			if (!quiet) emit('add', full);
		} else if (kind === 'dir') {
			const real = found.real ?? child(parent.real, name);
			if (found.real !== undefined && reals.has(real)) return;
			addDir(parent, name, real, found.id, !quiet);
		}
	};

	const check = (full: string, quiet: boolean) => {
		const running = checks.get(full);
		if (running) {
			running.again = true;
			running.quiet &&= quiet;
			return;
		}
		const state = {again: false, quiet: true};
		checks.set(full, state);
		void (async () => {
			let now = quiet;
			for (;;) {
				await reconcile(full, now);
				if (!state.again || closed) return;
				now = state.quiet;
				state.again = false;
				state.quiet = true;
			}
		})()
			.catch(error => fail(error, full))
			.finally(() => {
				if (checks.get(full) === state) checks.delete(full);
			});
	};

	const checkFileRoot = (root: Root, file: FileRoot) => {
		if (file.checking) {
			file.again = true;
			return;
		}
		file.checking = true;
		void (async () => {
			do {
				file.again = false;
				const info = await stat(root.path).catch(() => undefined);
				if (closed || root.removed) return;
				if (info?.isFile()) {
					if (!file.known) {
						file.known = true;
						file.id = identity(info);
						emit('add', root.path);
					} else if (file.id !== identity(info)) {
						file.id = identity(info);
						emit('change', root.path);
					}
				} else if (file.known) {
					file.known = false;
					file.id = undefined;
					emit('unlink', root.path);
				}
			} while (file.again);
		})()
			.catch(error => fail(error, root.path))
			.finally(() => {
				file.checking = false;
			});
	};

	// A file is watched through its directory, so a rename-save (a new inode) is still seen.
	const startFileRoot = (root: Root, info: Stats, report: boolean) => {
		const file: FileRoot = {name: path.basename(root.path), watcher: undefined, known: true, id: identity(info), checking: false, again: false};
		const parent = path.dirname(root.path);
		try {
			file.watcher = watch(parent);
		} catch (error) {
			if (!isGone(error)) fail(error, parent);
			return;
		}
		const watcher = file.watcher;
		watcher.on('change', (type, filename) => {
			if (closed || root.removed) return;
			const name = filename === null ? null : typeof filename === 'string' ? filename : String(filename);
			if (name !== null && name !== file.name) return;
			if (type === 'change' && name !== null && file.known) emit('change', root.path);
			else checkFileRoot(root, file);
		});
		watcher.on('error', error => {
			fail(error, parent);
			watcher.close();
			if (file.watcher === watcher) file.watcher = undefined;
		});
		root.file = file;
		if (report) emit('add', root.path);
	};

	const startRoot = (rootPath: string, report: boolean) => {
		const root: Root = {path: rootPath, dir: undefined, file: undefined, removed: false};
		roots.set(rootPath, root);
		outstanding++;
		void (async () => {
			let info: Stats;
			try {
				info = await stat(rootPath);
			} catch {
				// Missing: the caller looks for it and calls add() when it is there.
				if (roots.get(rootPath) === root) roots.delete(rootPath);
				return;
			}
			if (closed || root.removed) return;
			if (info.isFile()) {
				startFileRoot(root, info, report);
				return;
			}
			if (!info.isDirectory()) return;
			const real = await realpath(rootPath).catch(() => rootPath);
			// Nested roots: the one walked first holds the directory.
			if (closed || root.removed || dirs.has(rootPath)) return;
			const dir = newDir(rootPath, real, root, identity(info));
			const error = startWatch(dir);
			if (error !== undefined) {
				if (!isGone(error)) fail(error, rootPath);
				return;
			}
			root.dir = dir;
			dirs.set(rootPath, dir);
			addReal(real);
			if (report) emit('addDir', rootPath);
			enqueue(dir, report);
		})()
			.catch(error => fail(error, rootPath))
			.finally(() => {
				outstanding--;
				maybeReady();
			});
	};

	for (const root of initialRoots) {
		const resolved = path.resolve(root);
		if (!roots.has(resolved)) startRoot(resolved, false);
	}
	maybeReady();

	return {
		ready,
		add(root) {
			const resolved = path.resolve(root);
			if (closed || roots.has(resolved)) return;
			startRoot(resolved, readyDone);
		},
		unwatch(root) {
			const found = roots.get(path.resolve(root));
			if (found) dropRoot(found, false);
		},
		*files() {
			for (const dir of dirs.values()) {
				for (const [name, kind] of dir.entries) if (kind === 'file') yield child(dir.path, name);
			}
			for (const root of roots.values()) if (root.file?.known) yield root.path;
		},
		close() {
			if (!closed) {
				closed = true;
				for (const dir of dirs.values()) {
					dir.removed = true;
					closeWatcher(dir);
				}
				for (const root of roots.values()) {
					root.removed = true;
					root.file?.watcher?.close();
				}
				dirs.clear();
				roots.clear();
				reals.clear();
				stack.length = 0;
				resolveReady();
			}
			return Promise.resolve();
		},
	};
};
