// The warm Python checker's interpreters, found in /proc (not asked of devtui): live processes
// whose parent is the given pid and whose command line carries the checker's hello marker.

import {readdirSync, readFileSync} from 'node:fs';
import {WORKER_HELLO} from '../../src/check/python-compile-check.js';
import {isAlive} from './process-alive.js';

export const pythonWorkersOf = (parent: number): number[] =>
	readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.map(Number)
		.filter(pid => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
				return ppid === parent && isAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(WORKER_HELLO);
			} catch {
				return false;
			}
		});
