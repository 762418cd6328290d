// Resets the connections on the held sockets while no instance will take them (watch-backlog.ts
// decides when), so that a client fails at once with "connection reset" instead of waiting in the
// backlog until it gives up: curl, fetch and Python's requests have no timeout of their own.
//
// devtui itself never accepts on the sockets: its event loop would then keep polling them and take
// connections away from the next instance (hold-sockets.ts). So a throwaway `node -e` inherits
// them, accepts each connection and resets it (an RST: no protocol is assumed, and nothing reads
// what the client sent), until devtui stops it. Killing it closes only its own copies of the
// descriptors: devtui's keep listening, and the next instance gets them as before. It also exits
// when its stdin, a pipe from devtui, closes, so it never outlives devtui.

import {spawn, type ChildProcess} from 'node:child_process';
import {FIRST_LISTEN_FD} from './hold-sockets.js';

export interface Drainer {
	/** Starts resetting connections, if it is not already. */
	start(): void;
	/** Stops at once; connections that come later wait in the backlog again. */
	stop(): void;
}

const DRAIN_SCRIPT = `
const net = require('node:net');
for (let index = 0; index < Number(process.argv[1]); index++) {
	net.createServer({pauseOnConnect: true}, socket => socket.resetAndDestroy())
		.on('error', () => process.exit(1))
		.listen({fd: ${FIRST_LISTEN_FD} + index});
}
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();`;

export const drainInChild = (fds: readonly number[]): Drainer => {
	let child: ChildProcess | undefined;
	return {
		start() {
			if (child || fds.length === 0) return;
			const env = {...process.env};
			delete env.NODE_OPTIONS;
			const started = spawn(process.execPath, ['-e', DRAIN_SCRIPT, String(fds.length)], {
				stdio: ['pipe', 'ignore', 'ignore', ...fds],
				env,
			});
			started.on('error', () => {});
			started.stdin?.on('error', () => {});
			started.once('exit', () => {
				if (child === started) child = undefined;
			});
			child = started;
		},
		stop() {
			const running = child;
			child = undefined;
			if (!running) return;
			running.stdin?.destroy();
			running.kill('SIGKILL');
		},
	};
};
