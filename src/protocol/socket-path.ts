// A private place for the control socket. The directory is created 0700 so no other user can
// connect, and the path is kept short because a Unix socket address holds only 104 bytes on macOS
// and 108 on Linux (a long TMPDIR, as on macOS, can push a path past that).

import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SocketPath {
	/** Absolute path for the socket; nothing exists there yet. */
	path: string;
	/** The private directory that holds it. */
	dir: string;
	/** Removes the directory and the socket. Idempotent, never throws. */
	cleanup(): void;
}

const SOCKET_NAME = 'control.sock';

/** The longest path that fits sun_path with its terminating NUL. */
export const maxSocketPathBytes = (platform: NodeJS.Platform = process.platform): number =>
	platform === 'linux' ? 107 : 103;

const fits = (dir: string, platform: NodeJS.Platform): boolean =>
	// mkdtemp appends six characters to the prefix.
	Buffer.byteLength(path.join(dir, 'devtui-XXXXXX', SOCKET_NAME)) <= maxSocketPathBytes(platform);

/** Picks the temp root: the system's, or /tmp when the system's is too long for a socket path. */
export const socketRoot = (tmpdir: string, platform: NodeJS.Platform = process.platform): string | undefined => {
	if (fits(tmpdir, platform)) return tmpdir;
	if (platform !== 'win32' && fits('/tmp', platform)) return '/tmp';
	return undefined;
};

export const createSocketPath = ({tmpdir = os.tmpdir()}: {tmpdir?: string} = {}): SocketPath => {
	const root = socketRoot(tmpdir);
	if (!root) throw new Error(`no temp directory short enough for a control socket (tried ${tmpdir} and /tmp)`);
	const dir = mkdtempSync(path.join(root, 'devtui-'));
	chmodSync(dir, 0o700);
	let cleaned = false;
	return {
		path: path.join(dir, SOCKET_NAME),
		dir,
		cleanup() {
			if (cleaned) return;
			cleaned = true;
			try {
				rmSync(dir, {recursive: true, force: true});
			} catch {
				// Leftovers in the temp dir are harmless; a failing cleanup must not break a quit.
			}
		},
	};
};
