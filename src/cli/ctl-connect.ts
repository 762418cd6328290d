// Finds the devtui that `devtui ctl` talks to: the one running in the working directory, or else in
// the nearest parent directory that has one (as git finds its repository), at the places
// src/ctl/ctl-socket-path.ts names. A socket nobody answers on (a devtui killed with SIGKILL) is
// passed over.

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

const exists = (file: string): boolean => {
	try {
		return statSync(file).isSocket();
	} catch {
		return false;
	}
};

export const connectToDevtui = async (cwd: string, options: {tmpdir?: string} = {}): Promise<{socket: net.Socket; dir: string} | undefined> => {
	for (let dir = cwd; ; dir = path.dirname(dir)) {
		for (const file of ctlSocketCandidates(dir, options)) {
			if (!exists(file)) continue;
			const socket = await connect(file);
			if (socket) return {socket, dir};
		}
		if (path.dirname(dir) === dir) return undefined;
	}
};
