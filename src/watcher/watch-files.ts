// Watches the source tree and turns file events into batches of changes. This is the
// edge where raw file events meet devtui's rules: ignores and `--ext` decide what counts,
// the batcher groups a save (or a burst of saves) into one batch, and coalescing reduces each
// batch to one net change per file.

import {existsSync, readFileSync} from 'node:fs';
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {DEFAULT_DEBOUNCE_MS, type DevtuiOptions} from '../options.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {ChangedFile} from '../supervisor/events.js';
import {createChangeBatcher} from './change-batcher.js';
import {coalesceChanges} from './coalesce-changes.js';
import type {FileSource, FileSourceInput} from './file-source.js';
import {createIgnoreRules, isGitignoreFile, matchesExt} from './ignore-rules.js';
import {createPollSource} from './poll-source.js';
import {createTreeSource} from './tree-source.js';

/** How often a deleted watch root is looked for. */
const ROOT_POLL_MS = 250;

/** How long, how many files and how large: what the last batch's content is remembered for. */
const REMEMBER_MS = 2000;
const REMEMBER_FILES = 20;
const REMEMBER_BYTES = 256 * 1024;

/** A batch of one changed file (a save) closes after this much quiet, with the default debounce. */
export const QUICK_QUIET_MS = 5;

export interface FileWatcher {
	/** Settles once the initial scan is done (or the watcher was closed first). */
	ready: Promise<void>;
	/** Stops watching and drops an open batch; safe to call more than once. */
	close(): Promise<void>;
}

export type WatchOptions = Pick<DevtuiOptions, 'cwd' | 'watch' | 'ignore' | 'ext' | 'debounceMs' | 'pollMs' | 'stateFile'>;

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
	onChange,
	onBatch,
	changedSince,
	source: openSource,
}: {
	options: WatchOptions;
	bus: EventBus;
	/**
	 * When the app was started (epoch ms). The app runs before the first scan is done, and a file
	 * saved in between would otherwise be missed: the scan reports files modified since as changes.
	 */
	changedSince?: number;
	/**
	 * Every counted raw event of the batch being collected, as it happens: the supervisor decides
	 * from these whether the old app may begin stopping before the batch closes.
	 */
	onChange?: (change: {path: string; kind: ChangedFile['kind']}) => void;
	/** A batch closed: its net changes, one per file (none when temp files came and went). */
	onBatch: (files: ChangedFile[], firstChangeAt: number) => void;
	/**
	 * Where the file events come from. By default a source of its own over `options.watch`; a stack
	 * passes one share of a source several services' rules read (src/watcher/shared-source.ts).
	 */
	source?: (input: FileSourceInput) => FileSource;
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

	// The watcher stats a renamed or new entry before it reports it, on libuv's thread pool, whose
	// queue runs in order: a stat of our own queued behind those, twice over with a turn of the event
	// loop between, means every change the kernel had already reported has reached `record`.
	const settle = async () => {
		for (let round = 0; round < 2; round++) {
			await new Promise(resolve => setImmediate(resolve));
			await stat(options.cwd).catch(() => undefined);
		}
		await new Promise(resolve => setImmediate(resolve));
	};

	// A save is one changed file, and waiting the whole debounce for it is what made devtui slower
	// than a bare restarter for apps that stop fast. Its batch closes after a short quiet instead: the
	// directory watcher reports every write, so a second write after that is a batch of its own (and
	// joins the restart if the new instance has not started yet).
	const quickSaves = !polling && options.debounceMs <= DEFAULT_DEBOUNCE_MS;

	const batcher = createChangeBatcher<ChangedFile>({
		keyOf: change => change.path,
		debounceMs: options.debounceMs,
		settle,
		...(quickSaves
			? {
					quick: {
						quietMs: QUICK_QUIET_MS,
						test: (change: ChangedFile) => change.kind === 'changed',
						// An empty file is most likely one caught between its truncation and its write (a
						// writer descheduled in between): the write's event is still to come.
						confirm: async (change: ChangedFile) => ((await stat(path.resolve(options.cwd, change.path)).catch(() => undefined))?.size ?? 1) > 0,
					},
				}
			: {}),
		onClose(events, firstChangeAt) {
			if (closed) return;
			const files = coalesceChanges(events);
			rememberContents(files);
			// A batch of temp files that came and went is empty: it changes nothing.
			guarded('onBatch', () => onBatch(files, firstChangeAt));
		},
	});

	// An event that leaves a file as it was when its batch closed is no change: vim's save is a write,
	// then an fchmod/setxattr a fsync later (up to ~10 ms), and the second event alone, after the
	// quick window closed, would restart the app a second time for nothing. The content is read
	// before the batch is handed on, so any instance started for it reads at least that content;
	// a write after the read differs and counts. Small files of small batches only, for two seconds.
	const contents = new Map<string, {content: Buffer; at: number}>();
	const readSmall = (file: string): Buffer | undefined => {
		try {
			const content = readFileSync(file);
			return content.length <= REMEMBER_BYTES ? content : undefined;
		} catch {
			return undefined;
		}
	};
	const rememberContents = (files: readonly ChangedFile[]) => {
		contents.clear();
		if (files.length > REMEMBER_FILES) return;
		for (const file of files) {
			if (file.kind === 'removed') continue;
			const absolute = path.resolve(options.cwd, file.path);
			const content = readSmall(absolute);
			if (content) contents.set(absolute, {content, at: Date.now()});
		}
	};
	const unchangedSinceBatch = (file: string): boolean => {
		const known = contents.get(file);
		if (!known) return false;
		contents.delete(file);
		if (Date.now() - known.at > REMEMBER_MS) return false;
		const now = readSmall(file);
		if (!now?.equals(known.content)) return false;
		contents.set(file, known);
		return true;
	};

	const push = (change: ChangedFile) => {
		batcher.push(change);
		if (onChange) guarded('onChange', () => onChange(change));
	};

	const record = (file: string, kind: ChangedFile['kind']) => {
		if (kind === 'changed' && unchangedSinceBatch(file)) return;
		if (isGitignoreFile(file)) {
			// It changes what is watched, not what the app runs: reload the rules, never restart.
			rules.invalidate();
			return;
		}
		// Checked again here: a .gitignore may have changed since the file was first seen.
		if (!counts(file) || rules.isIgnored(file, false)) return;
		push({path: toRelative(file), kind});
	};

	for (const root of options.watch) if (!existsSync(root)) report(`Watch path not found: ${root} (waiting for it to appear)`);

	const sourceInput: FileSourceInput = {
		roots: options.watch,
		ignored: (file, isDirectory) => {
			if (isDirectory === false && !counts(file) && !isGitignoreFile(file)) return true;
			return rules.isIgnored(file, isDirectory ?? false);
		},
		record: (file, kind) => {
			if (!closed) record(file, kind);
		},
		addedDir: dir => {
			if (!closed) push({path: toRelative(dir), kind: 'added'});
		},
		removedDir: dir => {
			if (closed) return;
			rules.invalidate(); // Its .gitignore files went with it.
			rootGone(dir);
		},
		onError: error => report(describeError(error)),
		changedSince,
	};
	const source: FileSource = openSource
		? openSource(sourceInput)
		: polling
			? createPollSource({...sourceInput, pollMs: options.pollMs!})
			: createTreeSource(sourceInput);

	// A watch ends with the directory it was on; a deleted root may come back (a branch switch,
	// rm -rf && mkdir): look for it, and watch it afresh when it is there again.
	const missingRoots = new Set<string>();
	let rootTimer: NodeJS.Timeout | undefined;
	const lookForRoots = () => {
		rootTimer = undefined;
		for (const root of missingRoots) {
			if (!existsSync(root)) continue;
			missingRoots.delete(root);
			rules.invalidate();
			source.unwatch(root);
			source.add(root);
			say(`Watched path ${root} is back; watching it again`);
			// What it holds now was never seen by the running app: that is a change in itself.
			push({path: toRelative(root), kind: 'added'});
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

	const ready = source.ready.then(() => {
		if (!closed) {
			bus.emit({type: 'watch/ready', paths: [...options.watch], durationMs: Math.round(performance.now() - startedAt), polling});
		}
	});

	let closing: Promise<void> | undefined;
	return {
		ready,
		close() {
			closing ??= (async () => {
				closed = true;
				clearTimeout(rootTimer);
				batcher.cancel();
				await source.close();
			})();
			return closing;
		},
	};
};
