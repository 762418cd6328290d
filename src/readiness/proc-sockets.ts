// The TCP sockets an app's processes listen on, read from /proc (Linux). A process's descriptors
// name their sockets by inode (/proc/<pid>/fd/<n> -> "socket:[<inode>]"), and the kernel's TCP
// tables (/proc/<pid>/net/tcp and tcp6, for the process's own network namespace) give each inode
// its state and local address. Together they say "pid 812 listens on 0.0.0.0:8000" without asking
// the app anything: devtui's default sign that an app is ready.
//
// Reading a TCP table whole is slow: the kernel walks every bucket of the established-connections
// hash, some 4-5 ms per file on a machine with a few GB of RAM even when it holds three sockets.
// Listening sockets come first in the file, so only those rows are read (the read stops at the
// first row in another state: cheap when any connection exists, a whole walk when none does), a
// family with no socket at all (/proc/net/sockstat{,6}) is not read, and a scanner reads the
// tables again only when the app's sockets or the namespace's counts change.

import {closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync} from 'node:fs';
import {SocketAddress} from 'node:net';
import os from 'node:os';

/** The state column of a socket in LISTEN (include/net/tcp_states.h: TCP_LISTEN = 10). */
export const TCP_LISTEN = '0A';
// Kernels before 4.4 listed a listener's pending connections (SYN_RECV) right below it.
const TCP_SYN_RECV = '03';

export interface TcpSocket {
	inode: number;
	/** Two hex digits, as the kernel prints them ('0A' for LISTEN). */
	state: string;
	/** The local address: "127.0.0.1", "0.0.0.0", "::", "::1". */
	address: string;
	port: number;
	/** For a socket in LISTEN, the connections waiting in its accept queue. */
	rxQueue: number;
}

export interface ListeningSocket {
	/** The app process that holds it. */
	pid: number;
	inode: number;
	address: string;
	port: number;
}

export interface Descriptor {
	fd: number;
	/** What the /proc/<pid>/fd link points at: a path, "socket:[123]", "anon_inode:[eventpoll]", ... */
	target: string;
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

// The kernel prints each 32-bit word of the address with %08X in host byte order, so on a
// little-endian machine every word's bytes come out reversed ("0100007F" is 127.0.0.1).
const wordBytes = (hex: string, littleEndian: boolean): number[] => {
	const bytes = [0, 2, 4, 6].map(at => Number.parseInt(hex.slice(at, at + 2), 16));
	return littleEndian ? bytes.reverse() : bytes;
};

/** A /proc/net/tcp{,6} address column ("0100007F", or 32 hex digits for IPv6) as text. */
export const decodeAddress = (hex: string, littleEndian = LITTLE_ENDIAN): string | undefined => {
	if (!/^(?:[\dA-Fa-f]{8}|[\dA-Fa-f]{32})$/.test(hex)) return undefined;
	const bytes: number[] = [];
	for (let at = 0; at < hex.length; at += 8) bytes.push(...wordBytes(hex.slice(at, at + 8), littleEndian));
	if (bytes.length === 4) return bytes.join('.');
	const groups: string[] = [];
	for (let at = 0; at < 16; at += 2) groups.push(((bytes[at]! << 8) | bytes[at + 1]!).toString(16));
	// SocketAddress writes the address the usual short way ("::1", "::ffff:127.0.0.1").
	return new SocketAddress({address: groups.join(':'), family: 'ipv6'}).address;
};

/** One row of /proc/net/tcp or tcp6; undefined for the header and anything malformed. */
export const parseTcpRow = (line: string): TcpSocket | undefined => {
	// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
	const fields = line.trim().split(/\s+/);
	if (fields.length < 10 || !fields[0]!.endsWith(':')) return undefined;
	const [addressHex = '', portHex = ''] = fields[1]!.split(':');
	const address = decodeAddress(addressHex);
	const port = Number.parseInt(portHex, 16);
	const inode = Number(fields[9]);
	const rxQueue = Number.parseInt(fields[4]!.split(':')[1] ?? '', 16);
	if (address === undefined || !Number.isInteger(port) || !Number.isSafeInteger(inode) || inode <= 0) return undefined;
	return {inode, state: fields[3]!, address, port, rxQueue: Number.isFinite(rxQueue) ? rxQueue : 0};
};

/** The rows of one /proc/net/tcp or tcp6 text, optionally only those in one state. */
export const parseTcpTable = (text: string, onlyState?: string): TcpSocket[] => {
	const sockets: TcpSocket[] = [];
	for (const line of text.split('\n')) {
		const socket = parseTcpRow(line);
		if (socket && (onlyState === undefined || socket.state === onlyState)) sockets.push(socket);
	}
	return sockets;
};

/**
 * The LISTEN rows of one TCP table file, read a little at a time and stopped at the first row in
 * another state: the kernel produces rows only as they are read, so the established hash is never
 * walked past its first entry.
 */
export const readListenRows = (file: string): TcpSocket[] => {
	const fd = openSync(file, 'r');
	const chunk = Buffer.alloc(1024);
	const rows: TcpSocket[] = [];
	let rest = '';
	try {
		for (;;) {
			const count = readSync(fd, chunk, 0, chunk.length, null);
			if (count === 0) return rows;
			const lines = (rest + chunk.toString('latin1', 0, count)).split('\n');
			rest = lines.pop()!;
			for (const line of lines) {
				// The state column decides, before anything else: a TIME_WAIT row (no inode, so no
				// socket to report) still means the listening rows are over.
				const state = line.trim().split(/\s+/, 4)[3];
				if (state === undefined || state === 'st' || state === TCP_SYN_RECV) continue;
				if (state !== TCP_LISTEN) return rows;
				const row = parseTcpRow(line);
				if (row) rows.push(row);
			}
		}
	} finally {
		closeSync(fd);
	}
};

/**
 * From "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1" and "TCP6: inuse 1": how many sockets of each
 * family are hashed (listening or connected: TIME_WAIT is counted apart and ignored), as a
 * signature that changes when a socket starts listening, and whether each family has any at all.
 */
export const parseSockstat = (text: string): {signature: string; tcp: boolean; tcp6: boolean} => {
	const v4 = /^TCP: inuse (\d+)/m.exec(text)?.[1];
	const v6 = /^TCP6: inuse (\d+)/m.exec(text)?.[1];
	return {signature: `${v4 ?? '?'}|${v6 ?? '?'}`, tcp: v4 !== '0', tcp6: v6 !== '0'};
};

const readSockstat = (pid: number | 'self'): ReturnType<typeof parseSockstat> | undefined => {
	let text = '';
	for (const file of ['sockstat', 'sockstat6']) {
		try {
			text += readFileSync(`/proc/${pid}/net/${file}`, 'latin1');
		} catch {
			// sockstat6 is missing when IPv6 is disabled.
		}
	}
	return text ? parseSockstat(text) : undefined;
};

/**
 * The listening TCP sockets of `pid`'s network namespace (both families), or undefined when the
 * tables cannot be read (not Linux, or the process is gone).
 */
export const readListeningTable = (pid: number | 'self' = 'self', stat = readSockstat(pid)): TcpSocket[] | undefined => {
	let rows: TcpSocket[] | undefined;
	for (const [table, used] of [['tcp', stat?.tcp ?? true], ['tcp6', stat?.tcp6 ?? true]] as const) {
		if (!used) {
			rows ??= [];
			continue;
		}
		try {
			rows = [...(rows ?? []), ...readListenRows(`/proc/${pid}/net/${table}`)];
		} catch {
			// tcp6 is missing when IPv6 is disabled; both are missing off Linux or once the process is gone.
		}
	}
	return rows;
};

/** The inode of a "socket:[<inode>]" descriptor link, or undefined for anything else. */
export const socketInode = (target: string): number | undefined => {
	const match = /^socket:\[(\d+)\]$/.exec(target);
	return match ? Number(match[1]) : undefined;
};

/** The open descriptors of a process; undefined when it is gone or not readable. */
export const readDescriptors = (pid: number): Descriptor[] | undefined => {
	let names: string[];
	try {
		names = readdirSync(`/proc/${pid}/fd`);
	} catch {
		return undefined;
	}
	const descriptors: Descriptor[] = [];
	for (const name of names) {
		try {
			descriptors.push({fd: Number(name), target: readlinkSync(`/proc/${pid}/fd/${name}`)});
		} catch {
			// Closed between the listing and the read.
		}
	}
	return descriptors;
};

export interface ListenScanner {
	/**
	 * The TCP sockets in LISTEN that these processes hold, except the excluded inodes. Undefined
	 * when none of them could be read (gone, or no /proc). `counts: false` reads again only for a
	 * new socket of the app or the periodic rescan (for an app that has shown no sign for a while:
	 * other processes' connections then cost nothing).
	 */
	scan(pids: readonly number[], options?: {counts?: boolean}): ListeningSocket[] | undefined;
}

/**
 * A scanner for one app instance. `exclude`: inodes that never count (the sockets devtui itself
 * hands the app with --listen: inheriting one is not listening). It reads the TCP tables at once
 * when the app's set of sockets changed (Node opens, binds and listens in one call, so a new
 * socket is usually already listening), at most every `minGapMs` when only the namespace's count
 * of hashed sockets changed (listen() on a socket the app opened earlier; other processes'
 * connections change it too, hence the limit), and every `rescanMs` whatever happened.
 */
export const createListenScanner = ({
	exclude = new Set(),
	minGapMs = 100,
	rescanMs = 5000,
	now = Date.now,
}: {exclude?: ReadonlySet<number>; minGapMs?: number; rescanMs?: number; now?: () => number} = {}): ListenScanner => {
	let lastInodes: string | undefined;
	let lastSignature: string | undefined;
	let lastReadAt = 0;
	let lastFound: ListeningSocket[] = [];
	return {
		scan(pids, {counts = true} = {}) {
			const owners = new Map<number, number>();
			let readable = false;
			for (const pid of pids) {
				const descriptors = readDescriptors(pid);
				if (!descriptors) continue;
				readable = true;
				for (const {target} of descriptors) {
					const inode = socketInode(target);
					if (inode !== undefined && !exclude.has(inode) && !owners.has(inode)) owners.set(inode, pid);
				}
			}
			if (!readable) return undefined;
			// Most of a boot is spent without a single socket: nothing to read then.
			if (owners.size === 0) return [];
			const first = owners.values().next().value!;
			const stat = readSockstat(first);
			const inodes = [...owners.keys()].sort((a, b) => a - b).join(',');
			const since = now() - lastReadAt;
			const due =
				inodes !== lastInodes || (counts && stat?.signature !== lastSignature && since >= minGapMs) || since >= rescanMs;
			if (!due) return lastFound;
			lastInodes = inodes;
			lastSignature = stat?.signature;
			lastReadAt = now();
			const table = readListeningTable(first, stat) ?? [];
			lastFound = [];
			for (const socket of table) {
				const pid = owners.get(socket.inode);
				if (pid !== undefined) lastFound.push({pid, inode: socket.inode, address: socket.address, port: socket.port});
			}
			return lastFound;
		},
	};
};
