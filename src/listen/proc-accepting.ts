// Whether an app process accepts connections on a socket devtui holds for it (--listen), read from
// /proc (Linux). Holding the descriptor proves nothing: every instance inherits fd 3, even one that
// never looks at it. Accepting shows in one of two ways:
// - the socket is in one of the process's epoll sets, waiting for input (Node/libuv, asyncio and
//   uvicorn, uvloop, gunicorn's threaded workers): /proc/<pid>/fdinfo/<epoll fd> lists each target
//   as `tfd: <fd> events: <mask> ... ino:<inode in hex>`;
// - a thread is blocked in accept/accept4 on it, or in poll/ppoll/select/pselect6 waiting for input
//   on it (Python's socketserver and http.server, gunicorn's sync workers): /proc/<pid>/task/<tid>/
//   syscall gives the call and its arguments, and the descriptor list poll and select wait on is
//   read from /proc/<pid>/mem (the kernel allows it for devtui's own descendants).

import {closeSync, openSync, readdirSync, readFileSync, readSync} from 'node:fs';
import {readDescriptors, socketInode} from '../readiness/proc-sockets.js';

const EPOLLIN = 0x1;
const POLLIN = 0x1;
const POLLFD_BYTES = 8;
/** More descriptors than any poll or select devtui would bother reading. */
const MAX_WAIT_FDS = 4096;

export interface EpollTarget {
	fd: number;
	/** The target file's inode (kernels since 3.8 print it); undefined before. */
	inode: number | undefined;
	events: number;
}

/** The `tfd:` lines of an epoll descriptor's fdinfo. */
export const parseEpollTargets = (fdinfo: string): EpollTarget[] => {
	const targets: EpollTarget[] = [];
	for (const match of fdinfo.matchAll(/^tfd:\s*(\d+)\s+events:\s*([\da-f]+)(?:.*?\bino:([\da-f]+))?/gm)) {
		targets.push({fd: Number(match[1]), events: Number.parseInt(match[2]!, 16), inode: match[3] === undefined ? undefined : Number.parseInt(match[3], 16)});
	}
	return targets;
};

export interface Syscall {
	nr: number;
	args: bigint[];
}

/** /proc/<pid>/task/<tid>/syscall of a task blocked in a system call; undefined while it runs or between calls. */
export const parseSyscall = (text: string): Syscall | undefined => {
	const fields = text.trim().split(' ');
	const nr = Number(fields[0]);
	// "running", or "-1 <sp> <pc>" for a task blocked outside a system call.
	if (!Number.isInteger(nr) || nr < 0 || fields.length < 7) return undefined;
	try {
		return {nr, args: fields.slice(1, 7).map(field => BigInt(field))};
	} catch {
		return undefined;
	}
};

interface SyscallNumbers {
	accept: number[];
	poll: number[];
	ppoll: number[];
	select: number[];
}

// The calls an accepting thread can block in, per architecture (asm/unistd_64.h, asm-generic/unistd.h).
const SYSCALLS: Partial<Record<NodeJS.Architecture, SyscallNumbers>> = {
	x64: {accept: [43, 288], poll: [7], ppoll: [271], select: [23, 270]},
	arm64: {accept: [202, 242], poll: [], ppoll: [73], select: [72]},
};

/** Whether this machine's blocked calls can be read (else only epoll sets show accepting). */
export const seesBlockedCalls = (arch: NodeJS.Architecture = process.arch): boolean => SYSCALLS[arch] !== undefined;

export type Wait =
	| {kind: 'accept'; fd: number}
	| {kind: 'poll'; address: bigint; count: number}
	| {kind: 'select'; count: number; readSet: bigint};

/** What a blocked call waits on, when it is one an accepting thread uses. */
export const describeWait = (call: Syscall, arch: NodeJS.Architecture = process.arch): Wait | undefined => {
	const numbers = SYSCALLS[arch];
	if (!numbers) return undefined;
	const [first = 0n, second = 0n] = call.args;
	if (numbers.accept.includes(call.nr)) return {kind: 'accept', fd: Number(first)};
	if (numbers.poll.includes(call.nr) || numbers.ppoll.includes(call.nr)) return {kind: 'poll', address: first, count: Number(second)};
	if (numbers.select.includes(call.nr)) return {kind: 'select', count: Number(first), readSet: second};
	return undefined;
};

/** The descriptors a `struct pollfd` array waits on for input. */
export const parsePollFds = (buffer: Buffer): number[] => {
	const fds: number[] = [];
	for (let at = 0; at + POLLFD_BYTES <= buffer.length; at += POLLFD_BYTES) {
		if (buffer.readInt16LE(at + 4) & POLLIN) fds.push(buffer.readInt32LE(at));
	}
	return fds;
};

/** The descriptors set in a select() read set (an array of little-endian longs: bit n is fd n). */
export const parseFdSet = (buffer: Buffer, count: number): number[] => {
	const fds: number[] = [];
	for (let fd = 0; fd < count && fd >> 3 < buffer.length; fd++) {
		if (buffer[fd >> 3]! & (1 << (fd & 7))) fds.push(fd);
	}
	return fds;
};

const readMemory = (pid: number, address: bigint, length: number): Buffer | undefined => {
	if (address <= 0n || address > BigInt(Number.MAX_SAFE_INTEGER) || length <= 0) return undefined;
	let fd: number | undefined;
	try {
		fd = openSync(`/proc/${pid}/mem`, 'r');
		const buffer = Buffer.alloc(length);
		const read = readSync(fd, buffer, 0, length, Number(address));
		return buffer.subarray(0, read);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
};

// The descriptors one blocked thread waits on for a connection (or for input, which for a
// listening socket is a connection).
const waitedFds = (pid: number, wait: Wait): number[] => {
	switch (wait.kind) {
		case 'accept':
			return [wait.fd];
		case 'poll': {
			if (wait.count <= 0 || wait.count > MAX_WAIT_FDS) return [];
			const buffer = readMemory(pid, wait.address, wait.count * POLLFD_BYTES);
			return buffer ? parsePollFds(buffer) : [];
		}
		case 'select': {
			if (wait.count <= 0 || wait.count > MAX_WAIT_FDS) return [];
			const buffer = readMemory(pid, wait.readSet, Math.ceil(wait.count / 64) * 8);
			return buffer ? parseFdSet(buffer, wait.count) : [];
		}
	}
};

const readText = (file: string): string | undefined => {
	try {
		return readFileSync(file, 'latin1');
	} catch {
		return undefined;
	}
};

const acceptingIn = (pid: number, wanted: ReadonlySet<number>, into: Set<number>): boolean => {
	const descriptors = readDescriptors(pid);
	if (!descriptors) return false;
	const held = new Map<number, number>();
	for (const {fd, target} of descriptors) {
		const inode = socketInode(target);
		if (inode !== undefined && wanted.has(inode)) held.set(fd, inode);
	}
	// A process that does not even have the socket open cannot accept on it.
	if (held.size === 0) return true;
	for (const {fd, target} of descriptors) {
		if (target !== 'anon_inode:[eventpoll]') continue;
		for (const epoll of parseEpollTargets(readText(`/proc/${pid}/fdinfo/${fd}`) ?? '')) {
			if (!(epoll.events & EPOLLIN)) continue;
			// The inode names the socket whatever descriptor number it had when it was added.
			const inode = epoll.inode ?? held.get(epoll.fd);
			if (inode !== undefined && wanted.has(inode) && [...held.values()].includes(inode)) into.add(inode);
		}
	}
	if ([...held.values()].every(inode => into.has(inode))) return true;
	let tasks: string[];
	try {
		tasks = readdirSync(`/proc/${pid}/task`);
	} catch {
		return true;
	}
	for (const task of tasks) {
		const call = parseSyscall(readText(`/proc/${pid}/task/${task}/syscall`) ?? '');
		const wait = call && describeWait(call);
		if (!wait) continue;
		for (const fd of waitedFds(pid, wait)) {
			const inode = held.get(fd);
			if (inode !== undefined) into.add(inode);
		}
	}
	return true;
};

/**
 * The inodes among `inodes` that one of these processes accepts on; undefined when none of the
 * processes could be read (gone, or no /proc).
 */
export const findAccepting = ({pids, inodes}: {pids: readonly number[]; inodes: ReadonlySet<number>}): Set<number> | undefined => {
	const accepting = new Set<number>();
	let readable = false;
	for (const pid of pids) {
		if (acceptingIn(pid, inodes, accepting)) readable = true;
		if (accepting.size === inodes.size) break;
	}
	return readable ? accepting : undefined;
};
