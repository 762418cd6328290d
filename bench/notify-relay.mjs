// What the sd_notify relay costs: devtui's start and restarts with it against a build without it
// (interleaved, medians), the relay's own start, memory and idle CPU, and the CPU a datagram costs.
//   npx tsc -p tsconfig.build.json                                  (this build)
//   node bench/notify-relay.mjs --base /tmp/devtui-base/dist/src/cli.js [--runs 15]
// The base is any build from before the relay, e.g. the commit before it:
//   mkdir /tmp/devtui-base && git archive <commit> | tar -x -C /tmp/devtui-base
//   ln -s "$PWD/node_modules" /tmp/devtui-base/ && (cd /tmp/devtui-base && npx tsc -p tsconfig.build.json)
// Without --base only the relay's own figures are printed. Linux only (/proc).
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {cpuNs} from './lib/proc.mjs';
import {fixed, median, p90, ratio, table} from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const cli = path.join(root, 'dist/src/cli.js');
const relayModule = path.join(root, 'dist/src/notify/notify-relay.js');

const fail = message => {
	console.error(`bench: ${message}`);
	process.exit(2);
};
const arg = name => {
	const index = process.argv.indexOf(name);
	return index > 0 ? process.argv[index + 1] : undefined;
};
const base = arg('--base');
const RUNS = Number(arg('--runs') ?? 15);
const RESTARTS = 10;
if (!Number.isInteger(RUNS) || RUNS < 1) fail('usage: node bench/notify-relay.mjs [--base <cli.js without the relay>] [--runs N]');
if (!existsSync(cli)) fail('devtui is not built: run `npx tsc -p tsconfig.build.json` first');
if (base && !existsSync(base)) fail(`no such file: ${base}`);

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// An app that is ready as soon as it runs: the start and restart figures are devtui's own.
const APP = `
console.log('SOCKET=' + (process.env.NOTIFY_SOCKET ?? '-'));
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1 << 30);
`;

/** One devtui session: launch → run/spawned, then RESTARTS changes → restart/completed totalMs each. */
const session = async cliPath => {
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-notify-'));
	writeFileSync(path.join(cwd, 'app.mjs'), APP);
	const launchedAt = performance.now();
	const child = spawn(process.execPath, [cliPath, '--json', '-e', 'txt', '--', process.execPath, 'app.mjs'], {cwd, stdio: ['ignore', 'pipe', 'ignore']});
	const events = [];
	let rest = '';
	let spawnedAfter;
	let wake = () => {};
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', chunk => {
		const lines = (rest + chunk).split('\n');
		rest = lines.pop();
		for (const line of lines) {
			const event = JSON.parse(line);
			if (event.type === 'run/spawned' && spawnedAfter === undefined) spawnedAfter = performance.now() - launchedAt;
			events.push(event);
		}
		wake();
	});
	const until = async (check, ms = 15_000) => {
		const deadline = Date.now() + ms;
		for (;;) {
			const found = check();
			if (found) return found;
			if (Date.now() > deadline) {
				throw new Error(`bench: timed out (${cliPath}); last events:\n${events.slice(-8).map(event => JSON.stringify(event).slice(0, 200)).join('\n')}`);
			}
			await new Promise(resolve => {
				wake = resolve;
				setTimeout(resolve, 50);
			});
		}
	};
	const exited = new Promise(resolve => child.once('exit', resolve));
	const restarts = [];
	try {
		await until(() => events.some(event => event.type === 'watch/ready'));
		await until(() => events.some(event => event.type === 'run/output' && event.lines.some(line => line.startsWith('SOCKET='))));
		for (let restart = 1; restart <= RESTARTS; restart++) {
			writeFileSync(path.join(cwd, 'change.txt'), `change ${restart}\n`);
			const done = await until(() => events.find(event => event.type === 'restart/completed' && event.timeline.restart === restart));
			restarts.push(done.timeline.totalMs);
			// A random pause: changes at the same delay after every start would be the app's own writes to devtui.
			await sleep(100 + Math.random() * 400);
		}
	} finally {
		child.kill('SIGTERM');
		await exited;
		rmSync(cwd, {recursive: true, force: true});
	}
	return {startMs: spawnedAfter, restarts};
};

const builds = base ? [{label: 'devtui with the relay', cli}, {label: 'devtui before it', cli: base}] : [];
const results = new Map(builds.map(build => [build.label, {start: [], restart: []}]));
for (let run = 0; run < RUNS && builds.length > 0; run++) {
	for (const build of run % 2 ? [...builds].reverse() : builds) {
		const {startMs, restarts} = await session(build.cli);
		results.get(build.label).start.push(startMs);
		results.get(build.label).restart.push(...restarts);
		process.stderr.write(`${build.label}: session ${run + 1}/${RUNS}, start ${fixed(startMs)} ms\n`);
	}
}

const {startRelay} = await import(relayModule);
// The relay never keeps devtui alive (it is unref'd): here something must.
const keepAlive = setInterval(() => {}, 1000);
const {relayPython} = await import(path.join(root, 'dist/src/notify/notify-channel.js'));

/** The relay alone: spawn → bound, its RSS, and its CPU over `idleMs`. */
const relayAlone = async (python, idleMs) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-'));
	const socketPath = path.join(dir, 'notify.sock');
	let lines = 0;
	const startedAt = performance.now();
	const relay = startRelay(python, socketPath, {onLine: () => lines++, onBatchEnd: () => {}, onExit: () => {}});
	if (!(await relay.ready)) fail(`the relay did not start with ${python}`);
	const readyMs = performance.now() - startedAt;
	const pid = readdirSync('/proc').find(entry => /^\d+$/.test(entry) && (() => {
		try {
			return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').at(-2) === socketPath;
		} catch {
			return false;
		}
	})());
	const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
	let idleCpuMs;
	let perDatagramUs;
	if (idleMs > 0) {
		const before = cpuNs([Number(pid)]);
		await sleep(idleMs);
		idleCpuMs = (cpuNs([Number(pid)]) - before) / 1e6;
		// 10,000 datagrams from one sender: the relay's CPU per datagram, and devtui's (this process's) reading.
		const count = 10_000;
		const relayBefore = cpuNs([Number(pid)]);
		const selfBefore = process.cpuUsage();
		// Not spawnSync: the sender blocks once the relay waits for this process to read its lines.
		const sender = spawn('/usr/bin/python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\nfor i in range(${count}): s.sendto(b"STATUS=progress %d" % i, sys.argv[1])`, socketPath]);
		await new Promise(resolve => sender.once('exit', resolve));
		const deadline = Date.now() + 10_000;
		while (lines < count && Date.now() < deadline) await sleep(10);
		const self = process.cpuUsage(selfBefore);
		perDatagramUs = {relay: (cpuNs([Number(pid)]) - relayBefore) / 1e3 / count, reader: (self.user + self.system) / count, received: lines};
	}
	relay.close();
	rmSync(dir, {recursive: true, force: true});
	return {readyMs, rssKb, idleCpuMs, perDatagramUs};
};

const pythons = [...new Set([relayPython(process.env.PATH), spawnSync('sh', ['-c', 'command -v python3']).stdout.toString().trim()].filter(Boolean))];
const relayRows = [];
for (const python of pythons) {
	const starts = [];
	for (let index = 0; index < 10; index++) starts.push((await relayAlone(python, 0)).readyMs);
	relayRows.push([python, 10, fixed(median(starts)), fixed(p90(starts))]);
}
const measured = await relayAlone(pythons[0], 10_000);

console.log(`Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, kernel ${os.release()}, Node ${process.version}, ${new Date().toISOString()}`);
if (builds.length > 0) {
	const [withRelay, before] = builds.map(build => results.get(build.label));
	console.log(`\n### devtui start (launch → run/spawned) and restarts (change → ready), ${RUNS} sessions each, interleaved\n`);
	console.log(
		table(
			['build', 'start median ms', 'start p90 ms', 'vs before', `restart median ms (n=${RUNS * RESTARTS})`, 'restart p90 ms', 'vs before'],
			builds.map(build => {
				const result = results.get(build.label);
				return [
					build.label,
					fixed(median(result.start)),
					fixed(p90(result.start)),
					ratio(median(result.start), median(before.start)),
					fixed(median(result.restart)),
					fixed(p90(result.restart)),
					ratio(median(result.restart), median(before.restart)),
				];
			}),
		),
	);
	void withRelay;
}
console.log('\n### The relay alone: spawn → socket bound\n');
console.log(table(['interpreter', 'n', 'median ms', 'p90 ms'], relayRows));
console.log(`\n### The relay's footprint (${pythons[0]})\n`);
console.log(
	table(
		['RSS', 'CPU over 10 s idle', 'relay CPU per datagram', 'devtui reading its lines, per datagram', 'datagrams relayed'],
		[[`${(measured.rssKb / 1024).toFixed(1)} MB`, `${fixed(measured.idleCpuMs, 2)} ms`, `${fixed(measured.perDatagramUs.relay)} µs`, `${fixed(measured.perDatagramUs.reader)} µs`, `${measured.perDatagramUs.received} / 10000`]],
	),
);
clearInterval(keepAlive);
