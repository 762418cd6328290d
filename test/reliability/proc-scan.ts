// Finds every live process that belongs to a devtui run by scanning /proc, independently of what
// devtui itself knows: each app instance carries DEVTUI_INSTANCE=<devtui pid>-<random> in its
// environment (inherited by every descendant, even one that escaped to a new session), so the
// prefix `<devtui pid>-` finds all instances of one devtui, past and present.

import {readdirSync, readFileSync, readlinkSync} from 'node:fs';

export interface MarkedProcess {
	pid: number;
	ppid: number;
	pgid: number;
	/** The full DEVTUI_INSTANCE value. */
	marker: string;
	command: string;
}

interface Stat {
	pid: number;
	ppid: number;
	pgid: number;
	state: string;
}

const readStat = (pid: number): Stat | undefined => {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return {pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2])};
	} catch {
		return undefined;
	}
};

const isLive = (stat: Stat | undefined): stat is Stat => stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';

const allPids = (): number[] => readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number);

const commandOf = (pid: number): string => {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
	} catch {
		return '?';
	}
};

const markerOf = (pid: number): string | undefined => {
	try {
		const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
		const match = /(?:^|\0)DEVTUI_INSTANCE=([^\0]*)/.exec(environ);
		return match?.[1];
	} catch {
		return undefined;
	}
};

/** Live (non-zombie) processes whose DEVTUI_INSTANCE starts with `<devtuiPid>-`: everything that devtui run started. */
export const processesOfDevtui = (devtuiPid: number): MarkedProcess[] => {
	const prefix = `${devtuiPid}-`;
	const found: MarkedProcess[] = [];
	for (const pid of allPids()) {
		if (pid === process.pid) continue;
		const marker = markerOf(pid);
		if (marker === undefined || !marker.startsWith(prefix) || isParked(pid)) continue;
		const stat = readStat(pid);
		if (isLive(stat)) found.push({pid, ppid: stat.ppid, pgid: stat.pgid, marker, command: commandOf(pid)});
	}
	return found;
};

/**
 * A --warm interpreter waiting for "go": started with DEVTUI_WARM_FD, and still holding that pipe
 * (an instance that got go has closed it). It carries the next instance's marker, but it is not an
 * instance: it has run nothing of the app.
 */
export const isParked = (pid: number): boolean => {
	try {
		const fd = /(?:^|\0)DEVTUI_WARM_FD=(\d+)/.exec(readFileSync(`/proc/${pid}/environ`, 'latin1'))?.[1];
		return fd !== undefined && readdirSync(`/proc/${pid}/fd`).includes(fd);
	} catch {
		return false;
	}
};

/** The DEVTUI_INSTANCE of a live process, or undefined. */
export const instanceMarkerOf = (pid: number): string | undefined => markerOf(pid);

/** Live descendants of `root` (children, grandchildren...), found through the parent links of the current table. */
export const descendantsOf = (root: number): number[] => {
	const children = new Map<number, number[]>();
	for (const pid of allPids()) {
		const stat = readStat(pid);
		if (!isLive(stat)) continue;
		children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
	}
	const found: number[] = [];
	const stack = [...(children.get(root) ?? [])];
	while (stack.length > 0) {
		const pid = stack.pop()!;
		found.push(pid);
		stack.push(...(children.get(pid) ?? []));
	}
	return found;
};

/** Live members of a process group. */
export const groupMembers = (pgid: number): number[] => allPids().filter(pid => {
	const stat = readStat(pid);
	return isLive(stat) && stat.pgid === pgid;
});

export const describeProcesses = (list: readonly MarkedProcess[]): string =>
	list.map(info => `pid ${info.pid} (ppid ${info.ppid}, pgid ${info.pgid}, ${info.marker}): ${info.command}`).join('\n');

/** Resident set size of a process in kB (VmRSS). */
export const rssKb = (pid: number): number => {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) : Number.NaN;
};

/** Open file descriptors of a process, and what they point to (for the report when they grow). */
export const openFds = (pid: number): string[] => {
	const fds: string[] = [];
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		try {
			fds.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
		} catch {
			// Closed between the listing and the read.
		}
	}
	return fds;
};
