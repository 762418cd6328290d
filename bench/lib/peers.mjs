// The tools under test, each started on its own work directory with its own notify port. A peer
// handle gives the root pid (for /proc accounting), devtui's --json events when there are any, and stop().
import {spawn} from 'node:child_process';
import {closeSync, existsSync, mkdtempSync, mkdirSync, openSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startNotify} from './notify.mjs';
import {processesWithEnv, processTree} from './proc.mjs';
import {startTmux} from './tmux.mjs';
import {onDevtuiEvents} from './lines.mjs';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(benchDir);
const devtuiCli = path.join(root, 'dist/src/cli.js');
const nodemonBin = path.join(benchDir, 'node_modules/nodemon/bin/nodemon.js');

/**
 * The Python fixture's interpreter: Debian's /usr/bin/python3 where there is one (it starts in ~20
 * ms, as the real frameworks run here), else `python3` from PATH; BENCH_PYTHON overrides it, e.g.
 * BENCH_PYTHON=python3 for pyenv's shim, ~150 ms of bash before Python starts. How quickly an
 * instance starts changes how a burst plays out.
 */
export const PYTHON = process.env.BENCH_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export const APPS = {
	node: ['node', path.join(benchDir, 'apps/server.mjs')],
	python: ['python3', path.join(benchDir, 'apps/server.py')],
	flood: ['node', path.join(benchDir, 'apps/flood.mjs')],
	stateful: ['node', path.join(benchDir, 'apps/stateful.mjs')],
	// The burst and single-save fixtures: they report what they loaded (apps/loaded.*).
	'loaded-node': ['node', path.join(benchDir, 'apps/loaded.mjs')],
	'loaded-python': [PYTHON, path.join(benchDir, 'apps/loaded.py')],
};

/** The extension of the watched files: the Python fixture imports .py modules (so devtui's Python check runs). */
export const appExt = app => (app === 'loaded-python' ? 'py' : 'mjs');
const isPython = app => app === 'python' || app === 'loaded-python';
const runPython = path.join(benchDir, 'apps/run-python.mjs');

const devtui = (flags = []) => app => ['node', devtuiCli, '--json', ...flags, '-w', 'src', '-e', appExt(app), '--', ...APPS[app]];

export const PEERS = {
	bare: {label: 'bare baseline', apps: ['node', 'python', 'flood', 'loaded-node', 'loaded-python'], command: app => ['node', path.join(benchDir, 'lib/bare-restarter.mjs'), 'src', ...APPS[app]]},
	nodemon: {
		label: 'nodemon',
		apps: ['node', 'python', 'flood', 'loaded-node', 'loaded-python'],
		command: app =>
			isPython(app)
				? ['node', nodemonBin, '-q', '--watch', 'src', '-e', appExt(app), '--exec', APPS[app].join(' ')]
				: ['node', nodemonBin, '-q', '--watch', 'src', '-e', appExt(app), APPS[app][1]],
	},
	// node --watch runs Node scripts only; the Python fixture goes through apps/run-python.mjs.
	'node-watch': {
		label: 'node --watch',
		apps: ['node', 'flood', 'loaded-node', 'loaded-python'],
		command: app => (isPython(app) ? ['node', '--watch-path=src', runPython, ...APPS[app]] : ['node', '--watch-path=src', APPS[app][1]]),
		spawnName: () => 'node',
	},
	devtui: {label: 'devtui headless', apps: ['node', 'python', 'flood', 'loaded-node', 'loaded-python'], json: true, command: devtui()},
	'devtui-no-check': {label: 'devtui headless --no-python-check', apps: ['loaded-python'], json: true, command: devtui(['--no-python-check'])},
	// Headless as a person runs it (no --json): the app's stdout is handed over, not copied.
	'devtui-plain': {label: 'devtui headless (plain)', apps: ['flood'], command: app => ['node', devtuiCli, '--no-tui', '-w', 'src', '-e', 'mjs', '--', ...APPS[app]]},
	'devtui-tui': {label: 'devtui dashboard (tmux)', apps: ['node', 'python', 'flood'], tmux: true, command: app => ['node', devtuiCli, '-w', 'src', '-e', 'mjs', '--', ...APPS[app]]},
};

export const fileContent = (index, value, ext = 'mjs') => (ext === 'py' ? `v${index} = ${JSON.stringify(value)}\n` : `export const v${index} = ${JSON.stringify(value)};\n`);

/** Writes watched file `index` of a peer's work directory to hold `value`. */
export const writeWatched = (handle, index, value) => writeFileSync(path.join(handle.src, `f${index}.${handle.ext}`), fileContent(index, value, handle.ext));

const makeWorkDir = (files, ext) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-'));
	mkdirSync(path.join(dir, 'src'));
	for (let index = 0; index < files; index++) writeFileSync(path.join(dir, 'src', `f${index}.${ext}`), fileContent(index, 'init', ext));
	return dir;
};

let tmuxCount = 0;
const running = new Set();

/** Stops every peer still running (the bench was interrupted). */
export const stopAllPeers = async () => {
	for (const handle of running) await handle.stop();
};

/** Starts `peerName` running `app`; resolves once the first instance reported (READY or FLOOD). */
// stdout: 'pipe' (read by the bench, which needs devtui's --json events) or 'null' (the tool's
// terminal is /dev/null, as in the flood's baseline).
export const startPeer = async (peerName, app, {files = 10, env = {}, firstTimeout = 30_000, waitFirst = true, stdout = 'pipe'} = {}) => {
	const peer = PEERS[peerName];
	const ext = appExt(app);
	const dir = makeWorkDir(files, ext);
	const notify = await startNotify();
	const appEnv = {BENCH_PORT: String(notify.port), BENCH_SRC: path.join(dir, 'src'), FORCE_COLOR: '0', ...env};
	const command = peer.command(app);
	const events = [];
	let child;
	let term;
	let rootPid;
	if (peer.tmux) {
		term = await startTmux({name: `devtui-bench-${process.pid}-${tmuxCount++}`, command, cwd: dir, env: appEnv, pidFile: path.join(dir, 'tool.pid')});
		rootPid = term.pid();
	} else {
		const devNull = stdout === 'null' ? openSync('/dev/null', 'w') : undefined;
		child = spawn(command[0], command.slice(1), {cwd: dir, env: {...process.env, ...appEnv}, stdio: ['ignore', devNull ?? 'pipe', 'pipe']});
		if (devNull !== undefined) closeSync(devNull);
		rootPid = child.pid;
		if (peer.json && child.stdout) onDevtuiEvents(child.stdout, event => events.push({...event, receivedAt: performance.now()}));
		else child.stdout?.resume();
		child.stderr.resume();
	}
	const first = waitFirst ? await notify.waitFor(() => true, {timeout: firstTimeout}) : true;
	const handle = {
		name: peerName,
		label: peer.label,
		app,
		/** The app's script: what its processes' command lines name (lib/spawns.mjs). */
		appScript: APPS[app][1],
		/** The kernel's name for a fresh app instance (before its command line can be read). */
		spawnName: peer.spawnName?.(app) ?? path.basename(APPS[app][0]),
		ext,
		dir,
		src: path.join(dir, 'src'),
		notify,
		events,
		term,
		rootPid: () => rootPid,
		/** devtui holds its restarts (a feedback loop, as it judges): headless has no key to release it. */
		held: () => events.findLast(event => event.type === 'supervisor/held')?.held === true,
		appPids: () => new Set(notify.lines.map(line => line.pid)),
		/**
		 * App processes of this peer that are no longer under the tool (a tool that lost track of an
		 * instance it meant to stop): killed, and their pids returned.
		 */
		killStrays() {
			const tree = new Set(processTree(rootPid));
			const strays = processesWithEnv(`BENCH_SRC=${path.join(dir, 'src')}`).filter(pid => !tree.has(pid));
			for (const pid of strays) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {}
			}
			return strays;
		},
		async stop() {
			running.delete(handle);
			handle.killStrays();
			const tree = processTree(rootPid);
			try {
				process.kill(rootPid, 'SIGTERM');
			} catch {}
			for (let tries = 0; tries < 100 && processTree(rootPid).length > 0; tries++) await new Promise(resolve => setTimeout(resolve, 30));
			for (const pid of tree) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {}
			}
			handle.killStrays();
			term?.close();
			notify.close();
			rmSync(dir, {recursive: true, force: true});
		},
	};
	running.add(handle);
	if (!first) {
		await handle.stop();
		throw new Error(`${peer.label} did not start ${app} within ${firstTimeout} ms`);
	}
	return handle;
};
