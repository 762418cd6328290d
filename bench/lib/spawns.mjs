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
	const processes = new Map(); // pid -> {pid, top, parent, forkAt, execs: [{at, argv}], exitAt}
	let lost = 0;
	let stderr = '';
	const record = pid => {
		if (!processes.has(pid)) processes.set(pid, {pid, top: undefined, parent: undefined, forkAt: undefined, execs: [], exitAt: undefined});
		return processes.get(pid);
	};
	const first = new Promise(resolve => {
		let buffer = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', chunk => {
			buffer += chunk;
			let end;
			while ((end = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 1);
				const [kind, ns, top, a, ...rest] = line.split(' ');
				if (kind === 'READY') resolve({available: true});
				else if (kind === 'UNAVAILABLE') resolve({available: false, reason: line.slice(12)});
				else if (kind === 'LOST') lost++;
				else if (kind === 'FORK') {
					const entry = record(Number(rest[0]));
					Object.assign(entry, {top: Number(top), parent: Number(a), forkAt: toMs(ns)});
				} else if (kind === 'EXEC') {
					const entry = record(Number(a));
					entry.top ??= Number(top);
					const cmdline = rest.join(' ');
					entry.execs.push(cmdline.startsWith('?') ? {at: toMs(ns), argv: undefined, name: cmdline.slice(1) || undefined} : {at: toMs(ns), argv: cmdline.split('\x1f')});
				} else if (kind === 'EXIT') record(Number(a)).exitAt = toMs(ns);
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

	const names = (entry, appScript) => entry.execs.some(exec => exec.argv?.includes(appScript));
	const isApp = (entry, top, appScript, depth = 0) => {
		if (!entry || entry.pid === top || depth > 64 || !names(entry, appScript)) return false;
		return !isApp(processes.get(entry.parent), top, appScript, depth + 1);
	};
	/** The app spawn `pid` is (or runs under), if any. */
	const spawnOf = (pid, top, appScript) => {
		for (let entry = processes.get(pid), depth = 0; entry && entry.pid !== top && depth < 64; entry = processes.get(entry.parent), depth++) {
			if (isApp(entry, top, appScript)) return entry;
		}
		return undefined;
	};
	const unread = entry => entry.execs.every(exec => exec.argv === undefined);
	return {
		available: true,
		/** Events the kernel dropped (receive buffer overrun): counts near then may be short. */
		lost: () => lost,
		/**
		 * The app spawns under tool `top` whose first exec fell in [from, to): {pid, at, exitAt, byName}.
		 * A process that exited before its command line could be read (a spawn killed at once) counts
		 * when its kernel name is the app's interpreter (`interpreter`, e.g. 'node' or 'python3') and
		 * it runs under no app spawn: byName true. `unresolved` counts the other unread ones outside
		 * every app spawn (tool helpers such as nodemon's `ps`, mostly).
		 */
		appSpawns(top, appScript, {from = -Infinity, to = Infinity, interpreter} = {}) {
			const spawns = [];
			let unresolved = 0;
			for (const entry of processes.values()) {
				if (entry.top !== top || entry.pid === top || entry.execs.length === 0) continue;
				const at = entry.execs[0].at;
				if (at < from || at >= to) continue;
				if (isApp(entry, top, appScript)) spawns.push({pid: entry.pid, at, exitAt: entry.exitAt, byName: false});
				else if (unread(entry) && !spawnOf(entry.parent, top, appScript)) {
					if (interpreter !== undefined && entry.execs.at(-1).name === interpreter) spawns.push({pid: entry.pid, at, exitAt: entry.exitAt, byName: true});
					else unresolved++;
				}
			}
			return {spawns: spawns.sort((a, b) => a.at - b.at), unresolved};
		},
		/** The pid of the app spawn that process `pid` is or runs under (a shim's interpreter: the shim's). */
		spawnPidOf: (pid, top, appScript) => spawnOf(pid, top, appScript)?.pid,
		close,
	};
};
