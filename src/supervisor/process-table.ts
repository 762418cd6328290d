// A snapshot of the system's processes read from /proc. devtui needs it to tell when a process
// group is really gone (a zombie waiting for PID 1 to reap it counts as gone) and to find
// descendants that left the app's group (setsid) so a stop can reach them too.

import {readdirSync, readFileSync} from 'node:fs';

export interface ProcessInfo {
	pid: number;
	ppid: number;
	pgid: number;
	/** One-letter state from /proc/<pid>/stat: R, S, D, Z, T, ... */
	state: string;
	/** Start time in clock ticks since boot: with the pid, it names a process even after pid reuse. */
	startTime: number;
}

export const hasProcfs = (() => {
	try {
		readFileSync('/proc/self/stat');
		return true;
	} catch {
		return false;
	}
})();

// The command name in /proc/<pid>/stat sits in parentheses and may itself contain spaces or
// parentheses, so the fields are read after the LAST closing parenthesis.
export const parseStat = (text: string): ProcessInfo | undefined => {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open < 0 || close < open) return undefined;
	const pid = Number(text.slice(0, open).trim());
	const fields = text.slice(close + 2).split(' ');
	const [state, ppid, pgid, startTime] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[19] ?? 0)];
	if (!state || !Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(pgid)) return undefined;
	return {pid, ppid, pgid, state, startTime};
};

export const readProcess = (pid: number): ProcessInfo | undefined => {
	try {
		return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return undefined;
	}
};

export const readProcessTable = (): ProcessInfo[] => {
	const table: ProcessInfo[] = [];
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return table;
	}
	for (const entry of entries) {
		const first = entry.charCodeAt(0);
		if (first < 48 || first > 57) continue;
		const info = readProcess(Number(entry));
		if (info) table.push(info);
	}
	return table;
};

export const isZombie = (info: ProcessInfo): boolean => info.state === 'Z' || info.state === 'X';

// Every live (non-zombie) process that belongs to the group or descends from root, found in one pass.
export const liveTreeAndGroup = (table: ProcessInfo[], root: number, pgid: number): ProcessInfo[] => {
	const children = new Map<number, ProcessInfo[]>();
	for (const info of table) {
		const list = children.get(info.ppid);
		if (list) list.push(info);
		else children.set(info.ppid, [info]);
	}
	const found = new Map<number, ProcessInfo>();
	const stack = table.filter(info => info.pid === root || info.pgid === pgid);
	while (stack.length > 0) {
		const info = stack.pop()!;
		if (found.has(info.pid)) continue;
		found.set(info.pid, info);
		for (const child of children.get(info.pid) ?? []) stack.push(child);
	}
	return [...found.values()].filter(info => !isZombie(info));
};

/** The pids of an app's live processes: its group (the app leads its own) and its whole tree. */
export const appProcessIds = (root: number): number[] => liveTreeAndGroup(readProcessTable(), root, root).map(info => info.pid);

const hasChildrenFiles = (() => {
	try {
		readFileSync(`/proc/self/task/${process.pid}/children`);
		return true;
	} catch {
		return false;
	}
})();

/**
 * Root and its descendants from /proc/<pid>/task/<tid>/children, without reading every process on
 * the system (a tenth of the cost with a few hundred processes), for code that asks many times a
 * second. It misses group members that left the tree (reparented to init); undefined where the
 * kernel has no children files (CONFIG_PROC_CHILDREN) or root is gone.
 */
export const readProcessTree = (root: number): number[] | undefined => {
	if (!hasChildrenFiles) return undefined;
	const found: number[] = [];
	const stack = [root];
	while (stack.length > 0) {
		const pid = stack.pop()!;
		if (found.includes(pid)) continue;
		let tasks: string[];
		try {
			tasks = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		found.push(pid);
		for (const task of tasks) {
			let children: string;
			try {
				children = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1');
			} catch {
				continue;
			}
			for (const child of children.split(' ')) if (child) stack.push(Number(child));
		}
	}
	return found.length > 0 ? found : undefined;
};

/** An instance's processes as often-asking code wants them: its tree, cheaply, or the full scan where the kernel cannot. */
export const instanceProcessIds = (root: number): number[] => readProcessTree(root) ?? appProcessIds(root);
