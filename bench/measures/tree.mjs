// Large tree: a project of 50,000 source files in 5,000 directories, beside a node_modules of
// 100,000 files and a build directory of 20,000 files that .gitignore names. devtui (headless) and
// nodemon watch the whole project (their defaults: devtui skips node_modules and .gitignore'd
// paths, nodemon skips node_modules but reads no .gitignore), one after the other (A B A B ...) on
// the same tree, so both meet a warm page cache. For each run: the time from spawn until the tool
// says its watcher is ready (devtui's watch/ready event, nodemon's "watching N files" line), the
// tool's RSS and CPU by then, and the change latency afterwards. The tree is deleted at the end.
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startNotify} from '../lib/notify.mjs';
import {APPS, fileContent} from '../lib/peers.mjs';
import {cpuNs, rssMb, stopTree, toolProcesses} from '../lib/proc.mjs';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const devtuiCli = path.join(benchDir, '../dist/src/cli.js');
const nodemonBin = path.join(benchDir, 'node_modules/nodemon/bin/nodemon.js');
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const TOOLS = {
	devtui: {label: 'devtui headless', command: () => ['node', devtuiCli, '--json', '-e', 'mjs', '--', ...APPS.node], ready: line => line.startsWith('{"type":"watch/ready"')},
	nodemon: {label: 'nodemon', command: () => ['node', nodemonBin, '--verbose', '-e', 'mjs', APPS.node[1]], ready: line => /\[nodemon\] watching \d+ files?/.test(line)},
};

/** Writes `dirs` directories of `perDir` files under `root`, grouped 50 directories to a parent. */
const writeFiles = (root, dirs, perDir, name, content) => {
	for (let dir = 0; dir < dirs; dir++) {
		const at = path.join(root, `g${Math.floor(dir / 50)}`, `d${dir % 50}`);
		mkdirSync(at, {recursive: true});
		for (let file = 0; file < perDir; file++) writeFileSync(path.join(at, name(file)), content(file));
	}
};

export const makeTree = ({srcFiles = 50_000, srcDirs = 5000, modules = 100_000, buildFiles = 20_000} = {}) => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-tree-'));
	const started = performance.now();
	const perDir = Math.ceil(srcFiles / srcDirs);
	writeFiles(path.join(root, 'src'), srcDirs, perDir, file => `f${file}.mjs`, file => fileContent(file, 'init'));
	// 1,000 packages of 100 files, each with a package.json, like an installed dependency tree.
	writeFiles(path.join(root, 'node_modules'), modules / 100, 100, file => (file === 0 ? 'package.json' : `m${file}.js`), file => (file === 0 ? '{"name":"x"}\n' : `module.exports = ${file};\n`));
	writeFiles(path.join(root, 'build'), buildFiles / 100, 100, file => `b${file}.mjs`, file => fileContent(file, 'built'));
	writeFileSync(path.join(root, '.gitignore'), 'build/\n');
	writeFileSync(path.join(root, 'package.json'), '{"name":"bench-tree","private":true}\n');
	return {root, probeDir: path.join(root, 'src/g0/d0'), files: srcFiles + modules + buildFiles, writeMs: performance.now() - started};
};

const runOnce = async (toolName, tree, {changes}) => {
	const tool = TOOLS[toolName];
	const notify = await startNotify();
	const command = tool.command();
	const spawnedAt = performance.now();
	const child = spawn(command[0], command.slice(1), {
		cwd: tree.root,
		env: {...process.env, BENCH_PORT: String(notify.port), BENCH_SRC: tree.probeDir, FORCE_COLOR: '0'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let readyAt;
	const onReady = new Promise(resolve => {
		for (const stream of [child.stdout, child.stderr]) {
			let buffer = '';
			stream.setEncoding('utf8');
			stream.on('data', chunk => {
				if (readyAt !== undefined) return;
				buffer += chunk;
				let end;
				while ((end = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, end);
					buffer = buffer.slice(end + 1);
					if (tool.ready(line)) {
						readyAt = performance.now();
						resolve(readyAt);
						return;
					}
				}
				if (buffer.length > 1e6) buffer = '';
			});
		}
	});
	const isTool = () => toolProcesses(child.pid, () => false).filter(pid => !new Set(notify.lines.map(line => line.pid)).has(pid));
	const result = {tool: toolName, readyMs: undefined, rssMb: undefined, cpuMsToReady: undefined, changeMs: [], timeouts: 0};
	try {
		const ready = await Promise.race([onReady, sleep(120_000).then(() => undefined)]);
		if (ready === undefined) return {...result, failed: 'the watcher did not report ready within 120 s'};
		result.readyMs = ready - spawnedAt;
		const pids = isTool();
		result.cpuMsToReady = cpuNs(pids) / 1e6;
		// Both tools start the app before their scan ends; a change is only a fair test once it is up.
		if (!(await notify.waitFor(line => line.kind === 'READY', {timeout: 30_000}))) return {...result, failed: 'the app did not start'};
		await sleep(1000);
		result.rssMb = rssMb(isTool());
		for (let round = 1; round <= changes; round++) {
			const value = `tree-${round}`;
			const from = notify.lines.length;
			const started = performance.now();
			writeFileSync(path.join(tree.probeDir, 'f0.mjs'), fileContent(0, value));
			const seen = await notify.waitFor(line => line.kind === 'READY' && line.rest.includes(JSON.stringify(value)), {from, timeout: 10_000});
			if (seen) result.changeMs.push(seen.at - started);
			else result.timeouts++;
			// 1.6 s apart: a file changed at the same moment after each of three starts is what
			// devtui's feedback-loop detector holds restarts for (an app that writes on start-up).
			await sleep(1600);
		}
		return result;
	} finally {
		await stopTree(child);
		notify.close();
	}
};

export const measureTree = async ({reps, changes, size = {}}) => {
	const tree = makeTree(size);
	try {
		const results = {tree: {files: tree.files, writeMs: tree.writeMs}, runs: Object.fromEntries(Object.entries(TOOLS).map(([name, tool]) => [name, {label: tool.label, runs: []}]))};
		for (let rep = 0; rep < reps; rep++) {
			for (const name of Object.keys(TOOLS)) results.runs[name].runs.push(await runOnce(name, tree, {changes}));
		}
		return results;
	} finally {
		rmSync(tree.root, {recursive: true, force: true});
	}
};
