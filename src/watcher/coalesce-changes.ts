// Folds the raw events of one batch into one net change per path. Editors save through temp files
// and renames, so the raw sequence for a single save can be "removed, added" or "added, removed";
// what the app cares about is how each path differs from before the batch.

import type {ChangeKind} from '../supervisor/events.js';
import type {ChangedFile} from '../supervisor/events.js';

// The net effect of a path's earlier events followed by `next`; undefined means "no net change"
// (the path did not exist before the batch and does not exist now: a temp file).
const fold = (previous: ChangeKind | undefined, next: ChangeKind): ChangeKind | undefined => {
	if (previous === undefined) return next;
	if (previous === 'added') return next === 'removed' ? undefined : 'added';
	if (next === 'removed') return 'removed';
	// Existed before the batch and exists again now: whatever happened in between, it changed.
	return 'changed';
};

// Code-point order, not locale order: the same batch must always print the same way.
const byPath = (a: ChangedFile, b: ChangedFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export const coalesceChanges = (events: readonly ChangedFile[]): ChangedFile[] => {
	const net = new Map<string, ChangeKind | undefined>();
	for (const {path, kind} of events) net.set(path, fold(net.get(path), kind));
	const files: ChangedFile[] = [];
	for (const [path, kind] of net) if (kind !== undefined) files.push({path, kind});
	return files.sort(byPath);
};
