// How many connections wait in a listening socket's accept queue, read from /proc/net/tcp and
// /proc/net/tcp6: for a socket in LISTEN the kernel reports the queue length as rx_queue. Sockets
// are found by inode, which /proc/self/fd/<n> gives for devtui's own descriptors.

import {readFileSync} from 'node:fs';

const TCP_LISTEN = '0A';
const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];

/** The accept queue of every LISTEN socket in one /proc/net/tcp text whose inode is wanted. */
export const parseListenQueues = (text: string, inodes: ReadonlySet<number>, into = new Map<number, number>()): Map<number, number> => {
	for (const line of text.split('\n')) {
		const fields = line.trim().split(/\s+/);
		// sl local rem st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...
		if (fields.length < 10 || fields[3] !== TCP_LISTEN) continue;
		const inode = Number(fields[9]);
		if (!inodes.has(inode)) continue;
		const rx = Number.parseInt(fields[4]!.split(':')[1] ?? '', 16);
		if (Number.isFinite(rx)) into.set(inode, rx);
	}
	return into;
};

/** inode -> connections waiting, for those of `inodes` that are listening; undefined without /proc. */
export const readListenQueues = (inodes: readonly number[]): Map<number, number> | undefined => {
	const wanted = new Set(inodes);
	const queues = new Map<number, number>();
	let readAny = false;
	for (const table of TABLES) {
		try {
			parseListenQueues(readFileSync(table, 'utf8'), wanted, queues);
			readAny = true;
		} catch {
			// tcp6 is missing when IPv6 is disabled; both are missing off Linux.
		}
	}
	return readAny ? queues : undefined;
};

/** The total of the queues, or undefined when it cannot be read. */
export const waitingConnections = (inodes: readonly number[]): number | undefined => {
	const queues = readListenQueues(inodes);
	if (!queues) return undefined;
	let total = 0;
	for (const count of queues.values()) total += count;
	return total;
};
