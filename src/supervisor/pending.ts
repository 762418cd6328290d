// The one record of what the next instance waits for: the changes the running app has not seen,
// why a start is wanted, the batch the watcher is still collecting, the hold and the check
// (watchexec keeps its pending side the same way beside CommandState). The supervisor owns one;
// these functions are its only ways to change it.

import type {ChangedFile, ChangeKind, StopReason} from './events.js';
import {mergeFiles} from './merge-files.js';

export type CheckStatus =
	/** Not checked since the last change. */
	| 'unchecked'
	| 'running'
	| 'passed'
	| 'failed'
	/** The developer asked to go ahead anyway (`r`, releasing a hold). */
	| 'skipped';

/** What the raw events of one open batch say about one path so far. */
export interface OpenPath {
	/** The path was there before the batch: its first event was not 'added'. */
	existed: boolean;
	/** The batch created, renamed or removed the entry, instead of only writing to it. */
	entryChanged: boolean;
	/** The app itself wrote it (its own data, a feedback loop): it restarts nothing. */
	appWrite: boolean;
}

export interface OpenBatch {
	/** Mutated in place as raw events arrive: a burst of 10,000 files must not copy it each time. */
	paths: Map<string, OpenPath>;
	/** Bumped on every raw change, so an answer about an older state of the batch is recognised. */
	generation: number;
	/** The old app may begin stopping before the batch closes (it is certain to restart and pass). */
	earlyStop: boolean;
	/** A file changed while no instance was running: whoever writes them, it is not the app. */
	whileDown: boolean;
	/** Some path counts (is not the app's own write); once true it stays, as a path's verdict does. */
	counts: boolean;
}

export interface Pending {
	files: ChangedFile[];
	/** When the earliest of `files` changed: where the restart's timeline begins. */
	firstChangeAt: number | undefined;
	/** Why the next instance should start; undefined while nothing asks for one. */
	reason: StopReason | undefined;
	/** The batch the watcher is still collecting. */
	batch: OpenBatch | undefined;
	/** Restarts are postponed (`p`): changes pile up, unchecked. */
	held: boolean;
	check: CheckStatus;
	/** Start nothing before this time (a feedback-loop probe shifts one start). */
	notBefore: number | undefined;
}

export const emptyPending = (): Pending => ({
	files: [],
	firstChangeAt: undefined,
	reason: undefined,
	batch: undefined,
	held: false,
	check: 'unchecked',
	notBefore: undefined,
});

/** A raw file event of the open batch, before coalescing. */
export interface RawChange {
	path: string;
	kind: ChangeKind;
}

// A manual restart stays manual whatever joins it.
const combine = (previous: StopReason | undefined, next: StopReason): StopReason => (previous === 'manual' ? 'manual' : next);

/** A raw event: the batch opens (or grows), and every earlier check answer is stale. */
export const addRawChange = (pending: Pending, change: RawChange, isAppWrite: (path: string) => boolean, appDown: boolean): Pending => {
	const batch = pending.batch ?? {paths: new Map<string, OpenPath>(), generation: 0, earlyStop: false, whileDown: false, counts: false};
	const known = batch.paths.get(change.path);
	// A path already taken for the app's write is asked again: the filter hears that the app is still
	// writing it (a log written every 100 ms keeps one batch open for seconds). Its verdict stays.
	if (known?.appWrite) isAppWrite(change.path);
	const entry = change.kind !== 'changed';
	const open = known
		? {...known, entryChanged: known.entryChanged || entry}
		: {existed: change.kind !== 'added', entryChanged: entry, appWrite: isAppWrite(change.path)};
	batch.paths.set(change.path, open);
	// The app's own data files do not make a check's answer about the code stale.
	const stale = !open.appWrite && pending.check !== 'skipped';
	return {
		...pending,
		batch: {...batch, generation: batch.generation + 1, whileDown: batch.whileDown || appDown, counts: batch.counts || !open.appWrite},
		check: stale ? 'unchecked' : pending.check,
	};
};

/** The batch closed: its counted files join what is pending. An early-stopped batch restarts even if nothing is left of it. */
export const closeBatch = (pending: Pending, files: readonly ChangedFile[], firstChangeAt: number): Pending => {
	const appWrites = pending.batch?.paths;
	const counted = files.filter(file => !appWrites?.get(file.path)?.appWrite);
	const stoppedFor = pending.batch?.earlyStop ?? false;
	if (counted.length === 0) return {...pending, batch: undefined, reason: stoppedFor ? combine(pending.reason, 'change') : pending.reason};
	return {
		...pending,
		batch: undefined,
		files: mergeFiles(pending.files, [...counted]),
		firstChangeAt: Math.min(pending.firstChangeAt ?? firstChangeAt, firstChangeAt),
		reason: combine(pending.reason, 'change'),
		check: pending.check === 'skipped' ? 'skipped' : 'unchecked',
	};
};

/** `r`: start again now with whatever is pending, checks skipped. */
export const restartNow = (pending: Pending): Pending => ({...pending, reason: 'manual', check: 'skipped', notBefore: undefined});

/** Releasing a hold is a go-ahead for what piled up, like `r`, but only if something did. */
export const release = (pending: Pending): Pending =>
	pending.files.length > 0 ? {...pending, held: false, reason: combine(pending.reason, 'change'), check: 'skipped'} : {...pending, held: false};

/** The next instance takes what is pending; the hold stays, and so does a batch still open. */
export const takeForStart = (pending: Pending): {taken: Pick<Pending, 'reason' | 'files' | 'firstChangeAt'>; rest: Pending} => ({
	taken: {reason: pending.reason, files: pending.files, firstChangeAt: pending.firstChangeAt},
	rest: {...emptyPending(), held: pending.held, batch: pending.batch},
});

/** Whether the batch-so-far holds a path that counts (asked on every raw event: kept, not searched). */
export const hasCountedOpenPath = (batch: OpenBatch | undefined): boolean => batch?.counts ?? false;

/** The paths the batch-so-far holds that count (not the app's own writes). */
export const countedOpenPaths = (batch: OpenBatch | undefined): string[] =>
	batch ? [...batch.paths].filter(([, open]) => !open.appWrite).map(([file]) => file) : [];
