// Finds the devtui that `devtui ctl` talks to: the one running in the working directory, or else in
// the nearest parent directory that has one (as git finds its repository), at the places
// src/ctl/ctl-socket-path.ts names. A socket nobody answers on (a devtui killed with SIGKILL) is
// passed over, and so is one another user owns.

import {statSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {ctlSocketCandidates} from '../ctl/ctl-socket-path.js';

const connect = (file: string): Promise<net.Socket | undefined> =>
	new Promise(resolve => {
		const socket = net.connect(file);
		socket.once('connect', () => {
			socket.removeAllListeners('error');
			resolve(socket);
		});
		socket.once('error', () => {
			socket.destroy();
			resolve(undefined);
		});
	});

// Only a socket of this user's: a parent directory (or /tmp, for the hashed name) may hold one
// that someone else put there.
const ours = (file: string): boolean => {
	try {
		const info = statSync(file);
		return info.isSocket() && (process.getuid === undefined || info.uid === process.getuid());
	} catch {
		return false;
	}
};

export const connectToDevtui = async (cwd: string, options: {tmpdir?: string} = {}): Promise<{socket: net.Socket; dir: string} | undefined> => {
	for (let dir = cwd; ; dir = path.dirname(dir)) {
		for (const file of ctlSocketCandidates(dir, options)) {
			if (!ours(file)) continue;
			const socket = await connect(file);
			if (socket) return {socket, dir};
		}
		if (path.dirname(dir) === dir) return undefined;
	}
};
