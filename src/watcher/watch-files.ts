// Watches the source tree and turns file events into numbered batches of changes. This is the
// edge where chokidar's raw events meet devtui's rules: ignores and `--ext` decide what counts,
// the batcher groups a save (or a burst of saves) into one batch, and coalescing reduces each
// batch to one net change per file.

import {existsSync} from 'node:fs';
import type {Stats} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {watch} from 'chokidar';
import {DEFAULT_DEBOUNCE_MS, type DevtuiOptions} from '../options.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {ChangedFile} from '../supervisor/events.js';
import {createChangeBatcher} from './change-batcher.js';
import {coalesceChanges} from './coalesce-changes.js';
import {createIgnoreRules, isGitignoreFile, matchesExt} from './ignore-rules.js';

/** How often a deleted watch root is looked for. */
const ROOT_POLL_MS = 250;

/** A batch of one changed file (a save) closes after this much quiet, with the default debounce. */
export const QUICK_QUIET_MS = 10;
/** chokidar drops another change of a file this soon after the one it reported, and never reports it later. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;
/** How long after the scan an entry chokidar does not know may still be on its way to it. */
const CATCH_UP_GRACE_MS = 300;

export interface FileWatcher {
	/** Settles once the initial scan is done (or the watcher was closed first). */
	ready: Promise<void>;
	/** Call right before a new instance is spawned: what is on disk now is what it will read. */
	beforeSpawn(): Promise<void>;
	/** Stops watching and drops an open batch; safe to call more than once. */
	close(): Promise<void>;
}

export type WatchOptions = Pick<DevtuiOptions, 'cwd' | 'watch' | 'ignore' | 'ext' | 'debounceMs' | 'pollMs' | 'stateFile'>;

const KINDS = {add: 'added', change: 'changed', unlink: 'removed'} as const;

const describeError = (error: unknown): string => {
	const {code, message, path: file} = (error ?? {}) as {code?: string; message?: string; path?: string};
	const where = file ? ` ${file}` : '';
	if (code === 'ENOSPC') {
		return 'The system limit on watched files (inotify) is reached: use --poll, or raise it with ' +
			'`sudo sysctl fs.inotify.max_user_watches=524288`, or --ignore large directories';
	}
	if (code === 'EMFILE') return 'Too many open files while watching: use --poll, or --ignore large directories';
	if (code === 'EACCES' || code === 'EPERM') return `Cannot watch${where}: permission denied`;
	return `Watcher problem${where}: ${message ?? String(error)}`;
};

export const watchFiles = ({
	options,
	bus,
	onChangeStart,
	onBatch,
	changedSince,
}: {
	options: WatchOptions;
	bus: EventBus;
	/**
	 * When the app was started (epoch ms). The app runs before the first scan is done, and a file
	 * saved in between would otherwise be missed: the scan reports files modified since as changes.
	 */
	changedSince?: number;
	/**
	 * Called once per batch, before `onBatch`, as soon as the batch is sure to produce one, with the
	 * paths (relative) known at that moment: the pre-restart checks decide from them whether the
	 * old app may begin stopping.
	 */
	onChangeStart?: (paths: string[]) => void;
	onBatch: (files: ChangedFile[], batch: number, firstChangeAt: number) => void;
}): FileWatcher => {
	const startedAt = performance.now();
	const polling = options.pollMs !== undefined;
	const rules = createIgnoreRules({cwd: options.cwd, roots: options.watch, ignore: options.ignore, stateFile: options.stateFile});
	const toRelative = (file: string) => path.relative(options.cwd, file).split(path.sep).join('/');
	// A file watched by name counts whatever its extension: `--ext` filters what is found, not what was asked for.
	const roots = new Set(options.watch.map(root => path.resolve(root)));
	const counts = (file: string) => roots.has(path.resolve(file)) || matchesExt(file, options.ext);
	const reported = new Set<string>();
	let closed = false;
	let batchCount = 0;
	let startSignalled = false;

	const say = (message: string) => {
		if (!closed) bus.emit({type: 'watch/error', message});
	};
	const report = (message: string) => {
		// A full inotify table fails once per directory: say it once.
		if (reported.has(message)) return;
		reported.add(message);
		say(message);
	};

	// The supervisor's callbacks run from timers and watcher events: a throw there must not take
	// the watcher (or devtui) down.
	const guarded = (what: string, callback: () => void) => {
		try {
			callback();
		} catch (error) {
			bus.emit({type: 'watch/error', message: `${what} failed: ${error instanceof Error ? error.message : String(error)}`});
		}
	};

	const signalStart = (paths: string[]) => {
		if (startSignalled || !onChangeStart) return;
		startSignalled = true;
		guarded('onChangeStart', () => onChangeStart(paths));
	};

	// chokidar stats a file before it reports a change, on libuv's thread pool, whose queue runs in
	// order: a stat of our own queued behind theirs, twice over with a turn of the event loop
	// between, means every change the kernel had already reported has reached `record`.
	const settle = async () => {
		for (let round = 0; round < 2; round++) {
			await new Promise(resolve => setImmediate(resolve));
			await stat(options.cwd).catch(() => undefined);
		}
		await new Promise(resolve => setImmediate(resolve));
	};

	// A save is one changed file, and waiting the whole debounce for it is what made devtui slower
	// than a bare restarter for apps that stop fast. Its batch closes after a short quiet instead.
	// The debounce's floor was chokidar's change throttle (a second write within 50 ms of the first
	// is dropped, never reported): so after such a batch devtui stats the file once the throttle
	// has passed, and a file that moved since the batch closed is a change of its own.
	const quickSaves = !polling && options.debounceMs <= DEFAULT_DEBOUNCE_MS;
	const rechecks = new Map<NodeJS.Timeout, {file: string; seen: Promise<Stats | undefined>}>();
	const recheckAfterThrottle = (relative: string, eventAt: number) => {
		const file = path.resolve(options.cwd, relative);
		const timer = setTimeout(
			async () => {
				const {seen} = rechecks.get(timer)!;
				rechecks.delete(timer);
				const [before, after] = await Promise.all([seen, stat(file).catch(() => undefined)]);
				if (closed || !before || !after) return;
				if (before.mtimeMs !== after.mtimeMs || before.size !== after.size || before.ino !== after.ino) record(file, 'changed');
			},
			Math.max(0, eventAt + CHOKIDAR_CHANGE_THROTTLE_MS + 5 - Date.now()),
		);
		// Taken before the new instance can have read the file: what it saw, at the latest.
		rechecks.set(timer, {file, seen: stat(file).catch(() => undefined)});
	};
	// The new instance starts later than the batch closed (a check, the old app's stop): a write
	// that landed meanwhile (a writer descheduled between truncating and writing) is one it reads,
	// not a change after it.
	const beforeSpawn = async () => {
		await Promise.all(
			[...rechecks.values()].map(async recheck => {
				const now = await stat(recheck.file).catch(() => undefined);
				if (now) recheck.seen = Promise.resolve(now);
			}),
		);
	};

	const batcher = createChangeBatcher<ChangedFile>({
		keyOf: change => change.path,
		debounceMs: options.debounceMs,
		settle,
		...(quickSaves ? {quick: {quietMs: QUICK_QUIET_MS, test: (change: ChangedFile) => change.kind === 'changed'}} : {}),
		onClose(events, firstChangeAt) {
			if (quickSaves && events.length === 1 && events[0]!.kind === 'changed' && !closed) recheckAfterThrottle(events[0]!.path, firstChangeAt);
			const files = coalesceChanges(events);
			// A batch of temp files that came and went changes nothing: no restart.
			if (files.length > 0 && !closed) {
				const batch = ++batchCount;
				signalStart(files.map(file => file.path));
				bus.emit({type: 'watch/changed', batch, files, firstChangeAt});
				guarded('onBatch', () => onBatch(files, batch, firstChangeAt));
			}
			startSignalled = false;
		},
	});

	const record = (file: string, kind: ChangedFile['kind']) => {
		if (isGitignoreFile(file)) {
			// It changes what is watched, not what the app runs: reload the rules, never restart.
			rules.invalidate();
			return;
		}
		// Checked again here: a .gitignore may have changed since chokidar started watching the file.
		if (!counts(file) || rules.isIgnored(file, false)) return;
		const relative = toRelative(file);
		batcher.push({path: relative, kind});
		// Only an added file can still vanish from the batch (a temp file): anything else is
		// certain to restart, so the supervisor may begin stopping the app right away.
		if (kind !== 'added') signalStart([relative]);
	};

	for (const root of options.watch) if (!existsSync(root)) report(`Watch path not found: ${root} (waiting for it to appear)`);

	let scanning = true;
	const watcher = watch([...options.watch], {
		// The scan's adds are only wanted to find files saved since the app started (changedSince).
		ignoreInitial: changedSince === undefined,
		// chokidar's own rename pairing holds every removal back 100 ms; the batch coalesces a
		// removed-then-added file into `changed` anyway, so removals can come through at once.
		atomic: false,
		// Called with and without stats; without them a path is judged as a file, and chokidar asks
		// again with stats before descending, so directory-only patterns still prune the walk.
		ignored: (file, stats) => {
			if (stats?.isFile() && !counts(file) && !isGitignoreFile(file)) return true;
			return rules.isIgnored(file, stats?.isDirectory() ?? false);
		},
		...(polling ? {usePolling: true, interval: options.pollMs, binaryInterval: options.pollMs} : {}),
	});

	// chokidar stops watching a root that is deleted and never notices it coming back (a branch
	// switch, rm -rf && mkdir): look for it, and watch it afresh when it is there again.
	const missingRoots = new Set<string>();
	let rootTimer: NodeJS.Timeout | undefined;
	const lookForRoots = () => {
		rootTimer = undefined;
		for (const root of missingRoots) {
			if (!existsSync(root)) continue;
			missingRoots.delete(root);
			rules.invalidate();
			watcher.unwatch(root);
			watcher.add(root);
			say(`Watched path ${root} is back; watching it again`);
			// What it holds now was never seen by the running app: that is a change in itself.
			batcher.push({path: toRelative(root), kind: 'added'});
		}
		if (missingRoots.size > 0 && !closed) rootTimer = setTimeout(lookForRoots, ROOT_POLL_MS).unref();
	};
	const rootGone = (file: string) => {
		const root = options.watch.find(watched => path.resolve(watched) === path.resolve(file));
		if (!root || missingRoots.has(root)) return;
		missingRoots.add(root);
		say(`Watched path ${root} was removed; waiting for it to come back`);
		rootTimer ??= setTimeout(lookForRoots, ROOT_POLL_MS).unref();
	};
	for (const root of options.watch) {
		if (!existsSync(root)) missingRoots.add(root);
	}
	if (missingRoots.size > 0) rootTimer = setTimeout(lookForRoots, ROOT_POLL_MS).unref();

	watcher.on('all', (event, file, stats) => {
		if (closed) return;
		if (scanning && event === 'add') {
			// A file time in the start's own millisecond is ambiguous: count it as seen by the app.
			if (changedSince !== undefined && stats && stats.mtimeMs >= changedSince + 1) record(file, 'changed');
			return;
		}
		if (event === 'unlinkDir') {
			rules.invalidate(); // Its .gitignore files went with it.
			rootGone(file);
		}
		if (event === 'add' || event === 'change' || event === 'unlink') record(file, KINDS[event]);
		// Files that appear in a root devtui is watching afresh arrive as adds, as they should.
	});
	watcher.on('error', error => report(describeError(error)));

	let resolveReady = () => {};
	const ready = new Promise<void>(resolve => {
		resolveReady = resolve;
	});
	// chokidar reads a directory before it puts a watch on it, so an entry made in between (the app
	// creating its data/ directory while devtui starts) is never seen, nor anything in it later.
	// Once the scan is done, the directories changed since it began are read again; an entry chokidar
	// still does not know a moment later (it learns of entries made after its watch within
	// milliseconds, and adding one twice confuses it) is watched and counted as added.
	const scanStartedAt = Date.now();
	const unknownEntries = async (): Promise<Array<{full: string; isDir: boolean}>> => {
		const roots = options.watch.map(root => path.resolve(root));
		const inside = (dir: string) => roots.some(root => dir === root || dir.startsWith(`${root}${path.sep}`));
		const found: Array<{full: string; isDir: boolean}> = [];
		for (const [dir, names] of Object.entries(watcher.getWatched())) {
			if (closed) break;
			if (!inside(dir)) continue;
			const info = await stat(dir).catch(() => undefined);
			// File times are coarser than Date.now(): a little margin costs only a readdir.
			if (!info?.isDirectory() || info.mtimeMs < scanStartedAt - 10) continue;
			const known = new Set(names);
			for (const entry of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
				const full = path.join(dir, entry.name);
				const isDir = entry.isDirectory();
				if (known.has(entry.name) || rules.isIgnored(full, isDir) || (!isDir && !counts(full))) continue;
				found.push({full, isDir});
			}
		}
		return found;
	};
	let catchUpTimer: NodeJS.Timeout | undefined;
	const catchUpAfterScan = async () => {
		const candidates = await unknownEntries();
		if (candidates.length === 0 || closed) return;
		await new Promise(resolve => (catchUpTimer = setTimeout(resolve, CATCH_UP_GRACE_MS)));
		const watched = watcher.getWatched();
		for (const {full, isDir} of candidates) {
			if (closed || watched[path.dirname(full)]?.includes(path.basename(full)) || !existsSync(full)) continue;
			watcher.add(full);
			if (isDir) batcher.push({path: toRelative(full), kind: 'added'});
			else record(full, 'added');
		}
	};

	watcher.once('ready', () => {
		scanning = false;
		void catchUpAfterScan().catch(error => report(describeError(error)));
		if (!closed) {
			bus.emit({type: 'watch/ready', paths: [...options.watch], durationMs: Math.round(performance.now() - startedAt), polling});
		}
		resolveReady();
	});

	let closing: Promise<void> | undefined;
	return {
		ready,
		beforeSpawn,
		close() {
			closing ??= (async () => {
				closed = true;
				clearTimeout(rootTimer);
				for (const timer of rechecks.keys()) clearTimeout(timer);
				clearTimeout(catchUpTimer);
				batcher.cancel();
				try {
					await watcher.close();
				} finally {
					resolveReady();
				}
			})();
			return closing;
		},
	};
};
