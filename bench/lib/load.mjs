// Load: one busy loop per core (pinned with taskset where it exists), as the guide's "two busy
// loops on 2 cores". Each loop exits by itself when the bench is gone (its parent changes), so not
// even a SIGKILL of the bench leaves one spinning; stop() and the bench's exit kill them anyway.
import {execFileSync, spawn} from 'node:child_process';
import os from 'node:os';

const LOOP = 'const parent = process.ppid; for (;;) { for (let i = 0; i < 5e6; i++); if (process.ppid !== parent) process.exit(0); }';

const hasTaskset = (() => {
	try {
		execFileSync('taskset', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

const running = new Set();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/** Starts `loops` busy loops (default one per core); resolves with stop(). */
export const startLoad = async ({loops = os.availableParallelism()} = {}) => {
	const children = [];
	for (let core = 0; core < loops; core++) {
		const command = hasTaskset ? ['taskset', '-c', String(core % os.availableParallelism()), process.execPath, '-e', LOOP] : [process.execPath, '-e', LOOP];
		const child = spawn(command[0], command.slice(1), {stdio: 'ignore'});
		running.add(child);
		child.on('exit', () => running.delete(child));
		children.push(child);
	}
	// Let the loops take the cores before anything is measured.
	await new Promise(resolve => setTimeout(resolve, 300));
	return {
		pinned: hasTaskset,
		pids: () => children.map(child => child.pid),
		async stop() {
			await Promise.all(
				children.map(
					child =>
						new Promise(resolve => {
							if (child.exitCode !== null || child.signalCode !== null) return resolve();
							child.once('exit', resolve);
							child.kill('SIGKILL');
						}),
				),
			);
		},
	};
};
