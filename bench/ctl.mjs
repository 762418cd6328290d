// devtui ctl: how fast the client answers (start to exit, against a running devtui), beside a bare
// `node -e 0` and `devtui --version` (which loads the whole CLI), interleaved; and what keeping the
// app's stdout for `devtui ctl logs` costs a plain headless flood, against --no-ctl's hand-over.
//
//   npm run build && node bench/ctl.mjs [--runs 30] [--flood-runs 5]

import {execFileSync, spawn} from 'node:child_process';
import {closeSync, mkdtempSync, openSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {median, p90, fixed, ratio, table} from './lib/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/src/cli.js');
const arg = (name, fallback) => {
	const index = process.argv.indexOf(name);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const runs = arg('--runs', 30);
const floodRuns = arg('--flood-runs', 5);

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-ctl-'));
writeFileSync(
	path.join(dir, 'app.mjs'),
	"import net from 'node:net'; const s = net.createServer(); process.on('SIGTERM', () => process.exit(0)); s.listen(0, '127.0.0.1', () => console.log('READY'));\n",
);
const devtui = spawn(process.execPath, [cli, '--no-tui', '-w', 'app.mjs', '--', 'node', 'app.mjs'], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
await new Promise(resolve => devtui.stdout.on('data', chunk => String(chunk).includes('READY') && resolve()));
execFileSync(process.execPath, [cli, 'ctl', 'wait-ready'], {cwd: dir});

const time = args => {
	const started = process.hrtime.bigint();
	execFileSync(process.execPath, args, {cwd: dir, stdio: 'ignore'});
	return Number(process.hrtime.bigint() - started) / 1e6;
};
const cases = [
	['node -e 0', ['-e', '0']],
	['devtui --version', [cli, '--version']],
	['devtui ctl status', [cli, 'ctl', 'status']],
	['devtui ctl status --json', [cli, 'ctl', 'status', '--json']],
	['devtui ctl wait-ready (ready app)', [cli, 'ctl', 'wait-ready']],
];
const times = new Map(cases.map(([name]) => [name, []]));
for (let run = 0; run < runs; run++) {
	// The order rotates so that no case always runs right after another.
	for (let index = 0; index < cases.length; index++) {
		const [name, args] = cases[(index + run) % cases.length];
		times.get(name).push(time(args));
	}
}
devtui.kill('SIGTERM');
await new Promise(resolve => devtui.once('exit', resolve));

const base = median(times.get('node -e 0'));
console.log(`## devtui ctl: start to exit (${runs} runs each, interleaved)\n`);
console.log(table(['command', 'median ms', 'p90 ms', 'vs node -e 0'], cases.map(([name]) => [name, fixed(median(times.get(name)), 0), fixed(p90(times.get(name)), 0), ratio(median(times.get(name)), base)])));

// The flood: 1,000,000 lines of 100 bytes, devtui's stdout to a file.
writeFileSync(
	path.join(dir, 'flood.mjs'),
	`const chunk = '${'x'.repeat(99)}\\n'.repeat(1000); let n = 0; const start = Date.now();
const pump = () => { while (n < 1000) { n++; if (!process.stdout.write(chunk)) { process.stdout.once('drain', pump); return; } } process.stderr.write('FLOOD_DONE ' + (Date.now() - start) + '\\n'); setInterval(() => {}, 1000); };
pump(); process.on('SIGTERM', () => process.exit(0));\n`,
);
const flood = args =>
	new Promise(resolve => {
		const out = openSync(path.join(os.tmpdir(), `devtui-bench-ctl-flood-${process.pid}.txt`), 'w');
		const child = spawn(process.execPath, [cli, '--no-tui', ...args, '-w', 'flood.mjs', '--', 'node', 'flood.mjs'], {cwd: dir, stdio: ['ignore', out, 'pipe']});
		let err = '';
		child.stderr.on('data', chunk => {
			err += chunk;
			const found = /FLOOD_DONE (\d+)/.exec(err);
			if (!found) return;
			child.stderr.removeAllListeners('data');
			child.kill('SIGTERM');
			child.once('exit', () => {
				closeSync(out);
				resolve(Number(found[1]));
			});
		});
	});
const floods = {ctl: [], noCtl: []};
for (let run = 0; run < floodRuns; run++) {
	floods.noCtl.push(await flood(['--no-ctl']));
	floods.ctl.push(await flood([]));
}
rmSync(path.join(os.tmpdir(), `devtui-bench-ctl-flood-${process.pid}.txt`), {force: true});
rmSync(dir, {recursive: true, force: true});
console.log(`\n## Plain headless flood, 1,000,000 lines of 100 bytes (${floodRuns} runs each, interleaved)\n`);
console.log(
	table(['devtui', 'app time median ms', 'vs --no-ctl'], [
		['--no-ctl (stdout handed to the app)', fixed(median(floods.noCtl), 0), '1.00×'],
		['with ctl (stdout read, kept for logs)', fixed(median(floods.ctl), 0), ratio(median(floods.ctl), median(floods.noCtl))],
	]),
);
