// Whether a pid is a live process, counting zombies (waiting to be reaped by PID 1) as dead.

import {readFileSync} from 'node:fs';

export const isAlive = (pid: number): boolean => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		return state !== 'Z' && state !== 'X';
	} catch {
		return false;
	}
};

export const pidsIn = (line: string): number[] => [...line.matchAll(/(?:pid|child)=(\d+)/g)].map(match => Number(match[1]));
