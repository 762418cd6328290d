// Where a devtui's control socket lives, for the server that binds it and the client that looks for
// it: `.devtui/ctl.sock` in devtui's working directory, so "the devtui of this project" is found
// from the project itself. A socket address holds at most 107 bytes on Linux (103 on macOS), so a
// deep working directory gets a socket in the temp directory instead, named by a hash of that
// directory, which the client computes the same way.

import {createHash} from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export const CTL_SOCKET_NAME = 'ctl.sock';

/** The longest path that fits sun_path with its terminating NUL. */
const maxSocketBytes = (platform: NodeJS.Platform): number => (platform === 'linux' ? 107 : 103);

const fits = (file: string, platform: NodeJS.Platform): boolean => Buffer.byteLength(file) <= maxSocketBytes(platform);

/** The fallback for a working directory whose own socket path is too long (or cannot be created). */
export const hashedSocketPath = (cwd: string, {tmpdir = os.tmpdir(), platform = process.platform}: {tmpdir?: string; platform?: NodeJS.Platform} = {}): string => {
	const name = `devtui-ctl-${createHash('sha256').update(cwd).digest('hex').slice(0, 16)}.sock`;
	const inTmp = path.join(tmpdir, name);
	// A long TMPDIR (macOS puts it under /var/folders/...) may not fit either: /tmp always does.
	return fits(inTmp, platform) ? inTmp : path.join('/tmp', name);
};

/**
 * The places a devtui running in `cwd` may have its socket, in the order the server tries them:
 * its own `.devtui/ctl.sock` when that fits a socket address, then the hashed one in the temp directory.
 */
export const ctlSocketCandidates = (cwd: string, options: {tmpdir?: string; platform?: NodeJS.Platform} = {}): string[] => {
	const own = path.join(cwd, '.devtui', CTL_SOCKET_NAME);
	const hashed = hashedSocketPath(cwd, options);
	return fits(own, options.platform ?? process.platform) ? [own, hashed] : [hashed];
};
