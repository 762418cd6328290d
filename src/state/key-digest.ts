// Per-key fingerprints of a state object, so "which parts of the state changed since the last
// restart" is a comparison of a few short strings: the index keeps the digests, and an old 50 MB
// snapshot never has to be read again to answer it.

import {createHash} from 'node:crypto';

/** Written by every client for devtui's bookkeeping; not part of the app's own state. */
export const BOOKKEEPING_KEYS: ReadonlySet<string> = new Set(['restart_marker', 'timestamp']);

export type KeyDigests = Record<string, string>;

export const appKeys = (state: Record<string, unknown>): string[] => Object.keys(state).filter(key => !BOOKKEEPING_KEYS.has(key));

const sha1 = (data: string | Uint8Array): string => createHash('sha1').update(data).digest('hex');

/**
 * sha1 of the bytes of each app key's value as the app wrote them (ranges from topLevelValues).
 * Cheaper than re-serialising; a client that always writes the same way gives stable digests.
 */
export const digestValueBytes = (bytes: Uint8Array, ranges: ReadonlyMap<string, readonly [number, number]>): KeyDigests =>
	Object.fromEntries(
		[...ranges]
			.filter(([key]) => !BOOKKEEPING_KEYS.has(key))
			.map(([key, [start, end]]) => [key, sha1(bytes.subarray(start, end))]),
	);

/**
 * sha1 of each app key's value re-serialised, so whitespace or indentation changes in the file do
 * not count as changes. Object.fromEntries defines own properties, so a key named `__proto__` is safe.
 */
export const digestKeys = (state: Record<string, unknown>): KeyDigests =>
	Object.fromEntries(appKeys(state).map(key => [key, sha1(JSON.stringify(state[key]) ?? '')]));

/**
 * Keys added, removed or whose value changed, in the new state's key order and then removed keys.
 * With nothing to compare against, every key is new.
 */
export const changedKeys = (previous: KeyDigests | undefined, next: KeyDigests): string[] => {
	const after = new Map(Object.entries(next));
	if (previous === undefined) return [...after.keys()];
	const before = new Map(Object.entries(previous));
	const changed = [...after].filter(([key, digest]) => before.get(key) !== digest).map(([key]) => key);
	const removed = [...before.keys()].filter(key => !after.has(key));
	return [...changed, ...removed];
};
