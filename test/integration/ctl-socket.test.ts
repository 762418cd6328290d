// Where the ctl socket goes and how it is bound: the path rules (pure), and on real sockets a stale
// one rebound, a live one left alone, and a file that is not a socket never removed.

import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {bindCtlSocket, type BoundCtlSocket} from '../../src/ctl/bind-ctl-socket.js';
import {ctlSocketCandidates, hashedSocketPath} from '../../src/ctl/ctl-socket-path.js';

const bound: BoundCtlSocket[] = [];
afterEach(async () => {
	for (const socket of bound.splice(0)) await socket.close();
});

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'devtui-ctl-sock-'));

describe('the ctl socket path', () => {
	it('is .devtui/ctl.sock while it fits, else a hash of the cwd in the temp directory, else in /tmp', () => {
		expect(ctlSocketCandidates('/home/me/shop', {tmpdir: '/tmp', platform: 'linux'})).toEqual(['/home/me/shop/.devtui/ctl.sock', hashedSocketPath('/home/me/shop', {tmpdir: '/tmp'})]);
		const deep = `/home/me/${'d'.repeat(100)}`;
		expect(ctlSocketCandidates(deep, {tmpdir: '/tmp', platform: 'linux'})).toEqual([hashedSocketPath(deep, {tmpdir: '/tmp'})]);
		expect(hashedSocketPath(deep, {tmpdir: '/tmp'})).toMatch(/^\/tmp\/devtui-ctl-[0-9a-f]{16}\.sock$/);
		expect(hashedSocketPath(deep, {tmpdir: '/tmp'})).not.toBe(hashedSocketPath(`${deep}x`, {tmpdir: '/tmp'}));
		// macOS's long TMPDIR: the hashed name goes to /tmp.
		const longTmp = `/var/folders/${'x'.repeat(90)}/T`;
		expect(hashedSocketPath(deep, {tmpdir: longTmp, platform: 'darwin'})).toMatch(/^\/tmp\/devtui-ctl-/);
		// 103 bytes on macOS, 107 on Linux.
		const edge = `/p/${'e'.repeat(107 - '/p/'.length - '/.devtui/ctl.sock'.length)}`;
		expect(ctlSocketCandidates(edge, {platform: 'linux'})[0]).toBe(`${edge}/.devtui/ctl.sock`);
		expect(ctlSocketCandidates(edge, {platform: 'darwin'})[0]).toBe(hashedSocketPath(edge, {platform: 'darwin'}));
	});
});

describe('binding the ctl socket', () => {
	it('binds .devtui/ctl.sock for the user only, and removes it on close', async () => {
		const cwd = tempDir();
		const socket = await bindCtlSocket(cwd);
		if (socket.kind !== 'listening') throw new Error(socket.kind);
		expect(socket.path).toBe(path.join(cwd, '.devtui', 'ctl.sock'));
		const {statSync} = await import('node:fs');
		expect(statSync(socket.path).mode & 0o777).toBe(0o600);
		await socket.close();
		expect(existsSync(socket.path)).toBe(false);
	});

	it('rebinds a socket nobody answers on, and leaves a live one alone', async () => {
		const cwd = tempDir();
		const file = path.join(cwd, '.devtui', 'ctl.sock');
		mkdirSync(path.dirname(file));
		// A socket file left behind: bound, then its server gone without unlinking (as after SIGKILL).
		const stale = net.createServer();
		await new Promise<void>(resolve => stale.listen(file, resolve));
		// Closing a Node server unlinks its socket; a copy of the path keeps a dead socket there.
		const {linkSync, unlinkSync} = await import('node:fs');
		linkSync(file, `${file}.keep`);
		await new Promise(resolve => stale.close(resolve));
		linkSync(`${file}.keep`, file);
		unlinkSync(`${file}.keep`);
		expect(existsSync(file)).toBe(true);
		const first = await bindCtlSocket(cwd);
		if (first.kind !== 'listening') throw new Error(first.kind);
		bound.push(first);
		expect(first.path).toBe(file);
		expect(await bindCtlSocket(cwd)).toEqual({kind: 'taken', path: file});
	});

	it('never removes a file that is not a socket: it binds the hashed path instead', async () => {
		const cwd = tempDir();
		mkdirSync(path.join(cwd, '.devtui'));
		writeFileSync(path.join(cwd, '.devtui', 'ctl.sock'), 'mine');
		const socket = await bindCtlSocket(cwd);
		if (socket.kind !== 'listening') throw new Error(socket.kind);
		bound.push(socket);
		expect(socket.path).toBe(hashedSocketPath(cwd));
		expect(readFileSync(path.join(cwd, '.devtui', 'ctl.sock'), 'utf8')).toBe('mine');
	});
});
