// The snapshot history: copies of every valid state file, newest last, plus a small index
// (index.json) holding each one's size, keys and per-key digests. The index is what makes "which
// keys changed" cheap across devtui restarts; if it is lost, the snapshot files are re-read once
// (in the worker) and indexed again, so a history is never orphaned.

import {readdir, readFile, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {copyFileAtomic, writeFileAtomic} from './atomic-write.js';
import {changedKeys, type KeyDigests} from './key-digest.js';
import {parseSnapshotName, planPrune, snapshotName} from './snapshot-names.js';
import type {StateValidator} from './state-validator.js';
import type {StateVerdict} from './validate-state-file.js';

export const DEFAULT_KEEP_SNAPSHOTS = 20;
export const INDEX_FILE = 'index.json';

export interface SnapshotEntry {
	/** File name inside the snapshots directory. */
	file: string;
	restart: number;
	bytes: number;
	/** When the app wrote the state (the state file's mtime), epoch ms. */
	savedAt: number;
	sha1: string;
	/** The app's top-level keys (without restart_marker and timestamp). */
	keys: string[];
	digests: KeyDigests;
	/** Keys added, removed or changed since the previous snapshot. */
	changedKeys: string[];
}

/** An entry with whether its file is still intact (present, with the size it was written with). */
export type SnapshotRecord = SnapshotEntry & {valid: boolean};

export type ValidVerdict = Extract<StateVerdict, {ok: true}>;

export interface SnapshotStore {
	readonly dir: string;
	/** Copies the validated state file into the history, prunes it, and returns the new entry. */
	add(source: string, restart: number, verdict: ValidVerdict): Promise<SnapshotEntry>;
	/** Every snapshot whose file still exists, oldest first. */
	history(): Promise<SnapshotRecord[]>;
	pathOf(file: string): string;
}

const isEntry = (value: unknown): value is SnapshotEntry => {
	const entry = value as Partial<SnapshotEntry> | null;
	return (
		typeof entry === 'object' &&
		entry !== null &&
		typeof entry.file === 'string' &&
		parseSnapshotName(entry.file) !== undefined &&
		typeof entry.bytes === 'number' &&
		typeof entry.sha1 === 'string' &&
		Array.isArray(entry.keys) &&
		typeof entry.digests === 'object' &&
		Array.isArray(entry.changedKeys)
	);
};

const readIndex = async (file: string): Promise<SnapshotEntry[]> => {
	try {
		const parsed = JSON.parse(await readFile(file, 'utf8')) as {snapshots?: unknown};
		return Array.isArray(parsed.snapshots) ? parsed.snapshots.filter(isEntry) : [];
	} catch {
		// No index yet, or an unreadable one: rebuilt from the snapshot files themselves.
		return [];
	}
};

const byName = (a: {file: string}, b: {file: string}) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

const isAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

export const createSnapshotStore = ({
	dir,
	keep = DEFAULT_KEEP_SNAPSHOTS,
	validator,
	maxBytes,
	now = Date.now,
}: {
	dir: string;
	keep?: number;
	validator: StateValidator;
	maxBytes: number;
	now?: () => number;
}): SnapshotStore => {
	let loaded: Promise<SnapshotEntry[]> | undefined;
	const pathOf = (file: string) => path.join(dir, path.basename(file));
	const save = (index: SnapshotEntry[]) => writeFileAtomic(pathOf(INDEX_FILE), `${JSON.stringify({version: 1, snapshots: index})}\n`);

	const adopt = async (file: string): Promise<SnapshotEntry | undefined> => {
		const verdict = await validator.validate({file: pathOf(file), displayPath: file, maxBytes});
		const meta = parseSnapshotName(file);
		if (!verdict.ok || meta === undefined) return undefined;
		const {bytes, sha1, keys, digests, mtimeMs} = verdict;
		return {file, restart: meta.restart, bytes, savedAt: mtimeMs, sha1, keys, digests, changedKeys: []};
	};

	const load = async (): Promise<SnapshotEntry[]> => {
		const index = await readIndex(pathOf(INDEX_FILE));
		let names: string[];
		try {
			names = await readdir(dir);
		} catch {
			return [];
		}
		const known = new Set(index.map(entry => entry.file));
		let changed = false;
		for (const name of names) {
			const temp = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
			// A copy cut short by a crash of an earlier devtui.
			if (temp && name.startsWith('.') && !isAlive(Number(temp[1]))) await rm(pathOf(name), {force: true});
			if (known.has(name) || parseSnapshotName(name) === undefined) continue;
			const entry = await adopt(name).catch(() => undefined);
			if (entry !== undefined) {
				index.push(entry);
				changed = true;
			}
		}
		index.sort(byName);
		if (changed) await save(index).catch(() => undefined);
		return index;
	};

	const indexNow = () => (loaded ??= load());

	const history = async (): Promise<SnapshotRecord[]> => {
		const index = await indexNow();
		const records: SnapshotRecord[] = [];
		for (const entry of [...index]) {
			const size = await stat(pathOf(entry.file)).then(
				info => (info.isFile() ? info.size : -1),
				() => undefined,
			);
			// Deleted by hand: forget it. Damaged (another size): keep it listed, but never restore it.
			if (size === undefined) index.splice(index.indexOf(entry), 1);
			else records.push({...entry, valid: size === entry.bytes});
		}
		return records;
	};

	const uniqueName = (index: SnapshotEntry[], restart: number, at: number): string => {
		const taken = new Set(index.map(entry => entry.file));
		let attempt = 0;
		while (taken.has(snapshotName(restart, at, attempt))) attempt++;
		return snapshotName(restart, at, attempt);
	};

	return {
		dir,
		pathOf,
		history,
		async add(source, restart, verdict) {
			const index = await indexNow();
			const file = uniqueName(index, restart, now());
			await copyFileAtomic(source, pathOf(file));
			const copied = (await stat(pathOf(file))).size;
			if (copied !== verdict.bytes) {
				await rm(pathOf(file), {force: true});
				throw new Error('the state file changed while devtui was reading it');
			}
			const previous = index.at(-1);
			const {bytes, mtimeMs, sha1, keys, digests} = verdict;
			const entry: SnapshotEntry = {file, restart, bytes, savedAt: mtimeMs, sha1, keys, digests, changedKeys: changedKeys(previous?.digests, digests)};
			index.push(entry);
			for (const doomed of planPrune(await history(), keep)) {
				await rm(pathOf(doomed.file), {force: true});
				index.splice(
					index.findIndex(item => item.file === doomed.file),
					1,
				);
			}
			await save(index);
			return entry;
		},
	};
};
