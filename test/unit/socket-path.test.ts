import {existsSync, statSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {createSocketPath, maxSocketPathBytes, socketRoot} from '../../src/protocol/socket-path.js';

describe('socket path', () => {
	it('makes a short path in a private directory and cleans up twice without harm', () => {
		const socket = createSocketPath();
		try {
			expect(Buffer.byteLength(socket.path)).toBeLessThanOrEqual(maxSocketPathBytes('darwin'));
			expect(socket.path.startsWith(socket.dir)).toBe(true);
			expect(statSync(socket.dir).mode & 0o777).toBe(0o700);
			expect(existsSync(socket.path)).toBe(false);
		} finally {
			socket.cleanup();
			socket.cleanup();
		}
		expect(existsSync(socket.dir)).toBe(false);
	});

	it('falls back to /tmp when the temp directory is too long for sun_path', () => {
		expect(socketRoot('/var/folders/xy/abc/T', 'darwin')).toBe('/var/folders/xy/abc/T');
		expect(socketRoot(`/${'d'.repeat(90)}`, 'darwin')).toBe('/tmp');
		expect(socketRoot(`/${'d'.repeat(70)}`, 'linux')).toBe(`/${'d'.repeat(70)}`);
		const socket = createSocketPath({tmpdir: `/${'d'.repeat(200)}`});
		socket.cleanup();
		expect(socket.dir.startsWith('/tmp/devtui-')).toBe(true);
	});
});
