// Which of the app's processes has a file open for writing right now, read from /proc: the one
// piece of evidence that a changed file is the app's own data (a log, a database, a cache) and not
// the developer's edit, since an editor never runs inside the app's process tree. Linux only;
// elsewhere nothing is ever found.

import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {hasProcfs, liveTreeAndGroup, readProcessTable} from './process-table.js';

const O_ACCMODE = 0o3;
const O_RDONLY = 0o0;

// The app and its descendants, through each thread's `children` list: a few small reads instead of
// the whole process table. Kernels without the list fall back to the table.
export const processTree = (root: number): number[] => {
	const found: number[] = [];
	const stack = [root];
	while (stack.length > 0) {
		const pid = stack.pop()!;
		found.push(pid);
		let tasks: string[];
		try {
			tasks = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const task of tasks) {
			let children: string;
			try {
				children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
			} catch {
				return liveTreeAndGroup(readProcessTable(), root, root).map(info => info.pid);
			}
			for (const child of children.split(' ')) if (child.trim() !== '') stack.push(Number(child));
		}
	}
	return found;
};

/** Parses the `flags:` line of /proc/<pid>/fdinfo/<fd> (octal open flags): whether it allows writing. */
export const writableFlags = (fdinfo: string): boolean => {
	const match = /^flags:\s*([0-7]+)/m.exec(fdinfo);
	return match !== null && (Number.parseInt(match[1]!, 8) & O_ACCMODE) !== O_RDONLY;
};

/** Where the app's processes have each file open: path → its descriptors. Read once, asked many times. */
export type OpenFiles = ReadonlyMap<string, ReadonlyArray<{pid: number; fd: string}>>;

const openFiles = (pids: readonly number[]): OpenFiles => {
	const open = new Map<string, Array<{pid: number; fd: string}>>();
	if (!hasProcfs) return open;
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			try {
				const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
				const list = open.get(target);
				if (list) list.push({pid, fd});
				else open.set(target, [{pid, fd}]);
			} catch {
				// The descriptor closed while we looked.
			}
		}
	}
	return open;
};

/** The pid among `open` that has `file` open for writing (its flags read now), if any. */
const writerIn = (open: OpenFiles, file: string): number | undefined => {
	for (const {pid, fd} of open.get(file) ?? []) {
		try {
			if (writableFlags(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))) return pid;
		} catch {
			// Closed since: not open any more.
		}
	}
	return undefined;
};

/**
 * The writer of each of many files in a row: the app's descriptors are read once per `reuseMs` (a generator
 * writing 10,000 files asked /proc ~30 times per file, seconds in all), the flags of a match when
 * asked. A listing a few ms old can only miss a file opened since, never claim a developer's save.
 */
export const createWriterLookup = ({reuseMs = 20, now = Date.now}: {reuseMs?: number; now?: () => number} = {}) => {
	let cached: {root: number; at: number; open: OpenFiles} | undefined;
	return (file: string, root: number): number | undefined => {
		const at = now();
		if (!cached || cached.root !== root || at - cached.at > reuseMs) cached = {root, at, open: openFiles(processTree(root))};
		return writerIn(cached.open, file);
	};
};
