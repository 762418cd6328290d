// The benchmark suite: devtui against a bare restarter, nodemon and node --watch.
//   npm run build && npm --prefix bench install
//   node bench/run.mjs [--quick] [--only latency,pysave,burst,idle,flood,tree]
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
import {measurePythonSave} from './measures/python-save.mjs';
import {measureTree} from './measures/tree.mjs';
import {PEERS, PYTHON, stopAllPeers} from './lib/peers.mjs';
import {startSpawnWatch} from './lib/spawns.mjs';
import {fixed, max, median, p90, ratio, table} from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const ALL = ['latency', 'pysave', 'burst', 'idle', 'flood', 'tree'];
// `burst` is both fixtures; these run one.
const PARTS = [...ALL, 'burst-node', 'burst-python'];

const parse = argv => {
	const options = {quick: false, only: ALL};
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--quick') options.quick = true;
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const value = arg.includes('=') ? arg.slice(7) : argv[++index];
			options.only = (value ?? '').split(',').filter(Boolean);
			const unknown = options.only.filter(name => !PARTS.includes(name));
			if (unknown.length || options.only.length === 0) fail(`--only takes a list of: ${PARTS.join(', ')}`);
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
	let commit = 'unknown';
	try {
		commit = execFileSync('git', ['-C', path.dirname(benchDir), 'log', '-1', '--format=%h %s'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim().slice(0, 80);
	} catch {}
	return {nproc: os.availableParallelism(), cpu, kernel: os.release(), node: process.version, nodemon, python: execFileSync('python3', ['-V'], {encoding: 'utf8'}).trim(), fixturePython: `${PYTHON} (${execFileSync(PYTHON, ['-V'], {encoding: 'utf8'}).trim()})`, commit, date: new Date().toISOString()};
};

const latencyTable = results => {
	const base = median(results.bare?.ms ?? []);
	return table(
		['tool', 'n', 'median ms', 'p90 ms', 'max ms', 'vs bare', 'vs bare ms', 'devtui change→spawn median (p90)', 'tool CPU ms / restart', 'timeouts'],
		Object.values(results).map(result => [
			result.label,
			result.ms.length,
			fixed(median(result.ms)),
			fixed(p90(result.ms)),
			fixed(max(result.ms)),
			ratio(median(result.ms), base),
			plus(median(result.ms) - base),
			result.changeToSpawnMs.length ? `${fixed(median(result.changeToSpawnMs), 0)} (${fixed(p90(result.changeToSpawnMs), 0)})` : '–',
			fixed(result.cpuNs / 1e6 / Math.max(1, result.restarts)),
			result.timeouts,
		]),
	);
};

const plus = value => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)}` : '–');

/** "1×17 2×3": how many bursts (after ×) had that many spawns. */
const distribution = values => {
	const counts = new Map();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort(([a], [b]) => a - b).map(([value, count]) => `${value}×${count}`).join(' ');
};

const pythonSaveTable = results => {
	const base = median(results.bare?.ms ?? []);
	return table(
		['tool', 'n', 'median ms', 'p90 ms', 'max ms', 'vs bare ms', 'vs bare', 'spawns per save (max)', 'devtui change→spawn median (p90)', 'devtui check ms median (p90)', 'timeouts'],
		Object.values(results).map(result => [
			result.label,
			result.ms.length,
			fixed(median(result.ms)),
			fixed(p90(result.ms)),
			fixed(max(result.ms)),
			plus(median(result.ms) - base),
			ratio(median(result.ms), base),
			result.spawns.length ? `${median(result.spawns)} (${max(result.spawns)})` : '–',
			result.changeToSpawnMs.length ? `${fixed(median(result.changeToSpawnMs), 0)} (${fixed(p90(result.changeToSpawnMs), 0)})` : '–',
			result.checkMs.length ? `${fixed(median(result.checkMs), 0)} (${fixed(p90(result.checkMs), 0)})` : '–',
			result.timeouts,
		]),
	);
};

const burstTable = results =>
	table(
		['shape', 'tool', 'spawns per burst: median', 'max', 'spawns×bursts', 'reached READY: median (max)', 'last write → ready median ms', 'p90 ms', 'final content seen'],
		Object.values(results).flatMap(({shape, tools}) =>
			Object.values(tools).map(tool => {
				const spawns = tool.bursts.map(burst => burst.spawns);
				const readies = tool.bursts.map(burst => burst.readies);
				const toReady = tool.bursts.map(burst => burst.lastWriteToReadyMs).filter(Number.isFinite);
				return [
					shape.label,
					tool.label,
					median(spawns),
					max(spawns),
					distribution(spawns),
					`${median(readies)} (${max(readies)})`,
					fixed(median(toReady)),
					fixed(p90(toReady)),
					`${tool.bursts.filter(burst => burst.finalSeen).length}/${tool.bursts.length}`,
				];
			}),
		),
	);

/** What the table leaves out: the bursts' real spans, holds, and anything that makes a count doubtful. */
const burstNotes = (results, reps) => {
	const notes = [];
	for (const {shape, writes, loadLoops, loadPinned, load, tools} of Object.values(results)) {
		const all = Object.values(tools).flatMap(tool => tool.bursts);
		notes.push(`- ${shape.label}: write span median ${fixed(median(all.map(burst => burst.writeSpanMs)), 0)} ms (scheduled ${(writes - 1) * shape.gapMs}), largest gap median ${fixed(median(all.map(burst => burst.maxGapMs)), 0)} ms, max ${fixed(max(all.map(burst => burst.maxGapMs)), 0)}${load ? `; ${loadLoops} busy loops${loadPinned ? ', one pinned to each core' : ' (not pinned: no taskset)'}` : ''}`);
		for (const [name, tool] of Object.entries(tools)) {
			const problems = [];
			const held = tool.bursts.filter(burst => burst.held).length;
			if (held) problems.push(`held restarts in ${held} burst(s) (feedback loop on ${[...new Set(tool.bursts.flatMap(burst => burst.feedbackLoops))].join(', ') || '?'}), restarted afresh ${tool.restartedAfterHold} time(s)`);
			const strays = tool.bursts.reduce((sum, burst) => sum + burst.strays, 0);
			if (strays) problems.push(`${strays} app instance(s) left running outside the tool's process tree after a burst (it lost track of them; the bench killed them)`);
			const notReady = tool.bursts.filter(burst => burst.finalInstanceNotReady).length;
			if (notReady) problems.push(`the last instance spawned never said READY in ${notReady} burst(s)`);
			const inferred = tool.bursts.reduce((sum, burst) => sum + burst.spawnsInferred, 0);
			if (inferred) problems.push(`${inferred} spawn(s) gone before their command line could be read, counted by their process name or place (lib/spawns.mjs)`);
			const unresolved = tool.bursts.reduce((sum, burst) => sum + burst.unresolvedExecs, 0);
			if (unresolved) problems.push(`${unresolved} other process(es) gone, and reaped, before they could be read, not counted (a tool's helpers such as nodemon's \`ps\`, or spawns killed at once: a count may be short by these)`);
			const devtuiDiffers = tool.bursts.filter(burst => burst.devtuiSpawned !== undefined && burst.spawnSource === 'kernel' && burst.devtuiSpawned !== burst.spawns).length;
			if (devtuiDiffers) problems.push(`devtui's own run/spawned count differs from the kernel's in ${devtuiDiffers} burst(s)`);
			if (problems.length) notes.push(`  - ${shape.label}, ${tool.label}: ${problems.join('; ')}`);
		}
	}
	notes.push(`- spawns: distinct app instances started in the burst's window (from its first write to the same tool's next burst), as the kernel saw them exec; "reached READY" is what the apps reported, which is all the old measure counted. ${reps} bursts per tool and shape.`);
	return notes.join('\n');
};

let spawnWatch;

const main = async () => {
	const options = parse(process.argv.slice(2));
	preflight();
	const info = machine();
	const quick = options.quick;
	const out = {machine: info, quick, results: {}};
	mkdirSync(path.join(benchDir, 'results'), {recursive: true});
	const file = path.join(benchDir, 'results', `${info.date.replaceAll(':', '-')}${quick ? '-quick' : ''}.json`);
	// After each part, so an interrupted run keeps what it measured.
	const save = () => writeFileSync(file, `${JSON.stringify(out, null, '\t')}\n`);
	console.log(`devtui bench ${quick ? '(quick) ' : ''}· ${info.nproc} × ${info.cpu} · linux ${info.kernel} · node ${info.node} · nodemon ${info.nodemon} · ${info.python} (Python fixture: ${info.fixturePython}) · ${info.commit} · ${info.date}\n`);
	const peersFor = app => Object.keys(PEERS).filter(name => PEERS[name].apps.includes(app));
	const peers = peersFor('node');
	const wants = part => options.only.includes(part);
	const burstFixtures = ['node', 'python'].filter(fixture => wants('burst') || wants(`burst-${fixture}`));
	// App spawns are counted from the kernel's process events; only the burst and Python save use them.
	if (burstFixtures.length || wants('pysave')) {
		spawnWatch = await startSpawnWatch();
		out.spawnCount = spawnWatch.available ? 'kernel process events' : `app START lines (kernel events unavailable: ${spawnWatch.reason})`;
		if (!spawnWatch.available) console.log(`> spawns are counted from the apps' START lines, a lower bound: the kernel's process events are unavailable (${spawnWatch.reason}; they need root)\n`);
	}
	if (wants('latency')) {
		const changes = quick ? 8 : 30;
		const node = await measureLatency({peers, app: 'node', changes});
		out.results.latencyNode = node;
		save();
		console.log(`## Restart latency, Node app (${changes} changes per tool, interleaved)\n\n${latencyTable(node)}\n`);
	}
	if (wants('pysave')) {
		const changes = quick ? 8 : 30;
		const pythonSave = await measurePythonSave({changes, spawnWatch});
		out.results.pythonSave = pythonSave;
		save();
		const holds = Object.values(pythonSave).filter(result => result.holds).map(result => `${result.label} ${result.holds}`);
		console.log(`## Single save, Python fixture (.py modules, so devtui's Python check runs; ${changes} saves per tool, interleaved)\n\n${pythonSaveTable(pythonSave)}\n`);
		console.log(`- spawns per save: app instances the kernel saw start between one save and the same tool's next (the bare restarter restarts on every event, and one write can make two).${holds.length ? `\n- restarts held as a feedback loop (the save timed out, or the next would have; that devtui was replaced by a fresh one): ${holds.join(', ')} time(s).` : ''}\n`);
	}
	for (const fixture of burstFixtures) {
		const reps = quick ? 3 : 20;
		const app = fixture === 'python' ? 'loaded-python' : 'loaded-node';
		const burst = await measureBurst({fixture, peers: peersFor(app), reps, spawnWatch, log: quick ? undefined : message => console.error(message)});
		out.results[`burst${fixture === 'python' ? 'Python' : 'Node'}`] = burst;
		save();
		console.log(`## Bursts, ${fixture === 'python' ? 'Python' : 'Node'} fixture: 20 writes to 10 files (each twice) (${reps} bursts per tool and shape, interleaved)\n\n${burstTable(burst)}\n`);
		console.log(`${burstNotes(burst, reps)}\n`);
	}
	if (options.only.includes('idle')) {
		const windowMs = quick ? 3000 : 10_000;
		const idle = await measureIdle({peers, windowMs});
		out.results.idle = idle;
		save();
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
		save();
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
		save();
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
	save();
	console.log(`raw figures: ${path.relative(process.cwd(), file)}`);
};

// Interrupted: the tools (and the busy loops, lib/load.mjs) must not outlive the bench.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, async () => {
		interrupted = true;
		console.error(`bench: ${signal}, stopping the tools`);
		spawnWatch?.close();
		await stopAllPeers();
		process.exit(130);
	});
}

try {
	await main();
	spawnWatch?.close();
} catch (error) {
	// The measure in progress fails as its tools are taken away: the handler above exits.
	if (!interrupted) {
		spawnWatch?.close();
		throw error;
	}
}
