// The benchmark suite: devtui against a bare restarter, nodemon and node --watch.
//   npm run build && npm --prefix bench install
//   node bench/run.mjs [--quick] [--only latency,burst,idle,flood,tree]
// Prints Markdown tables and writes the raw figures to bench/results/<date>.json.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {measureBurst} from './measures/burst.mjs';
import {measureFlood} from './measures/flood.mjs';
import {measureIdle} from './measures/idle.mjs';
import {measureLatency} from './measures/latency.mjs';
import {measureTree} from './measures/tree.mjs';
import {PEERS} from './lib/peers.mjs';
import {fixed, max, median, p90, ratio, table} from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const ALL = ['latency', 'burst', 'idle', 'flood', 'tree'];

const parse = argv => {
	const options = {quick: false, only: ALL};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--quick') options.quick = true;
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const value = arg.includes('=') ? arg.slice(7) : argv[++index];
			options.only = (value ?? '').split(',').filter(Boolean);
			const unknown = options.only.filter(name => !ALL.includes(name));
			if (unknown.length || options.only.length === 0) fail(`--only takes a list of: ${ALL.join(', ')}`);
		} else fail(`unknown option ${arg}; usage: node bench/run.mjs [--quick] [--only ${ALL.join(',')}]`);
	}
	return options;
};

function fail(message) {
	console.error(`bench: ${message}`);
	process.exit(2);
}

const preflight = () => {
	if (!existsSync(path.join(benchDir, '../dist/src/cli.js'))) fail('devtui is not built: run `npm run build` first');
	if (!existsSync(path.join(benchDir, 'node_modules/nodemon'))) fail('the peers are not installed: run `npm --prefix bench install` first');
	for (const tool of ['tmux', 'python3']) {
		try {
			execFileSync(tool, ['-V'], {stdio: 'ignore'});
		} catch {
			fail(`${tool} is needed`);
		}
	}
};

const machine = () => {
	const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
	const nodemon = JSON.parse(readFileSync(path.join(benchDir, 'node_modules/nodemon/package.json'), 'utf8')).version;
	return {nproc: os.availableParallelism(), cpu, kernel: os.release(), node: process.version, nodemon, python: execFileSync('python3', ['-V'], {encoding: 'utf8'}).trim(), date: new Date().toISOString()};
};

const latencyTable = results => {
	const base = median(results.bare?.ms ?? []);
	return table(
		['tool', 'n', 'median ms', 'p90 ms', 'max ms', 'vs bare', 'devtui change→spawn median (p90)', 'tool CPU ms / restart', 'timeouts'],
		Object.values(results).map(result => [
			result.label,
			result.ms.length,
			fixed(median(result.ms)),
			fixed(p90(result.ms)),
			fixed(max(result.ms)),
			ratio(median(result.ms), base),
			result.changeToSpawnMs.length ? `${fixed(median(result.changeToSpawnMs), 0)} (${fixed(p90(result.changeToSpawnMs), 0)})` : '–',
			fixed(result.cpuNs / 1e6 / Math.max(1, result.restarts)),
			result.timeouts,
		]),
	);
};

const main = async () => {
	const options = parse(process.argv.slice(2));
	preflight();
	const info = machine();
	const quick = options.quick;
	const out = {machine: info, quick, results: {}};
	console.log(`devtui bench ${quick ? '(quick) ' : ''}· ${info.nproc} × ${info.cpu} · linux ${info.kernel} · node ${info.node} · nodemon ${info.nodemon} · ${info.python} · ${info.date}\n`);
	const peersFor = app => Object.keys(PEERS).filter(name => PEERS[name].apps.includes(app));
	const peers = peersFor('node');
	if (options.only.includes('latency')) {
		const changes = quick ? 8 : 30;
		const node = await measureLatency({peers, app: 'node', changes});
		out.results.latencyNode = node;
		console.log(`## Restart latency, Node app (${changes} changes per tool, interleaved)\n\n${latencyTable(node)}\n`);
		const python = await measureLatency({peers: peersFor('python'), app: 'python', changes});
		out.results.latencyPython = python;
		console.log(`## Restart latency, Python app (${changes} changes per tool, interleaved)\n\n${latencyTable(python)}\n`);
	}
	if (options.only.includes('burst')) {
		const bursts = quick ? 3 : 10;
		const burst = await measureBurst({peers, bursts});
		out.results.burst = burst;
		console.log(
			`## Bursts: 20 writes to 10 files within 200 ms (${bursts} bursts per tool)\n\n${table(
				['tool', 'restarts per burst: median', 'max', 'min', 'last write → ready median ms', 'p90 ms', 'last instance saw the last writes'],
				Object.values(burst).map(result => [
					result.label,
					median(result.restarts),
					max(result.restarts),
					Math.min(...result.restarts),
					fixed(median(result.lastWriteToReadyMs)),
					fixed(p90(result.lastWriteToReadyMs)),
					`${result.sawLastWrite}/${result.bursts}`,
				]),
			)}\n`,
		);
	}
	if (options.only.includes('idle')) {
		const windowMs = quick ? 3000 : 10_000;
		const idle = await measureIdle({peers, windowMs});
		out.results.idle = idle;
		console.log(
			`## Idle (app started and idle; the tool's processes only; ${windowMs / 1000} s windows from 2 s and from ${idle.settledFromS} s after the last start)\n\n${table(
				['tool', 'CPU % first minute', 'CPU % settled', 'RSS MB first minute', 'RSS MB settled', 'open fds', 'processes'],
				Object.values(idle.tools).map(result => [
					result.label,
					fixed(result.early.cpuPercent, 2),
					fixed(result.settled.cpuPercent, 2),
					fixed(result.early.rssMb),
					fixed(result.settled.rssMb),
					result.settled.fds,
					result.settled.processes,
				]),
			)}\n`,
		);
	}
	if (options.only.includes('flood')) {
		const lines = quick ? 100_000 : 500_000;
		const reps = quick ? 1 : 3;
		const flood = await measureFlood({peers: peersFor('flood'), lines, reps, formats: ['plain', 'pino']});
		out.results.flood = flood;
		for (const [format, rows] of Object.entries(flood)) {
			const base = median(rows.devnull.ms);
			console.log(
				`## Log flood: ${lines.toLocaleString('en')} ${format} lines (${reps} run(s) each)\n\n${table(
					['tool', 'app time median ms', 'vs /dev/null', 'tool peak RSS MB (max)', 'key p → on screen ms'],
					Object.values(rows).map(result => [
						result.label,
						fixed(median(result.ms), 0),
						ratio(median(result.ms), base),
						result.peakRssMb ? fixed(max(result.peakRssMb), 0) : '–',
						result.keyMs?.length ? result.keyMs.map(key => (key.late ? 'flood ended first' : `${fixed(key.keyMs, 0)}${key.floodStillRunning ? '' : ' (after flood)'}`)).join(', ') : '–',
					]),
				)}\n`,
			);
		}
	}
	if (options.only.includes('tree')) {
		const reps = quick ? 1 : 3;
		const tree = await measureTree({reps, changes: quick ? 5 : 10});
		out.results.tree = tree;
		console.log(
			`## Large tree: ${tree.tree.files.toLocaleString('en')} files (50,000 in src/, 100,000 in node_modules/, 20,000 in a .gitignore'd build/), ${reps} run(s) each\n\n${table(
				['tool', 'watcher ready s (each run)', 'CPU s to ready (median)', 'RSS MB (median)', 'change → ready median ms', 'p90 ms', 'timeouts'],
				Object.values(tree.runs).map(({label, runs}) => {
					const changes = runs.flatMap(run => run.changeMs);
					return [
						label,
						runs.map(run => (run.failed ? run.failed : fixed(run.readyMs / 1000, 2))).join(', '),
						fixed(median(runs.map(run => run.cpuMsToReady ?? NaN).filter(Number.isFinite)) / 1000, 2),
						fixed(median(runs.map(run => run.rssMb ?? NaN).filter(Number.isFinite))),
						fixed(median(changes)),
						fixed(p90(changes)),
						runs.reduce((sum, run) => sum + run.timeouts, 0),
					];
				}),
			)}\n\nThe tree took ${fixed(tree.tree.writeMs / 1000)} s to write.\n`,
		);
	}
	mkdirSync(path.join(benchDir, 'results'), {recursive: true});
	const file = path.join(benchDir, 'results', `${info.date.replaceAll(':', '-')}${quick ? '-quick' : ''}.json`);
	writeFileSync(file, `${JSON.stringify(out, null, '\t')}\n`);
	console.log(`raw figures: ${path.relative(process.cwd(), file)}`);
};

await main();
