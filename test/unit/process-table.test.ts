import {describe, expect, it} from 'vitest';
import {liveTreeAndGroup, parseStat, readProcess, type ProcessInfo} from '../../src/supervisor/process-table.js';

describe('process table', () => {
	it('parses a stat line whose command name has spaces and parentheses', () => {
		const stat = '4242 (my (weird) app) S 1 4242 4242 0 -1 4194560 0 0 0 0 1 2 0 0 20 0 1 0 987654 1234 56';
		expect(parseStat(stat)).toEqual({pid: 4242, ppid: 1, pgid: 4242, state: 'S', startTime: 987654});
		expect(parseStat('garbage')).toBeUndefined();
	});

	it('reads this very process from /proc', () => {
		expect(readProcess(process.pid)).toMatchObject({pid: process.pid, ppid: process.ppid});
	});

	it('finds the group and every descendant, skipping zombies', () => {
		const table: ProcessInfo[] = [
			{pid: 10, ppid: 1, pgid: 10, state: 'S', startTime: 1},
			{pid: 11, ppid: 10, pgid: 10, state: 'S', startTime: 1},
			{pid: 12, ppid: 11, pgid: 12, state: 'S', startTime: 1}, // left the group with setsid
			{pid: 13, ppid: 12, pgid: 12, state: 'R', startTime: 1},
			{pid: 14, ppid: 10, pgid: 10, state: 'Z', startTime: 1},
			{pid: 15, ppid: 1, pgid: 10, state: 'S', startTime: 1}, // orphaned but still in the group
			{pid: 20, ppid: 1, pgid: 20, state: 'S', startTime: 1},
		];
		expect(liveTreeAndGroup(table, 10, 10).map(info => info.pid).sort()).toEqual([10, 11, 12, 13, 15]);
	});
});
