// Benchmark of the built-in Python check: a cold run (one interpreter per check, as before) against
// the warm checker (one interpreter per session), compiling 1 and 10 real files (modules copied
// from the interpreter's own standard library), interleaved, plus what starting the warm one costs
// devtui: the time spawn() blocks the event loop, the time to its first answer, its CPU and memory.
// Needs a build: `npm run build && node bench/python-check.mjs [--runs 50] [--python /usr/bin/python3]`.
// Prints Markdown tables.

import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {realPythonBehind} from '../dist/src/check/find-python.js';
import {createPythonChecker} from '../dist/src/check/python-checker.js';
import {pythonCheckArgs} from '../dist/src/check/python-compile-check.js';
import {runCheck} from '../dist/src/check/run-check.js';
import {fixed, median, p90, ratio, table} from './lib/stats.mjs';

const option = (name, fallback) => {
	const at = process.argv.indexOf(name);
	return at === -1 ? fallback : process.argv[at + 1];
};
const runs = Math.max(5, Number(option('--runs', 50)));
const shim = option('--python', 'python3');

const python = await realPythonBehind(shim, {cwd: process.cwd(), env: process.env});
const version = execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], {encoding: 'utf8'}).trim();
const stdlib = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_path("stdlib"))'], {encoding: 'utf8'}).trim();

// Ten ordinary modules, 100 to 500 lines each; single files: bisect.py and textwrap.py.
const MODULES = ['textwrap.py', 'json/decoder.py', 'json/encoder.py', 'json/__init__.py', 'shlex.py', 'fnmatch.py', 'glob.py', 'string.py', 'bisect.py', 'copy.py'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-pycheck-'));
const files = MODULES.map((module, index) => {
	const name = `m${index}_${path.basename(module)}`;
	copyFileSync(path.join(stdlib, module), path.join(dir, name));
	return name;
});
const lines = files.map(file => readFileSync(path.join(dir, file), 'utf8').split('\n').length);
const sets = {[`1 file, ${lines[8]} lines`]: [files[8]], [`1 file, ${lines[0]} lines`]: files.slice(0, 1), [`10 files, ${lines.reduce((a, b) => a + b, 0)} lines`]: files};
const oneFile = files.slice(0, 1);

const time = async run => {
	const started = performance.now();
	const result = await run();
	const ms = performance.now() - started;
	if (!result.ok) throw new Error(`the check failed: ${result.output.join('\n')}`);
	return ms;
};
const cold = names => time(() => runCheck({argv: pythonCheckArgs(python, names), cwd: dir, env: process.env}).result);

/** CPU time a process has used so far, in ms (/proc/<pid>/schedstat: nanoseconds on a CPU). */
const cpuMs = pid => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const rssMb = pid => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

// What starting the warm interpreter costs, measured on fresh checkers.
const startup = {spawnBlocksMs: [], firstAnswerMs: [], firstCompileOnDemandMs: [], coldSameMs: [], cpuMs: [], rssMb: []};
for (let round = 0; round < Math.min(runs, 20); round++) {
	{
		const checker = createPythonChecker({python, cwd: dir, env: process.env});
		const before = performance.now();
		checker.warm();
		startup.spawnBlocksMs.push(performance.now() - before);
		await time(() => checker.compile(oneFile));
		startup.firstAnswerMs.push(performance.now() - before);
		startup.cpuMs.push(cpuMs(checker.pid));
		startup.rssMb.push(rssMb(checker.pid));
		checker.dispose();
	}
	{
		// No warm(): the first check starts it, and is compared with a cold run of the same file.
		const checker = createPythonChecker({python, cwd: dir, env: process.env});
		startup.firstCompileOnDemandMs.push(await time(() => checker.compile(oneFile)));
		checker.dispose();
		startup.coldSameMs.push(await cold(oneFile));
	}
}

// Cold against warm, interleaved, on one long-lived checker warmed beforehand (as in a session).
const checker = createPythonChecker({python, cwd: dir, env: process.env});
checker.warm();
await checker.compile(files);
const samples = Object.fromEntries(Object.keys(sets).flatMap(set => [[`${set} cold`, []], [`${set} warm`, []]]));
for (let run = 0; run < runs; run++) {
	const order = Object.entries(sets).flatMap(([set, names]) => [
		[`${set} cold`, () => cold(names)],
		[`${set} warm`, () => time(() => checker.compile(names))],
	]);
	// Rotate who goes first, so load and caches land on both alike.
	for (let index = 0; index < order.length; index++) {
		const [key, measure] = order[(index + run) % order.length];
		samples[key].push(await measure());
	}
}
const workerCpu = cpuMs(checker.pid);
checker.dispose();
rmSync(dir, {recursive: true, force: true});

const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.arch();
console.log(
	`Python check, cold run vs warm checker: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${cpuModel}, ` +
		`kernel ${os.release()}, Node ${process.version}, Python ${version} (${python}), ${runs} runs each, interleaved.`,
);
console.log(`Files: modules of Python's standard library (${MODULES.join(', ')}).\n`);
console.log(
	table(
		['files', 'cold median ms', 'cold p90 ms', 'warm median ms', 'warm p90 ms', 'cold / warm (medians)'],
		Object.keys(sets).map(set => {
			const coldRuns = samples[`${set} cold`];
			const warmRuns = samples[`${set} warm`];
			return [set, fixed(median(coldRuns)), fixed(p90(coldRuns)), fixed(median(warmRuns), 2), fixed(p90(warmRuns), 2), ratio(median(coldRuns), median(warmRuns))];
		}),
	),
);
console.log();
console.log(
	table(
		[`starting the warm interpreter (${startup.spawnBlocksMs.length} fresh checkers)`, 'median', 'p90'],
		[
			['spawn() blocks the event loop, ms', fixed(median(startup.spawnBlocksMs), 2), fixed(p90(startup.spawnBlocksMs), 2)],
			[`warm() to its first answer (${lines[0]} lines), ms`, fixed(median(startup.firstAnswerMs)), fixed(p90(startup.firstAnswerMs))],
			['first check with no warm() (starts it), ms', fixed(median(startup.firstCompileOnDemandMs)), fixed(p90(startup.firstCompileOnDemandMs))],
			['a cold run of the same file, ms', fixed(median(startup.coldSameMs)), fixed(p90(startup.coldSameMs))],
			['its CPU to start and answer once, ms', fixed(median(startup.cpuMs)), fixed(p90(startup.cpuMs))],
			['its resident memory, MB', fixed(median(startup.rssMb)), fixed(p90(startup.rssMb))],
		],
	),
);
console.log(`\nCPU of the long-lived interpreter over its ${runs * 12 + 10} files: ${fixed(workerCpu)} ms.`);
