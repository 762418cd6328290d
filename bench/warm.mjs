// Warm restarts (--warm, docs/warm.md): change -> serving the new code, for each restarter on the
// same fixture, interleaved (A B C A B C ...) so that drift in the machine's load lands on all alike.
//   npm run build && npm --prefix bench ci
//   node bench/warm.mjs [--changes 20] [--only node,python,fastapi,numpy,idle]
// "Ready" is seen from outside: the bench polls GET / on the app's port (every 2 ms) until it
// answers with the version just written, so every tool is timed the same way, from the write to
// the first answer from the new code. Also: the parked interpreter's RSS, devtui's idle CPU with --warm.
import {spawn} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {cpuNs, processTree, rssMb, stopTree} from './lib/proc.mjs';
import {fixed, max, median, p90, ratio, table} from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const devtuiCli = path.join(benchDir, '../dist/src/cli.js');
const nodemonBin = path.join(benchDir, 'node_modules/nodemon/bin/nodemon.js');
const PY = '/usr/bin/python3';
const apps = path.join(benchDir, 'apps/warm');

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});

// --json, so that the bench sees each spawn (or go) and can time start -> serving as well.
const devtui = (flags, command) => ['node', devtuiCli, '--json', '-w', 'src', ...flags, '--', ...command];
const bare = command => ['node', path.join(benchDir, 'lib/bare-restarter.mjs'), 'src', ...command];

// Each scenario: its fixture, the watched file's extension, and the restarters to compare.
const SCENARIOS = {
	node: {
		title: 'Node fixture (node:http server)',
		files: ['server.mjs'],
		ext: 'mjs',
		base: 'bare',
		peers: {
			bare: {label: 'bare restarter', command: () => bare(['node', 'server.mjs'])},
			nodemon: {label: 'nodemon', command: () => ['node', nodemonBin, '-q', '--watch', 'src', '-e', 'mjs', 'server.mjs']},
			'node-watch': {label: 'node --watch', command: () => ['node', '--watch-path=src', 'server.mjs']},
			devtui: {label: 'devtui (cold)', command: () => devtui([], ['node', 'server.mjs'])},
			warm: {label: 'devtui --warm', command: () => devtui(['--warm'], ['node', 'server.mjs']), warm: true},
		},
	},
	python: {
		title: 'Python stdlib fixture (http.server, /usr/bin/python3)',
		files: ['server.py'],
		ext: 'py',
		base: 'bare',
		peers: {
			bare: {label: 'bare restarter', command: () => bare([PY, 'server.py'])},
			nodemon: {label: 'nodemon', command: () => ['node', nodemonBin, '-q', '--watch', 'src', '-e', 'py', '--exec', `${PY} server.py`]},
			// Debian's hupper has no watchdog here, so it polls, once a second (its shortest interval).
			hupper: {label: 'hupper 1.10 (polling, 1 s)', command: () => [PY, '-c', 'import sys; from hupper.cli import main; sys.exit(main())', '-m', 'server', '-w', 'src/version.py', '-q']},
			devtui: {label: 'devtui (cold)', command: () => devtui([], [PY, 'server.py'])},
			warm: {label: 'devtui --warm', command: () => devtui(['--warm'], [PY, 'server.py']), warm: true},
		},
	},
	fastapi: {
		title: 'FastAPI 0.92 app under uvicorn 0.17 (/usr/bin/python3 -m uvicorn)',
		files: ['fastapi_app.py'],
		ext: 'py',
		base: 'devtui',
		peers: {
			bare: {label: 'bare restarter', command: port => bare([PY, '-m', 'uvicorn', 'fastapi_app:app', '--port', String(port), '--log-level', 'warning'])},
			uvicorn: {label: 'uvicorn --reload', command: port => [PY, '-m', 'uvicorn', 'fastapi_app:app', '--port', String(port), '--log-level', 'warning', '--reload', '--reload-dir', 'src']},
			devtui: {label: 'devtui (cold)', command: port => devtui([], [PY, '-m', 'uvicorn', 'fastapi_app:app', '--port', String(port), '--log-level', 'warning'])},
			warm: {label: 'devtui --warm', command: port => devtui(['--warm'], [PY, '-m', 'uvicorn', 'fastapi_app:app', '--port', String(port), '--log-level', 'warning']), warm: true},
		},
	},
	numpy: {
		title: 'An app importing numpy 1.24 (http.server, /usr/bin/python3)',
		files: ['numpy_app.py'],
		ext: 'py',
		base: 'devtui',
		peers: {
			bare: {label: 'bare restarter', command: () => bare([PY, 'numpy_app.py'])},
			devtui: {label: 'devtui (cold)', command: () => devtui([], [PY, 'numpy_app.py'])},
			warm: {label: 'devtui --warm', command: () => devtui(['--warm'], [PY, 'numpy_app.py']), warm: true},
		},
	},
};

const versionFile = (dir, ext, value) =>
	writeFileSync(path.join(dir, 'src', `version.${ext}`), ext === 'py' ? `version = ${JSON.stringify(value)}\n` : `export const version = ${JSON.stringify(value)};\n`);

const answer = async port => {
	try {
		const response = await fetch(`http://127.0.0.1:${port}/`, {signal: AbortSignal.timeout(1000)});
		return await response.text();
	} catch {
		return undefined;
	}
};

const waitForVersion = async (port, value, timeoutMs) => {
	const deadline = performance.now() + timeoutMs;
	while (performance.now() < deadline) {
		const text = await answer(port);
		if (text !== undefined && text.startsWith(value)) return performance.now();
		await sleep(2);
	}
	return undefined;
};

const startTime = pid => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
	} catch {
		return 0;
	}
};

// The parked interpreter: the newest process running the warm hook or launcher (the running
// instance, a former parked one, runs it too, and started earlier).
const parkedPids = rootPid =>
	processTree(rootPid)
		.filter(pid => {
			try {
				return /warm[-_](hook|launcher)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
			} catch {
				return false;
			}
		})
		.sort((a, b) => startTime(a) - startTime(b))
		.slice(-1);

const startPeer = async (name, spec, scenario) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-warm-'));
	for (const file of scenario.files) cpSync(path.join(apps, file), path.join(dir, file));
	mkdirSync(path.join(dir, 'src'));
	versionFile(dir, scenario.ext, 'init');
	const port = await freePort();
	const command = spec.command(port);
	// Python writes no __pycache__ into the watched directory: a bare fs.watch would restart on it.
	const child = spawn(command[0], command.slice(1), {
		cwd: dir,
		env: {...process.env, PORT: String(port), PYTHONDONTWRITEBYTECODE: '1', FORCE_COLOR: '0', NO_COLOR: '1', DEVTUI_TEST_WARM: ''},
		stdio: ['ignore', command.includes('--json') ? 'pipe' : 'ignore', 'pipe'],
		detached: true,
	});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
	// devtui's run/spawned events: when each instance was spawned, or handed "go" (epoch ms).
	const starts = [];
	const notices = [];
	if (child.stdout) {
		let rest = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', chunk => {
			const lines = (rest + chunk).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines) {
				if (!line.startsWith('{')) continue;
				try {
					const event = JSON.parse(line);
					if (event.type === 'run/spawned') starts.push({restart: event.restart, at: event.at - event.spawnMs, warm: event.warm !== undefined});
					if (event.type === 'devtui/notice') notices.push(event.message);
				} catch {}
			}
		});
	}
	const up = await waitForVersion(port, 'init', 30_000);
	if (up === undefined) throw new Error(`${name} did not serve: ${stderr}`);
	return {name, label: spec.label, warm: spec.warm, dir, port, child, stderr: () => stderr, starts, notices};
};

const runScenario = async (key, changes, gapMs) => {
	const scenario = SCENARIOS[key];
	const handles = [];
	try {
		for (const [name, spec] of Object.entries(scenario.peers)) handles.push(await startPeer(name, spec, scenario));
		await sleep(2000);
		const results = Object.fromEntries(handles.map(handle => [handle.name, {label: handle.label, ms: [], startMs: [], warmStarts: 0, timeouts: 0, parkedRss: []}]));
		for (let round = 1; round <= changes; round++) {
			for (const handle of handles) {
				const value = `${key}-${round}`;
				if (handle.warm) {
					const parked = parkedPids(handle.child.pid);
					if (parked.length) results[handle.name].parkedRss.push(rssMb(parked));
				}
				const started = performance.now();
				const startedEpoch = Date.now();
				const before = handle.starts.length;
				versionFile(handle.dir, scenario.ext, value);
				const done = await waitForVersion(handle.port, value, 20_000);
				if (done === undefined) results[handle.name].timeouts++;
				else {
					results[handle.name].ms.push(done - started);
					const spawned = handle.starts.slice(before).at(-1);
					if (spawned) {
						// From the spawn (or go) of the instance that serves it to its first answer.
						results[handle.name].startMs.push(startedEpoch + (done - started) - spawned.at);
						if (spawned.warm) results[handle.name].warmStarts++;
					}
				}
				await sleep(gapMs);
			}
		}
		const said = handles.flatMap(handle => handle.notices.filter(message => message.startsWith('--warm')).map(message => `${handle.label}: ${message}`));
		return {scenario, results, said};
	} finally {
		for (const handle of handles) {
			await stopTree(handle.child);
			rmSync(handle.dir, {recursive: true, force: true});
		}
	}
};

const idleCpu = async seconds => {
	const rows = [];
	for (const [key, command] of [
		['node', ['node', 'server.mjs']],
		['python', [PY, 'server.py']],
	]) {
		const scenario = SCENARIOS[key];
		const handle = await startPeer(`idle-${key}`, {label: 'devtui --warm', command: () => devtui(['--warm'], command)}, scenario);
		try {
			await sleep(3000);
			const pids = processTree(handle.child.pid);
			const before = cpuNs(pids);
			const started = performance.now();
			await sleep(seconds * 1000);
			const cpu = cpuNs(pids) - before;
			const parked = parkedPids(handle.child.pid);
			rows.push([`devtui --warm, ${key} fixture`, fixed((cpu / 1e6 / (performance.now() - started)) * 100, 2), parked.length, fixed(rssMb(parked))]);
		} finally {
			await stopTree(handle.child);
			rmSync(handle.dir, {recursive: true, force: true});
		}
	}
	return rows;
};

// The stat check at go, on what a parked FastAPI (and numpy) interpreter has loaded: every module's
// file and the import path's directories, as the launcher reports them.
const checkAtGo = async () => {
	const {execFileSync} = await import('node:child_process');
	const {takeBaseline, firstStale} = await import('../dist/src/warm/freshness.js');
	const rows = [];
	for (const [label, imports] of [
		['FastAPI + uvicorn', 'fastapi, uvicorn, uvicorn.main'],
		['FastAPI + uvicorn + numpy', 'fastapi, uvicorn, uvicorn.main, numpy'],
	]) {
		const script = `import json, os, sys, ${imports}\nout = []\nfor m in list(sys.modules.values()):\n    f = getattr(m, '__file__', None)\n    if isinstance(f, str):\n        st = os.stat(f); out.append([f, str(st.st_mtime_ns), st.st_size, st.st_ino])\nfor e in sys.path:\n    if e and os.path.isdir(e):\n        st = os.stat(e); out.append([e, str(st.st_mtime_ns), st.st_size, st.st_ino])\nprint(json.dumps(out))`;
		const stamps = JSON.parse(execFileSync(PY, ['-c', script], {encoding: 'utf8'}));
		const baseline = takeBaseline(stamps);
		const times = [];
		for (let round = 0; round < 200; round++) {
			const started = performance.now();
			if (firstStale(baseline) !== undefined) throw new Error('a file changed during the measure');
			times.push(performance.now() - started);
		}
		rows.push([label, stamps.length, fixed(median(times), 3), fixed(p90(times), 3)]);
	}
	return rows;
};

const parse = argv => {
	const options = {changes: 20, only: ['node', 'python', 'fastapi', 'numpy', 'idle'], gapMs: 600};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--changes') options.changes = Number(argv[++index]);
		else if (arg === '--gap') options.gapMs = Number(argv[++index]);
		else if (arg === '--only') options.only = String(argv[++index]).split(',');
		else {
			console.error('usage: node bench/warm.mjs [--changes 20] [--gap 600] [--only node,python,fastapi,numpy,idle]');
			process.exit(2);
		}
	}
	return options;
};

const main = async () => {
	const options = parse(process.argv.slice(2));
	if (!existsSync(devtuiCli)) throw new Error('devtui is not built: run `npm run build` first');
	if (!existsSync(nodemonBin)) throw new Error('the peers are not installed: run `npm --prefix bench ci` first');
	const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
	console.log(`# Warm restarts\n\n${new Date().toISOString()} · ${cpu} · ${os.cpus().length} cores · node ${process.version} · \`node bench/warm.mjs ${process.argv.slice(2).join(' ')}\`\n`);
	const raw = {};
	for (const key of options.only.filter(name => name !== 'idle')) {
		const {scenario, results, said} = await runScenario(key, options.changes, options.gapMs);
		raw[key] = results;
		const base = median(results[scenario.base].ms);
		const bareMs = median(results.bare?.ms ?? []);
		const coldStart = median(results.devtui?.startMs ?? []);
		const rows = Object.values(results).map(result => [
			result.label,
			result.ms.length,
			fixed(median(result.ms)),
			fixed(p90(result.ms)),
			fixed(max(result.ms)),
			ratio(median(result.ms), bareMs),
			...(scenario.base === 'bare' ? [] : [ratio(median(result.ms), base)]),
			result.startMs.length ? fixed(median(result.startMs)) : '',
			result.startMs.length ? ratio(median(result.startMs), coldStart) : '',
			result.startMs.length ? `${result.warmStarts}/${result.startMs.length}` : '',
			result.parkedRss.length ? fixed(median(result.parkedRss)) : '',
			result.timeouts,
		]);
		console.log(`## ${scenario.title} (${options.changes} changes per tool, interleaved)\n`);
		console.log(
			table(
				['tool', 'n', 'change→serving median ms', 'p90', 'max', 'vs bare', ...(scenario.base === 'bare' ? [] : ['vs devtui cold']), 'start→serving median ms', 'vs cold start', 'warm starts', 'parked RSS MB', 'timeouts'],
				rows,
			),
		);
		if (said.length) console.log(`\n${said.map(line => `- ${line}`).join('\n')}`);
		console.log('');
	}
	if (options.only.includes('idle')) {
		console.log('## devtui --warm at idle (10 s, after the parked interpreter has loaded)\n');
		console.log(table(['run', 'CPU % (devtui + app + parked)', 'parked processes', 'parked RSS MB'], await idleCpu(10)));
		console.log('');
		console.log('## The freshness check at go (200 rounds)\n');
		console.log(table(['parked interpreter has loaded', 'files and dirs', 'median ms', 'p90 ms'], await checkAtGo()));
		console.log('');
	}
	const out = path.join(benchDir, 'results');
	mkdirSync(out, {recursive: true});
	writeFileSync(path.join(out, `warm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(raw, null, 2));
};

main().catch(error => {
	console.error(`bench: ${error.message}`);
	process.exit(1);
});
