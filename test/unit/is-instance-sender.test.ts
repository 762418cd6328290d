// Which senders count as the running instance, over a fake process table (the real one is used in
// test/integration/notify.test.ts, with a stranger process and systemd-notify).

import {describe, expect, it} from 'vitest';
import {isInstanceSender} from '../../src/notify/is-instance-sender.js';

// The app (100, its own group) runs a worker (101) and a daemon that left the group with setsid
// (102, group 102) whose child (103) is in group 102 too. 200 is a stranger under 1.
const table = new Map<number, {ppid: number; pgid: number}>([
	[100, {ppid: 50, pgid: 100}],
	[101, {ppid: 100, pgid: 100}],
	[102, {ppid: 101, pgid: 102}],
	[103, {ppid: 102, pgid: 102}],
	[200, {ppid: 1, pgid: 200}],
	[50, {ppid: 1, pgid: 50}],
]);
const read = (pid: number) => table.get(pid);
const app = {pid: 100, pgid: 100};
const reads: number[] = [];
const counting = (pid: number) => {
	reads.push(pid);
	return read(pid);
};

describe('isInstanceSender', () => {
	it('accepts the instance, its group, and descendants that left the group', () => {
		for (const pid of [100, 101, 102, 103]) {
			expect(isInstanceSender({pid, ...table.get(pid)!}, app, read), `pid ${pid}`).toBe(true);
		}
	});

	it('rejects a stranger, its parent devtui included, and a sender without credentials', () => {
		expect(isInstanceSender({pid: 200, ppid: 1, pgid: 200}, app, read)).toBe(false);
		expect(isInstanceSender({pid: 50, ppid: 1, pgid: 50}, app, read)).toBe(false);
		expect(isInstanceSender({pid: 0, ppid: 0, pgid: 0}, app, read)).toBe(false);
	});

	it('places a sender that exited right after sending by where the relay saw it', () => {
		// systemd-notify, a child of the worker, already gone when devtui looks.
		expect(isInstanceSender({pid: 300, ppid: 101, pgid: 100}, app, read)).toBe(true);
		// Gone, and it had left the group: its parent still links it to the app.
		expect(isInstanceSender({pid: 301, ppid: 103, pgid: 301}, app, read)).toBe(true);
		// Gone, and the relay could not place it either.
		expect(isInstanceSender({pid: 302, ppid: 0, pgid: 0}, app, read)).toBe(false);
	});

	it('costs no /proc read for the instance or its group, and a handful for the rest', () => {
		reads.length = 0;
		isInstanceSender({pid: 100, ppid: 50, pgid: 100}, app, counting);
		isInstanceSender({pid: 101, ppid: 100, pgid: 100}, app, counting);
		expect(reads).toEqual([]);
		isInstanceSender({pid: 103, ppid: 102, pgid: 102}, app, counting);
		expect(reads.length).toBeLessThanOrEqual(3);
	});

	it('stops on a parent loop instead of walking for ever', () => {
		const loop = (pid: number) => ({ppid: pid === 400 ? 401 : 400, pgid: pid});
		expect(isInstanceSender({pid: 400, ppid: 401, pgid: 400}, app, loop)).toBe(false);
	});
});
