// The /proc parsers behind devtui's own readiness and --listen "taken": TCP table rows, sockstat,
// epoll fdinfo, blocked system calls and the descriptor lists poll and select wait on, debugger
// ports, and the poll schedule. Fed the kernel's own text; the readers meet real processes in
// test/integration/readiness-proc.test.ts.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {describeWait, parseEpollTargets, parseFdSet, parsePollFds, parseSyscall} from '../../src/listen/proc-accepting.js';
import {debuggerPorts} from '../../src/readiness/debugger-ports.js';
import {DEFAULT_POLL_POLICY, pollDelay} from '../../src/readiness/poll-schedule.js';
import {decodeAddress, parseSockstat, parseTcpRow, parseTcpTable, readListenRows, socketInode} from '../../src/readiness/proc-sockets.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const row = (sl: number, local: string, remote: string, state: string, inode: number, queues = '00000000:00000000') =>
	`  ${sl}: ${local} ${remote} ${state} ${queues} 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

describe('TCP table rows', () => {
	it('decodes IPv4 and IPv6 addresses as the kernel prints them on a little-endian machine', () => {
		expect(decodeAddress('0100007F', true)).toBe('127.0.0.1');
		expect(decodeAddress('00000000', true)).toBe('0.0.0.0');
		expect(decodeAddress('0100007F', false)).toBe('1.0.0.127');
		expect(decodeAddress('00000000000000000000000001000000', true)).toBe('::1');
		expect(decodeAddress('00000000000000000000000000000000', true)).toBe('::');
		expect(decodeAddress('0000000000000000FFFF00000100007F', true)).toBe('::ffff:127.0.0.1');
		expect(decodeAddress('000080FE00000000FF005002A8C0FE01', true)).toBe('fe80::250:ff:1fe:c0a8');
		expect(decodeAddress('xyz', true)).toBeUndefined();
		expect(decodeAddress('0100007', true)).toBeUndefined();
	});

	it('reads a row: state, local address and port, accept queue, inode', () => {
		expect(parseTcpRow(row(0, '0100007F:1F40', '00000000:0000', '0A', 4242, '00000000:00000003'))).toEqual({
			inode: 4242,
			state: '0A',
			address: '127.0.0.1',
			port: 8000,
			rxQueue: 3,
		});
		expect(parseTcpRow(HEADER)).toBeUndefined();
		expect(parseTcpRow('')).toBeUndefined();
		expect(parseTcpRow('   0: garbage')).toBeUndefined();
		// A socket that is not yet (or no longer) attached to a file has inode 0: it cannot be anyone's.
		expect(parseTcpRow(row(1, '0100007F:1F40', '0100007F:D2F0', '06', 0))).toBeUndefined();
	});

	it('keeps the rows in one state', () => {
		const text = [HEADER, row(0, '00000000:1F40', '00000000:0000', '0A', 11), row(1, '0100007F:1F40', '0100007F:D2F0', '01', 12), ''].join('\n');
		expect(parseTcpTable(text).map(socket => socket.inode)).toEqual([11, 12]);
		expect(parseTcpTable(text, '0A').map(socket => [socket.inode, socket.address, socket.port])).toEqual([[11, '0.0.0.0', 8000]]);
	});

	it('reads the LISTEN rows only, stopping at the first row in another state', () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-tcp-'));
		try {
			const file = path.join(dir, 'tcp6');
			const v6 = '00000000000000000000000000000000';
			writeFileSync(
				file,
				[
					HEADER,
					row(0, `${v6}:1F40`, `${v6}:0000`, '0A', 21),
					// Kernels before 4.4 listed a listener's half-open connections right below it.
					row(1, `${v6}:1F40`, `${v6}:D2F0`, '03', 22),
					row(2, `${v6}:1F41`, `${v6}:0000`, '0A', 23),
					// TIME_WAIT: no inode (no socket file any more), but the listening rows are over all the same.
					row(3, `${v6}:1F40`, `${v6}:D2F1`, '06', 0),
					// Never reached: past the listening rows nothing can be in LISTEN, and reading on
					// would walk the kernel's whole established hash.
					row(4, `${v6}:1F42`, `${v6}:0000`, '0A', 25),
					row(5, `${v6}:1F40`, `${v6}:D2F2`, '01', 24),
					'',
				].join('\n'),
			);
			expect(readListenRows(file).map(socket => [socket.inode, socket.address, socket.port])).toEqual([
				[21, '::', 8000],
				[23, '::', 8001],
			]);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('tells from sockstat how many sockets each family has hashed, and which have none', () => {
		const text = 'sockets: used 56\nTCP: inuse 10 orphan 0 tw 58 alloc 10 mem 178\nUDP: inuse 0 mem 0\nTCP6: inuse 0\nUDP6: inuse 0\n';
		expect(parseSockstat(text)).toEqual({signature: '10|0', tcp: true, tcp6: false});
		// Connections going to TIME_WAIT elsewhere change nothing that matters for listening sockets.
		expect(parseSockstat(text.replace('tw 58', 'tw 61')).signature).toBe('10|0');
		// Without sockstat6 (IPv6 disabled) the family counts as present: reading finds out.
		expect(parseSockstat('TCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\n')).toMatchObject({tcp: false, tcp6: true});
	});

	it('reads socket inodes from descriptor links', () => {
		expect(socketInode('socket:[48900]')).toBe(48_900);
		expect(socketInode('pipe:[48012]')).toBeUndefined();
		expect(socketInode('anon_inode:[eventpoll]')).toBeUndefined();
		expect(socketInode('/tmp/socket:[1]')).toBeUndefined();
	});
});

describe('accepting, from fdinfo and blocked system calls', () => {
	it('reads the targets of an epoll set, with their inodes in hex', () => {
		const fdinfo = [
			'pos:\t0',
			'flags:\t02000002',
			'mnt_id:\t17',
			'ino:\t26',
			'tfd:       15 events:       19 data:                f  pos:0 ino:beff sdev:f',
			'tfd:        3 events:       19 data:                3  pos:0 ino:bf04 sdev:9',
			'tfd:       17 events:        4 data:               11  pos:0 ino:1a sdev:10',
			'',
		].join('\n');
		expect(parseEpollTargets(fdinfo)).toEqual([
			{fd: 15, events: 0x19, inode: 0xbe_ff},
			{fd: 3, events: 0x19, inode: 48_900},
			{fd: 17, events: 4, inode: 0x1a},
		]);
		// Kernels before 3.8 print no inode: the descriptor number is all there is.
		expect(parseEpollTargets('tfd:        3 events:       19 data:                3\n')).toEqual([{fd: 3, events: 0x19, inode: undefined}]);
		expect(parseEpollTargets('pos:\t0\nflags:\t02\n')).toEqual([]);
	});

	it('reads a blocked call and its arguments, and nothing from a running task', () => {
		expect(parseSyscall('281 0xe 0x7ffc410066b0 0x400 0xbb6 0x0 0x8 0x7ffc41005950 0x7f0610c46cae\n')).toEqual({
			nr: 281,
			args: [0xen, 0x7f_fc_41_00_66_b0n, 0x4_00n, 0xb_b6n, 0n, 8n],
		});
		expect(parseSyscall('running\n')).toBeUndefined();
		expect(parseSyscall('-1 0x7ffc41005950 0x7f0610c46cae\n')).toBeUndefined();
		expect(parseSyscall('')).toBeUndefined();
	});

	it('knows which calls wait for a connection, per architecture', () => {
		const call = (text: string) => parseSyscall(text)!;
		expect(describeWait(call('288 0x3 0x0 0x0 0x80800 0x0 0x0 0x7ffd 0x7f06'), 'x64')).toEqual({kind: 'accept', fd: 3});
		expect(describeWait(call('43 0x4 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x7f06'), 'x64')).toEqual({kind: 'accept', fd: 4});
		expect(describeWait(call('7 0x7fe603e786c0 0x1 0x1f4 0x0 0x0 0x0 0x7ffc 0x7fe6'), 'x64')).toEqual({kind: 'poll', address: 0x7f_e6_03_e7_86_c0n, count: 1});
		expect(describeWait(call('271 0x7fe603e786c0 0x2 0x7ffc 0x0 0x8 0x0 0x7ffc 0x7fe6'), 'x64')).toEqual({kind: 'poll', address: 0x7f_e6_03_e7_86_c0n, count: 2});
		expect(describeWait(call('23 0x8 0x7ffd0000 0x0 0x0 0x7ffd1000 0x0 0x7ffc 0x7fe6'), 'x64')).toEqual({kind: 'select', count: 8, readSet: 0x7f_fd_00_00n});
		expect(describeWait(call('73 0xaaaa 0x1 0x0 0x0 0x8 0x0 0x7ffc 0x7fe6'), 'arm64')).toEqual({kind: 'poll', address: 0xaa_aan, count: 1});
		expect(describeWait(call('242 0x3 0x0 0x0 0x80800 0x0 0x0 0x7ffc 0x7fe6'), 'arm64')).toEqual({kind: 'accept', fd: 3});
		// epoll_pwait and futex: the epoll set says more than the call; a lock wait says nothing.
		expect(describeWait(call('281 0xe 0x7ffc410066b0 0x400 0xbb6 0x0 0x8 0x7ffc 0x7f06'), 'x64')).toBeUndefined();
		expect(describeWait(call('202 0x2ce4c990 0x189 0x0 0x0 0x0 0xffffffff 0x7f06 0x7f06'), 'x64')).toBeUndefined();
		expect(describeWait(call('43 0x4 0x0 0x0 0x0 0x0 0x0 0x7ffd 0x7f06'), 'ia32')).toBeUndefined();
	});

	it('reads the descriptors poll waits on for input', () => {
		const fds = Buffer.alloc(24);
		fds.writeInt32LE(3, 0);
		fds.writeInt16LE(0x1, 4); // POLLIN
		fds.writeInt32LE(5, 8);
		fds.writeInt16LE(0x4, 12); // POLLOUT only
		fds.writeInt32LE(7, 16);
		fds.writeInt16LE(0x3, 20); // POLLIN | POLLPRI
		expect(parsePollFds(fds)).toEqual([3, 7]);
		expect(parsePollFds(Buffer.alloc(5))).toEqual([]);
	});

	it('reads the descriptors set in a select read set', () => {
		const set = Buffer.alloc(16);
		set[0] = 0b0000_1000; // fd 3
		set[1] = 0b0000_0010; // fd 9
		set[8] = 0b0000_0001; // fd 64
		expect(parseFdSet(set, 65)).toEqual([3, 9, 64]);
		// Only the first `count` descriptors are in the set.
		expect(parseFdSet(set, 10)).toEqual([3, 9]);
	});
});

describe('debugger ports', () => {
	it('finds the ports node --inspect and debugpy open before the app runs', () => {
		expect(debuggerPorts(['node', '--inspect', 'server.js'])).toEqual([9229]);
		expect(debuggerPorts(['node', '--inspect-brk=9230', 'server.js'])).toEqual([9230]);
		expect(debuggerPorts(['node', '--inspect=0.0.0.0:9231', 'server.js'])).toEqual([9231]);
		expect(debuggerPorts(['node', 'server.js'], '--max-old-space-size=4096 --inspect-wait')).toEqual([9229]);
		expect(debuggerPorts(['python3', '-m', 'debugpy', '--listen', '5678', 'app.py'])).toEqual([5678]);
		expect(debuggerPorts(['python3', '-m', 'debugpy', '--listen', '127.0.0.1:5679', '--wait-for-client', 'app.py'])).toEqual([5679]);
		// A random port cannot be known from the command line; the app's own flags are not the debugger's.
		expect(debuggerPorts(['node', '--inspect=0', 'server.js'])).toEqual([]);
		expect(debuggerPorts(['node', 'server.js', '--listen', '8000'])).toEqual([]);
		expect(debuggerPorts(['uvicorn', 'main:app'])).toEqual([]);
	});
});

describe('the poll schedule', () => {
	it('looks every 10 ms for the first half second, slows to 250 ms over 2 s, then once a second after 10 s', () => {
		expect(pollDelay(0)).toBe(10);
		expect(pollDelay(499)).toBe(10);
		expect(pollDelay(1500)).toBe(130);
		expect(pollDelay(2500)).toBe(250);
		expect(pollDelay(9999)).toBe(250);
		expect(pollDelay(10_000)).toBe(1000);
		expect(pollDelay(600_000)).toBe(DEFAULT_POLL_POLICY.idleMs);
	});
});

