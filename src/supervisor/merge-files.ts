// Two lists of changed files as one, a file's later entry winning: pending changes joined by newer ones.

import type {ChangedFile} from './events.js';

export const mergeFiles = (a: readonly ChangedFile[], b: readonly ChangedFile[]): ChangedFile[] => {
	const byPath = new Map(a.map(file => [file.path, file]));
	for (const file of b) byPath.set(file.path, file);
	return [...byPath.values()].sort((x, y) => x.path.localeCompare(y.path));
};
