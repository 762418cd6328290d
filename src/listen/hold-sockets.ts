// Binds the --listen sockets once, for the whole session, and puts them in LISTEN without devtui
// ever accepting on them: every instance of the app inherits them (fd 3, 4, ...) and accepts, and
// between instances the kernel queues new connections in the backlog instead of refusing them.
//
// Why not net.Server.listen(): libuv would poll the socket and accept connections in devtui, taking
// them away from the app. So devtui only binds (net._createServerHandle, the internal call Node's
// cluster uses for the same purpose), and a throwaway `node -e` that inherits the descriptors calls
// listen(2) on them and exits before its event loop ever polls. The socket stays in LISTEN as long
// as devtui holds its descriptor, and nothing in devtui reads from it.

import {spawn} from 'node:child_process';
import {lookup} from 'node:dns/promises';
import net from 'node:net';
import {readlinkSync} from 'node:fs';
import {getSystemErrorName} from 'node:util';
import {UsageError} from '../usage-error.js';
import type {ListenAddress} from '../options.js';
import type {HeldSocket} from '../supervisor/events.js';
import {readListenQueues} from './accept-queue.js';

/** The first descriptor the app finds a held socket at (systemd's SD_LISTEN_FDS_START). */
export const FIRST_LISTEN_FD = 3;
const BACKLOG = 511;

/** A --listen socket that cannot be bound: a one-line message, exit code 2 like every usage error. */
export class ListenError extends UsageError {
	constructor(message: string) {
		super(message);
		this.name = 'ListenError';
	}
}

export interface HeldSockets {
	sockets: HeldSocket[];
	/** devtui's own descriptors, in order: the app gets them as 3, 4, ... */
	fds: number[];
	/** Each socket's inode, to find it in /proc/net/tcp (undefined without /proc). */
	inodes: Array<number | undefined>;
	close(): void;
}

interface RawHandle {
	fd: number;
	getsockname(out: {address?: string; port?: number}): number;
	close(): void;
}

type CreateServerHandle = (address: string, port: number, addressType: 4 | 6) => RawHandle | number;

const createServerHandle = (net as unknown as {_createServerHandle?: CreateServerHandle})._createServerHandle;

export const formatAddress = (host: string, port: number): string => (net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

const describeBindError = (address: ListenAddress, shown: string, code: string): string => {
	const subject = `--listen ${address.name}`;
	switch (code) {
		case 'EADDRINUSE':
			return `${subject}: ${shown} is already in use (stop what listens there, or pick another port)`;
		case 'EACCES':
			return `${subject}: permission denied binding ${shown} (ports below 1024 need root or CAP_NET_BIND_SERVICE; pick a port above 1023)`;
		case 'EADDRNOTAVAIL':
			return `${subject}: ${address.host} is not an address of this machine (use 127.0.0.1, 0.0.0.0 or one of its own addresses)`;
		default:
			return `${subject}: cannot bind ${shown} (${code})`;
	}
};

const resolveHost = async (address: ListenAddress): Promise<{ip: string; family: 4 | 6}> => {
	const family = net.isIP(address.host);
	if (family === 4 || family === 6) return {ip: address.host, family};
	try {
		const found = await lookup(address.host);
		return {ip: found.address, family: found.family === 6 ? 6 : 4};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
		throw new ListenError(`--listen ${address.name}: cannot resolve host "${address.host}" (${code})`);
	}
};

const socketInode = (fd: number): number | undefined => {
	try {
		const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
};

// Runs listen(2) on every descriptor in a child that exits from a nextTick, before its event loop
// could accept anything. 'listening' and 'error' are both emitted on nextTick after the syscall.
const LISTEN_SCRIPT = `
const net = require('node:net');
let left = Number(process.argv[1]);
for (let index = 0; index < Number(process.argv[1]); index++) {
	const server = net.createServer();
	server.on('error', error => { process.stderr.write(index + ' ' + (error.code || error.message)); process.exit(1); });
	server.on('listening', () => { if (--left === 0) process.exit(0); });
	server.listen({fd: ${FIRST_LISTEN_FD} + index, backlog: ${BACKLOG}});
}`;

const listenInChild = async (fds: number[]): Promise<{ok: true} | {ok: false; index: number; code: string}> => {
	const env = {...process.env};
	delete env.NODE_OPTIONS;
	const child = spawn(process.execPath, ['-e', LISTEN_SCRIPT, String(fds.length)], {
		stdio: ['ignore', 'ignore', 'pipe', ...fds],
		env,
	});
	let stderr = '';
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const code = await new Promise<number | null>(resolve => {
		child.once('error', () => resolve(null));
		child.once('close', resolve);
	});
	if (code === 0) return {ok: true};
	const match = /^(\d+) (\S+)/.exec(stderr);
	return {ok: false, index: match ? Number(match[1]) : 0, code: match?.[2] ?? (stderr.trim() || `exit code ${code}`)};
};

/** Binds and listens on every address, or throws a ListenError having released what it took. */
export const holdSockets = async (addresses: readonly ListenAddress[]): Promise<HeldSockets> => {
	if (!createServerHandle) throw new ListenError(`--listen needs net._createServerHandle, which Node ${process.version} lacks`);
	const handles: RawHandle[] = [];
	const sockets: HeldSocket[] = [];
	const release = () => {
		for (const handle of handles.splice(0)) handle.close();
	};
	try {
		for (const [index, address] of addresses.entries()) {
			const {ip, family} = await resolveHost(address);
			const shown = formatAddress(ip, address.port);
			const handle = createServerHandle(ip, address.port, family);
			if (typeof handle === 'number') throw new ListenError(describeBindError(address, shown, getSystemErrorName(handle)));
			handles.push(handle);
			// libuv defers EADDRINUSE from bind(2) to listen time and leaves the socket unbound, where
			// listen(2) would quietly pick an ephemeral port: the bound address is the real answer.
			const bound: {port?: number} = {};
			if (handle.getsockname(bound) !== 0 || bound.port !== address.port) throw new ListenError(describeBindError(address, shown, 'EADDRINUSE'));
			sockets.push({name: address.name, address: shown, fd: FIRST_LISTEN_FD + index});
		}
		const fds = handles.map(handle => handle.fd);
		const listened = await listenInChild(fds);
		if (!listened.ok) {
			const address = addresses[listened.index] ?? addresses[0]!;
			throw new ListenError(describeBindError(address, sockets[listened.index]?.address ?? address.name, listened.code));
		}
		const inodes = fds.map(socketInode);
		// Belt and braces: the kernel must now list every socket as listening.
		const queues = readListenQueues(inodes.filter((inode): inode is number => inode !== undefined));
		const missing = inodes.findIndex(inode => inode !== undefined && queues?.get(inode) === undefined);
		if (queues && missing >= 0) throw new ListenError(`--listen ${addresses[missing]!.name}: the socket did not enter LISTEN`);
		return {
			sockets,
			fds,
			inodes,
			close: release,
		};
	} catch (error) {
		release();
		throw error;
	}
};
