// What a tool costs, read from /proc: its process tree minus the app's processes. CPU time comes
// from each thread's schedstat (nanoseconds), not utime/stime, whose 10 ms ticks cannot tell 0.0%
// from 0.1% over 10 s.
import {readdirSync, readFileSync} from 'node:fs';

const read = file => {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
};

const parentOf = pid => {
	const stat = read(`/proc/${pid}/stat`);
	if (!stat) return undefined;
	return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

const cmdline = pid => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');

/** Every live process under `root` (root included). */
export const processTree = root => {
	const children = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const parent = parentOf(entry);
		if (parent === undefined) continue;
		if (!children.has(parent)) children.set(parent, []);
		children.get(parent).push(Number(entry));
	}
	const tree = [];
	const visit = pid => {
		tree.push(pid);
		for (const child of children.get(pid) ?? []) visit(child);
	};
	if (read(`/proc/${root}/stat`)) visit(root);
	return tree;
};

const isZombie = pid => {
	const stat = read(`/proc/${pid}/stat`);
	return !stat || stat[stat.lastIndexOf(')') + 2] === 'Z';
};

/** Live processes (zombies count as dead) whose environment holds `entry` ("NAME=value"). */
export const processesWithEnv = entry => {
	const pids = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const environ = read(`/proc/${name}/environ`);
		if (environ && environ.split('\0').includes(entry) && !isZombie(name)) pids.push(Number(name));
	}
	return pids;
};

/** The tool's own processes: the tree minus the app and anything under it. */
export const toolProcesses = (root, isApp) => {
	const tree = processTree(root);
	const apps = tree.filter(pid => isApp(cmdline(pid)));
	const appTrees = new Set(apps.flatMap(pid => processTree(pid)));
	return tree.filter(pid => !appTrees.has(pid));
};

export const cpuNs = pids => {
	let total = 0;
	for (const pid of pids) {
		let tasks = [];
		try {
			tasks = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const task of tasks) total += Number((read(`/proc/${pid}/task/${task}/schedstat`) ?? '0').split(' ')[0]);
	}
	return total;
};

const statusKb = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(read(`/proc/${pid}/status`) ?? '')?.[1] ?? 0);

export const rssMb = pids => pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0) / 1024;
export const peakRssMb = pids => pids.reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0) / 1024;

export const openFds = pids =>
	pids.reduce((sum, pid) => {
		try {
			return sum + readdirSync(`/proc/${pid}/fd`).length;
		} catch {
			return sum;
		}
	}, 0);

export const describe = pids => pids.map(pid => `${pid}:${cmdline(pid).slice(0, 60)}`);

/** SIGTERM to the tool, up to 3 s for its tree to go, then SIGKILL to whatever of it is left. */
export const stopTree = async child => {
	const tree = processTree(child.pid);
	child.kill('SIGTERM');
	for (let tries = 0; tries < 100 && processTree(child.pid).length > 0; tries++) await new Promise(resolve => setTimeout(resolve, 30));
	for (const pid of tree) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}
};
