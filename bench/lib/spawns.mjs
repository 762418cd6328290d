// App spawns as the kernel saw them (lib/spawn-watch.py), for every tool alike. An app instance
// that a tool kills while it is still starting never reports READY, and often not even its first
// line, so the apps' own reports cannot count the spawns a burst wastes; fork and exec events can.
//
// An app spawn is a process under a tool that exec'd with the app's script among its arguments,
// whose parent is not itself one (so `sh -c "python3 app.py"` and the python3 it runs, or a shim
// and the interpreter behind it, count once), and that is not the tool itself (nodemon's and node
// --watch's own command lines name the script too).
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {onLines} from './lines.mjs';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'spawn-watch.py');
// Debian's interpreter starts without pyenv's shim in front of it; any python3 will do.
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// performance.now() and the kernel's CLOCK_MONOTONIC timestamps (process.hrtime) on one scale.
const monotonicOffsetNs = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));
const toMs = ns => Number(BigInt(ns) - monotonicOffsetNs) / 1e6;

/**
 * Starts the watch; resolves with {available: false, reason} where the kernel's process events
 * cannot be read (not root, or no connector), so callers fall back to the apps' own reports.
 */
export const startSpawnWatch = async () => {
	const child = spawn(python, [script, String(process.pid)], {stdio: ['pipe', 'pipe', 'pipe']});
	// Pids come back (pid_max is 32768 here, and the machine is busy): a fork starts a new entry, and
	// an entry keeps its parent's entry, not its parent's pid.
	const live = new Map(); // pid -> the entry of the process that has (or last had) it
	const byTop = new Map(); // tool pid -> every entry under it, in order
	let lost = 0;
	let stderr = '';
	const begin = (pid, top, parent, forkAt) => {
		const entry = {pid, top, parent, forkAt, execs: [], exitAt: undefined};
		live.set(pid, entry);
		if (!byTop.has(top)) byTop.set(top, []);
		byTop.get(top).push(entry);
		return entry;
	};
	const first = new Promise(resolve => {
		onLines(child.stdout, line => {
			const [kind, ns, top, a, ...rest] = line.split(' ');
			if (kind === 'READY') resolve({available: true});
			else if (kind === 'UNAVAILABLE') resolve({available: false, reason: line.slice(12)});
			else if (kind === 'LOST') lost++;
			else if (kind === 'FORK') begin(Number(rest[0]), Number(top), live.get(Number(a)), toMs(ns));
			else if (kind === 'EXEC') {
				const known = live.get(Number(a));
				const entry = known && known.exitAt === undefined ? known : begin(Number(a), Number(top), undefined, undefined);
				const cmdline = rest.join(' ');
				entry.execs.push(cmdline.startsWith('?') ? {at: toMs(ns), argv: undefined, name: cmdline.slice(1) || undefined} : {at: toMs(ns), argv: cmdline.split('\x1f')});
			} else if (kind === 'EXIT') {
				const entry = live.get(Number(a));
				if (entry) entry.exitAt = toMs(ns);
			}
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', chunk => {
			stderr += chunk;
		});
		child.on('exit', code => resolve({available: false, reason: `spawn-watch exited (${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`}));
		child.on('error', error => resolve({available: false, reason: error.message}));
	});
	const state = await first;
	const close = () => {
		child.stdin.end();
		child.kill('SIGTERM');
	};
	if (!state.available) {
		close();
		return {...state, close: () => undefined};
	}

	const isTool = entry => entry.pid === entry.top;
	const names = (entry, appScript) => entry.execs.some(exec => exec.argv?.includes(appScript));
	const isApp = (entry, appScript) => Boolean(entry) && !isTool(entry) && names(entry, appScript) && !isApp(entry.parent, appScript);
	/** The app spawn `entry` is (or runs under), if any. */
	const spawnOf = (entry, appScript) => {
		for (let at = entry; at && !isTool(at); at = at.parent) if (isApp(at, appScript)) return at;
		return undefined;
	};
	const unread = entry => entry.execs.every(exec => exec.argv === undefined);
	return {
		available: true,
		/** Events the kernel dropped (receive buffer overrun): counts near then may be short. */
		lost: () => lost,
		/**
		 * The app spawns under tool `top` whose first exec fell in [from, to): {pid, at, exitAt, inferred}.
		 * A process that exited and was reaped before its command line could be read (a spawn killed at
		 * once) and runs under no app spawn still counts, inferred, where the evidence allows: its
		 * kernel name is the app's interpreter (`interpreter`, e.g. 'node' or 'python3') and the tool
		 * runs nothing else by that name, or it is the tool's own child and the tool starts nothing
		 * but the app (the bare restarter, node --watch). `unresolved` counts the unread ones left
		 * (a tool's helpers such as nodemon's `ps`; on devtui with the Python check, a check or a spawn).
		 */
		appSpawns(top, appScript, {from = -Infinity, to = Infinity, interpreter} = {}) {
			const entries = byTop.get(top) ?? [];
			const spawns = [];
			let unresolved = 0;
			const others = entries.filter(entry => !isTool(entry) && !unread(entry) && !spawnOf(entry, appScript));
			// devtui's Python check is a python3 too: there the name is no evidence.
			const nameIsEvidence = interpreter !== undefined && !others.some(entry => entry.execs.some(exec => exec.argv && path.basename(exec.argv[0]) === interpreter));
			const childIsEvidence = entries.some(entry => entry.parent && isTool(entry.parent) && isApp(entry, appScript)) && !others.some(entry => entry.parent && isTool(entry.parent));
			for (const entry of entries) {
				if (isTool(entry) || entry.execs.length === 0) continue;
				const at = entry.execs[0].at;
				if (at < from || at >= to) continue;
				if (isApp(entry, appScript)) spawns.push({pid: entry.pid, at, exitAt: entry.exitAt, inferred: false});
				else if (unread(entry) && !spawnOf(entry.parent, appScript)) {
					const byName = nameIsEvidence && entry.execs.at(-1).name === interpreter;
					const asChild = childIsEvidence && entry.parent && isTool(entry.parent);
					if (byName || asChild) spawns.push({pid: entry.pid, at, exitAt: entry.exitAt, inferred: true});
					else unresolved++;
				}
			}
			return {spawns: spawns.sort((a, b) => a.at - b.at), unresolved};
		},
		/** The pid of the app spawn that live process `pid` is or runs under (a shim's interpreter: the shim's). */
		spawnPidOf: (pid, top, appScript) => {
			const entry = live.get(pid);
			return entry?.top === top ? spawnOf(entry, appScript)?.pid : undefined;
		},
		close,
	};
};
