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

/** The pid of a process among `pids` that has `file` (an absolute path) open for writing, if any. */
export const writerOf = (file: string, pids: readonly number[]): number | undefined => {
	if (!hasProcfs) return undefined;
	for (const pid of pids) {
		let fds: string[];
		try {
			fds = readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			try {
				if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== file) continue;
				if (writableFlags(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))) return pid;
			} catch {
				// The descriptor closed while we looked: not open any more.
			}
		}
	}
	return undefined;
};
