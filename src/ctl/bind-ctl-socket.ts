// Binds the control socket for a devtui running in `cwd`, without ever taking it from a live
// devtui: a socket left behind by a devtui that was killed (connecting to it is refused) is
// removed and bound again; a socket another devtui still answers on is left alone, and this devtui
// runs without ctl (the caller says so once).

import {lstatSync, mkdirSync, unlinkSync, chmodSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {ctlSocketCandidates} from './ctl-socket-path.js';

export interface BoundCtlSocket {
	kind: 'listening';
	server: net.Server;
	path: string;
	/** Stops listening and removes the socket file, if it is still the one this devtui bound. */
	close(): Promise<void>;
}

export type BindResult =
	| BoundCtlSocket
	/** Another devtui answers on this socket. */
	| {kind: 'taken'; path: string}
	| {kind: 'failed'; message: string};

type Probe = 'live' | 'refused' | 'absent';

const probe = (file: string): Promise<Probe> =>
	new Promise(resolve => {
		const socket = net.connect(file);
		socket.once('connect', () => {
			socket.destroy();
			resolve('live');
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			socket.destroy();
			resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'absent');
		});
	});

const listen = (server: net.Server, file: string): Promise<NodeJS.ErrnoException | undefined> =>
	new Promise(resolve => {
		const onError = (error: NodeJS.ErrnoException) => resolve(error);
		server.once('error', onError);
		server.listen(file, () => {
			server.off('error', onError);
			resolve(undefined);
		});
	});

const isSocket = (file: string): boolean => {
	try {
		return lstatSync(file).isSocket();
	} catch {
		return false;
	}
};

const inodeOf = (file: string): number | undefined => {
	try {
		return lstatSync(file).ino;
	} catch {
		return undefined;
	}
};

const prepareDirectory = (file: string): boolean => {
	try {
		mkdirSync(path.dirname(file), {recursive: true});
		return true;
	} catch {
		return false;
	}
};

const bound = (server: net.Server, file: string): BoundCtlSocket => {
	// Only this user may drive the app (the .devtui directory may be readable by others, and /tmp is).
	try {
		chmodSync(file, 0o600);
	} catch {
		// The socket works without it; the directory's own mode still applies.
	}
	const inode = inodeOf(file);
	let closing: Promise<void> | undefined;
	return {
		kind: 'listening',
		server,
		path: file,
		close: () =>
			(closing ??= new Promise(resolve => {
				// A devtui started after this one was thought dead may have bound the path again: leave its socket.
				if (inode !== undefined && inodeOf(file) === inode) {
					try {
						unlinkSync(file);
					} catch {
						// Already gone.
					}
				}
				server.close(() => resolve());
			})),
	};
};

export const bindCtlSocket = async (cwd: string, options: {tmpdir?: string} = {}): Promise<BindResult> => {
	const candidates = ctlSocketCandidates(cwd, options);
	// A devtui of this directory may answer on any of them (the first may not have been writable for it).
	for (const file of candidates) {
		if ((await probe(file)) === 'live') return {kind: 'taken', path: file};
	}
	let lastError: NodeJS.ErrnoException | undefined;
	for (const file of candidates) {
		if (!prepareDirectory(file)) continue;
		for (let attempt = 0; attempt < 3; attempt++) {
			const server = net.createServer();
			const error = await listen(server, file);
			if (!error) return bound(server, file);
			server.close();
			lastError = error;
			if (error.code !== 'EADDRINUSE') break;
			const state = await probe(file);
			if (state === 'live') return {kind: 'taken', path: file};
			// Left by a devtui that is gone: nobody accepts on it any more. Anything but a socket is not ours to remove.
			if (state === 'refused' && isSocket(file)) {
				try {
					unlinkSync(file);
				} catch {
					// Removed meanwhile: bind again.
				}
				continue;
			}
			if (state === 'absent') continue;
			break;
		}
	}
	return {kind: 'failed', message: `cannot open the control socket for devtui ctl (${candidates.join(' or ')}): ${lastError?.message ?? 'no writable place'}`};
};
