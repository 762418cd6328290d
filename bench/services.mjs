// Several services: devtui running a stack of 10 services against devtui running one app.
//
//   npm run build && node bench/services.mjs [--rounds 30] [--services 10] [--json]
//
// Both run side by side, headless with --json, each service the bench's usual app
// (bench/apps/server.mjs over a src/ of 10 .mjs files, reporting READY to the bench's TCP port).
// - Idle: devtui's own processes (the tree minus the apps: devtui, its watchdogs, its sd_notify
//   relays) over a 10 s window from 2 s after every app was ready: CPU % and RSS; devtui's node
//   process on its own too.
// - Change -> ready: one file of one service written, until that service's new instance says READY
//   with the new content; the stack's target goes round the ten services, and the changes alternate
//   stack, single, stack, ... so load drifts on both alike. Medians and p90 over the rounds.
// - Spawns: every service's restarts from its run/spawned events: a change to one service must
//   spawn that service once and no other.
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {startNotify} from './lib/notify.mjs';
import {cpuNs, processTree, rssMb, stopTree, toolProcesses} from './lib/proc.mjs';
import {fixed, median, p90, table} from './lib/stats.mjs';
import {fileContent} from './lib/peers.mjs';
import {onDevtuiEvents} from './lib/lines.mjs';

// --from <file>: print the table of an earlier --json run instead of measuring.
const {values: args} = parseArgs({
	options: {rounds: {type: 'string', default: '30'}, services: {type: 'string', default: '10'}, json: {type: 'boolean', default: false}, from: {type: 'string'}},
});
const ROUNDS = Number(args.rounds);
const SERVICES = Number(args.services);
const FILES = 10;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(benchDir, '..', 'dist/src/cli.js');
const app = path.join(benchDir, 'apps/server.mjs');
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const makeSrc = dir => {
	mkdirSync(path.join(dir, 'src'), {recursive: true});
	for (let index = 0; index < FILES; index++) writeFileSync(path.join(dir, 'src', `f${index}.mjs`), fileContent(index, 'init'));
	return path.join(dir, 'src');
};

const runDevtui = (args, cwd, env) => {
	const child = spawn(process.execPath, [cli, ...args], {cwd, env: {...process.env, FORCE_COLOR: '0', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	const events = [];
	onDevtuiEvents(child.stdout, event => events.push(event));
	child.stderr.resume();
	return {child, events};
};

const measure = async () => {
	const notify = await startNotify();
	const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-services-'));
	const singleDir = path.join(root, 'single');
	const stackDir = path.join(root, 'stack');
	const singleSrc = makeSrc(singleDir);
	const names = Array.from({length: SERVICES}, (_, index) => `s${index}`);
	const srcOf = Object.fromEntries(names.map(name => [name, makeSrc(path.join(stackDir, name))]));
	writeFileSync(
		path.join(stackDir, 'devtui.config.json'),
		JSON.stringify({
			services: Object.fromEntries(
				names.map(name => [name, {command: ['node', app], cwd: name, watch: ['src'], ext: 'mjs', env: {BENCH_SRC: srcOf[name], BENCH_PORT: String(notify.port)}}]),
			),
		}),
	);

	const readyCount = () => notify.lines.filter(line => line.kind === 'READY').length;
	const single = runDevtui(['--json', '-w', 'src', '-e', 'mjs', '--', 'node', app], singleDir, {BENCH_SRC: singleSrc, BENCH_PORT: String(notify.port)});
	const stack = runDevtui(['--json'], stackDir, {});
	const results = {rounds: ROUNDS, services: SERVICES};
	try {
		await notify.waitFor(() => readyCount() >= SERVICES + 1, {timeout: 60_000});
		if (readyCount() < SERVICES + 1) throw new Error(`only ${readyCount()} of ${SERVICES + 1} apps reported READY`);
		const watching = events => events.filter(event => event.type === 'watch/ready').length;
		for (let tries = 0; tries < 300 && (watching(single.events) < 1 || watching(stack.events) < SERVICES); tries++) await sleep(50);

		// Idle.
		const appPids = () => new Set(notify.lines.map(line => line.pid));
		// The tree minus every app instance and what runs under it.
		const toolPids = child => {
			const apps = new Set([...appPids()].flatMap(pid => processTree(pid)));
			return toolProcesses(child.pid, () => false).filter(pid => !apps.has(pid));
		};
		await sleep(2000);
		const measured = [single, stack].map(run => ({run, pids: toolPids(run.child), cpu: cpuNs(toolPids(run.child)), self: cpuNs([run.child.pid])}));
		const windowStart = performance.now();
		await sleep(10_000);
		const windowNs = (performance.now() - windowStart) * 1e6;
		results.idle = Object.fromEntries(
			measured.map(({run, cpu, self}, index) => {
				const pids = toolPids(run.child);
				return [
					index === 0 ? 'single' : 'stack',
					{
						cpuPercent: ((cpuNs(pids) - cpu) / windowNs) * 100,
						devtuiCpuPercent: ((cpuNs([run.child.pid]) - self) / windowNs) * 100,
						rssMb: rssMb(pids),
						devtuiRssMb: rssMb([run.child.pid]),
						processes: pids.length,
					},
				];
			}),
		);

		// Change -> ready.
		const latency = {single: [], stack: []};
		const targeted = Object.fromEntries(names.map(name => [name, 0]));
		const change = async (src, value) => {
			const from = notify.lines.length;
			const started = performance.now();
			writeFileSync(path.join(src, 'f0.mjs'), fileContent(0, value));
			const ready = await notify.waitFor(line => line.kind === 'READY' && line.rest.includes(JSON.stringify(value)), {from, timeout: 10_000});
			return ready ? ready.at - started : undefined;
		};
		for (let round = 1; round <= ROUNDS; round++) {
			const target = names[(round - 1) % SERVICES];
			targeted[target]++;
			const stackMs = await change(srcOf[target], `stack-${round}`);
			if (stackMs !== undefined) latency.stack.push(stackMs);
			await sleep(250);
			const singleMs = await change(singleSrc, `single-${round}`);
			if (singleMs !== undefined) latency.single.push(singleMs);
			await sleep(250);
		}
		await sleep(500);
		const restartsBy = service => stack.events.filter(event => event.type === 'run/spawned' && event.restart > 0 && event.service === service).length;
		results.latency = latency;
		results.spawns = Object.fromEntries(names.map(name => [name, {changes: targeted[name], spawns: restartsBy(name)}]));
		results.singleSpawns = single.events.filter(event => event.type === 'run/spawned' && event.restart > 0).length;
	} finally {
		await Promise.all([stopTree(single.child), stopTree(stack.child)]);
		notify.close();
		rmSync(root, {recursive: true, force: true});
	}
	return results;
};

const results = args.from ? JSON.parse(readFileSync(args.from, 'utf8')) : await measure();
const rounds = results.rounds ?? ROUNDS;
const serviceCount = results.services ?? SERVICES;

if (args.json) {
	console.log(JSON.stringify(results, null, 2));
} else {
	const {idle, latency, spawns} = results;
	console.log(`## Several services: ${serviceCount} services against one app (${rounds} changes each, interleaved)\n`);
	console.log(
		table(
			['run', 'idle CPU % (all devtui processes)', 'idle CPU % (devtui itself)', 'RSS MB (all)', 'RSS MB (devtui itself)', 'processes', 'change→ready median ms', 'p90 ms'],
			[
				['one app', fixed(idle.single.cpuPercent, 2), fixed(idle.single.devtuiCpuPercent, 2), fixed(idle.single.rssMb), fixed(idle.single.devtuiRssMb), idle.single.processes, fixed(median(latency.single)), fixed(p90(latency.single))],
				[`${serviceCount} services`, fixed(idle.stack.cpuPercent, 2), fixed(idle.stack.devtuiCpuPercent, 2), fixed(idle.stack.rssMb), fixed(idle.stack.devtuiRssMb), idle.stack.processes, fixed(median(latency.stack)), fixed(p90(latency.stack))],
			],
		),
	);
	console.log(`\nchange→ready, ${serviceCount} services minus one app: ${fixed(median(latency.stack) - median(latency.single))} ms (medians)`);
	const wrong = Object.entries(spawns).filter(([, {changes, spawns: count}]) => changes !== count);
	console.log(
		`spawns: ${Object.values(spawns).reduce((sum, entry) => sum + entry.spawns, 0)} restarts for ${rounds} changes; ${
			wrong.length === 0 ? 'each service spawned exactly once per change to it, and never for another' : `MISMATCH: ${wrong.map(([name, entry]) => `${name} ${entry.spawns}/${entry.changes}`).join(', ')}`
		} (one app: ${results.singleSpawns} restarts)`,
	);
}
