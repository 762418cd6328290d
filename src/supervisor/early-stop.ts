// When the old app may begin stopping while its batch of changes is still being collected, so the
// debounce overlaps the shutdown instead of adding to it. Only when the batch is certain to
// restart, and certain to pass its checks: a broken save must never take a healthy app down.
//
// - Certain to restart: a file that was there before the batch changed or went away. A file the
//   batch created may be a temp file that vanishes again (sed -i's sedXXXXXX, gedit's
//   .goutputstream-XXXXXX, an editor's backup) and leave nothing to restart for.
// - Certain to pass: no check applies to what is pending, or a cheap exact check (the Python
//   compile check) passes on the current content of every file it applies to, each of which the
//   batch only wrote to. A file renamed into place, created or removed in this batch may still be
//   in the middle of its save (vim, JetBrains), so its content does not count until the batch closes.

import type {OpenBatch} from './pending.js';

export interface EarlyStopChecks {
	/** Whether changes to these paths need a check before the restart. */
	applies(paths: readonly string[]): boolean;
	/** The paths among these that the cheap check reads; undefined when no cheap check exists (a --check command). */
	preflightPaths?(paths: readonly string[]): string[] | undefined;
}

export type EarlyStopVerdict =
	| {kind: 'now'}
	/** Not yet: wait for more events, or for the batch to close. */
	| {kind: 'wait'}
	/** Stop now if the cheap check passes on these files as they are. */
	| {kind: 'preflight'; paths: string[]};

export const earlyStopVerdict = ({
	batch,
	pendingPaths,
	checks,
}: {
	batch: OpenBatch;
	/** Files of earlier batches still waiting (a check failed on them): checked again with this one. */
	pendingPaths: readonly string[];
	checks: EarlyStopChecks | undefined;
}): EarlyStopVerdict => {
	// Only the app's own writes so far (a generator of data files): nothing to stop for, and no list
	// to build on each of its events.
	if (!batch.counts) return {kind: 'wait'};
	const counted = [...batch.paths].filter(([, open]) => !open.appWrite);
	if (!counted.some(([, open]) => open.existed)) return {kind: 'wait'};
	const paths = [...pendingPaths, ...counted.map(([file]) => file)];
	if (!checks || !checks.applies(paths)) return {kind: 'now'};
	const preflight = checks.preflightPaths?.(paths);
	if (preflight === undefined) return {kind: 'wait'};
	const unsettled = counted.some(([file, open]) => preflight.includes(file) && (!open.existed || open.entryChanged));
	return unsettled ? {kind: 'wait'} : {kind: 'preflight', paths: preflight};
};
