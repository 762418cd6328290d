// How many connections wait in a listening socket's accept queue, read from /proc/net/tcp and
// /proc/net/tcp6: for a socket in LISTEN the kernel reports the queue length as rx_queue. Sockets
// are found by inode, which /proc/self/fd/<n> gives for devtui's own descriptors. Only the LISTEN
// rows are read (src/readiness/proc-sockets.ts): a whole table costs milliseconds.

import {parseTcpTable, readListeningTable, TCP_LISTEN, type TcpSocket} from '../readiness/proc-sockets.js';

const queuesOf = (sockets: readonly TcpSocket[], inodes: ReadonlySet<number>, into: Map<number, number>): Map<number, number> => {
	for (const socket of sockets) {
		if (socket.state === TCP_LISTEN && inodes.has(socket.inode)) into.set(socket.inode, socket.rxQueue);
	}
	return into;
};

/** The accept queue of every LISTEN socket in one /proc/net/tcp text whose inode is wanted. */
export const parseListenQueues = (text: string, inodes: ReadonlySet<number>, into = new Map<number, number>()): Map<number, number> =>
	queuesOf(parseTcpTable(text, TCP_LISTEN), inodes, into);

/** inode -> connections waiting, for those of `inodes` that are listening; undefined without /proc. */
export const readListenQueues = (inodes: readonly number[]): Map<number, number> | undefined => {
	const table = readListeningTable('self');
	return table ? queuesOf(table, new Set(inodes), new Map()) : undefined;
};

/** The total of the queues, or undefined when it cannot be read. */
export const waitingConnections = (inodes: readonly number[]): number | undefined => {
	const queues = readListenQueues(inodes);
	if (!queues) return undefined;
	let total = 0;
	for (const count of queues.values()) total += count;
	return total;
};
