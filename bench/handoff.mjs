// Socket handoff: a client on loopback sends requests continuously (a new connection each, no
// keep-alive, one every 5 ms at most) while the app is restarted 50 times, under devtui --listen,
// devtui without it, nodemon and node --watch, interleaved. Counts what each client saw.
//   npx tsc -p tsconfig.build.json && npm --prefix bench install   (once)
//   node bench/handoff.mjs [--restarts 50] [--only listen,devtui,nodemon,node-watch]
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {stopTree} from './lib/proc.mjs';
import {fixed, max, median, table} from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const cli = path.join(root, 'dist/src/cli.js');
const nodemon = path.join(benchDir, 'node_modules/nodemon/bin/nodemon.js');
const app = path.join(benchDir, 'apps/handoff-server.mjs');
const PACE_MS = 5;
const SETTLE_MS = 200;

const fail = message => {
	console.error(`bench: ${message}`);
	process.exit(2);
};
const restartsArg = process.argv.indexOf('--restarts');
const RESTARTS = restartsArg > 0 ? Number(process.argv[restartsArg + 1]) : 50;
if (!Number.isInteger(RESTARTS) || RESTARTS < 1) fail('usage: node bench/handoff.mjs [--restarts N] [--only a,b]');
if (!existsSync(cli)) fail('devtui is not built: run `npx tsc -p tsconfig.build.json` (or npm run build) first');
if (!existsSync(nodemon)) fail('the peers are not installed: run `npm --prefix bench install` first');

const PEERS = {
	listen: {label: 'devtui --listen', command: port => ['node', cli, '--no-tui', '--listen', String(port), '-w', 'src', '-e', 'mjs', '--', 'node', app]},
	devtui: {label: 'devtui (no --listen)', command: () => ['node', cli, '--no-tui', '-w', 'src', '-e', 'mjs', '--', 'node', app]},
	nodemon: {label: 'nodemon', command: () => ['node', nodemon, '-q', '--signal', 'SIGTERM', '--watch', 'src', '-e', 'mjs', app]},
	'node-watch': {label: 'node --watch', command: () => ['node', '--watch-path=src', app]},
};

const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : Object.keys(PEERS);
if (ONLY.length === 0 || ONLY.some(name => !PEERS[name])) fail(`--only takes a list of: ${Object.keys(PEERS).join(', ')}`);

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = http.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const KIND = {ECONNREFUSED: 'refused', ECONNRESET: 'reset', EPIPE: 'reset', SOCKET_HANG_UP: 'reset'};

/** One request on a new connection: {ok, pid} or {kind}, with how long it took. */
const request = port =>
	new Promise(resolve => {
		const started = performance.now();
		const done = result => resolve({...result, ms: performance.now() - started, at: started});
		const req = http.get({host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', chunk => (body += chunk));
			response.on('end', () => {
				try {
					done({kind: 'ok', pid: JSON.parse(body).pid});
				} catch {
					done({kind: 'other'});
				}
			});
			response.on('error', () => done({kind: 'reset'}));
		});
		req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), {code: 'TIMEOUT'})));
		req.on('error', error => {
			const code = error.code ?? (error.message === 'socket hang up' ? 'SOCKET_HANG_UP' : 'OTHER');
			done({kind: KIND[code] ?? (code === 'TIMEOUT' ? 'timeout' : 'other')});
		});
	});

const startPeer = async name => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-handoff-'));
	mkdirSync(path.join(dir, 'src'));
	writeFileSync(path.join(dir, 'src/v.mjs'), 'export const v = 0;\n');
	const port = await freePort();
	const command = PEERS[name].command(port);
	const child = spawn(command[0], command.slice(1), {cwd: dir, env: {...process.env, HANDOFF_PORT: String(port), FORCE_COLOR: '0'}, stdio: ['ignore', process.env.HANDOFF_DEBUG ? 'inherit' : 'ignore', process.env.HANDOFF_DEBUG ? 'inherit' : 'ignore']});
	const results = [];
	let running = true;
	const loop = (async () => {
		while (running) {
			const [result] = await Promise.all([request(port), sleep(PACE_MS)]);
			if (running) results.push(result);
		}
	})();
	const peer = {name, label: PEERS[name].label, dir, results, edits: 0, restartMs: []};
	peer.lastPid = () => results.findLast(result => result.kind === 'ok')?.pid;
	peer.waitForNewPid = async (previous, timeout = 20_000) => {
		const deadline = performance.now() + timeout;
		while (performance.now() < deadline) {
			const pid = peer.lastPid();
			if (pid !== undefined && pid !== previous) return pid;
			await sleep(10);
		}
		throw new Error(`${peer.label}: no response from a new instance within ${timeout} ms`);
	};
	peer.restart = async () => {
		const previous = peer.lastPid();
		const started = performance.now();
		writeFileSync(path.join(dir, 'src/v.mjs'), `export const v = ${++peer.edits};\n`);
		try {
			await peer.waitForNewPid(previous, 5000);
		} catch {
			// A watcher that was not ready yet missed the edit: edit again, and do not time this one.
			writeFileSync(path.join(dir, 'src/v.mjs'), `export const v = ${++peer.edits};\n`);
			await peer.waitForNewPid(previous);
			peer.missed = (peer.missed ?? 0) + 1;
			return;
		}
		peer.restartMs.push(performance.now() - started);
	};
	/** Stops the client (before any peer is torn down, which would stall the others' clients too). */
	peer.finish = async () => {
		running = false;
		await loop;
	};
	peer.stop = async () => {
		await peer.finish();
		await stopTree(child);
		rmSync(dir, {recursive: true, force: true});
	};
	await peer.waitForNewPid(undefined, 30_000);
	return peer;
};

/** Counts from the first restart on, so start-up refusals do not count. */
const summarise = (peer, from, to) => {
	const measured = peer.results.filter(result => result.at >= from && result.at < to);
	const count = kind => measured.filter(result => result.kind === kind).length;
	const oks = measured.filter(result => result.kind === 'ok');
	let gap = 0;
	for (let index = 1; index < oks.length; index++) gap = Math.max(gap, oks[index].at + oks[index].ms - (oks[index - 1].at + oks[index - 1].ms));
	return {
		label: peer.label,
		restarts: peer.restartMs.length + (peer.missed ?? 0),
		requests: measured.length,
		ok: count('ok'),
		refused: count('refused'),
		reset: count('reset'),
		other: count('timeout') + count('other'),
		longestMs: max(measured.map(result => result.ms)),
		gapMs: gap,
		restartMs: median(peer.restartMs),
	};
};

const machine = () => {
	const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
	const nodemonVersion = JSON.parse(readFileSync(path.join(benchDir, 'node_modules/nodemon/package.json'), 'utf8')).version;
	return {nproc: os.availableParallelism(), cpu, kernel: os.release(), node: process.version, nodemon: nodemonVersion, date: new Date().toISOString()};
};

const main = async () => {
	const info = machine();
	console.log(`machine: nproc ${info.nproc}, ${info.cpu}, kernel ${info.kernel}, Node ${info.node}, nodemon ${info.nodemon}, ${info.date}`);
	const peers = [];
	try {
		for (const name of ONLY) peers.push(await startPeer(name));
		// Every watcher must be ready before the first edit.
		await sleep(1500);
		const from = performance.now();
		for (let round = 1; round <= RESTARTS; round++) {
			// A fresh order each round, so that no tool always follows the same one.
			const order = peers.map(peer => [Math.random(), peer]).sort((a, b) => a[0] - b[0]).map(([, peer]) => peer);
			for (const peer of order) {
				await peer.restart();
				await sleep(SETTLE_MS);
			}
			if (round % 10 === 0) console.error(`  ${round}/${RESTARTS} restarts each`);
		}
		const to = performance.now();
		for (const peer of peers) await peer.finish();
		const rows = peers.map(peer => summarise(peer, from, to));
		console.log(
			table(
				['tool', 'restarts', 'requests', 'ok', 'refused', 'reset', 'timeout/other', 'longest request ms', 'longest gap between answers ms', 'restart median ms'],
				rows.map(row => [row.label, row.restarts, row.requests, row.ok, row.refused, row.reset, row.other, fixed(row.longestMs, 0), fixed(row.gapMs, 0), fixed(row.restartMs, 0)]),
			),
		);
		const results = path.join(benchDir, 'results');
		mkdirSync(results, {recursive: true});
		writeFileSync(path.join(results, `${info.date.replaceAll(':', '-')}-handoff.json`), `${JSON.stringify({machine: info, restarts: RESTARTS, rows}, null, 2)}\n`);
	} finally {
		for (const peer of peers) await peer.stop().catch(() => {});
	}
};

await main();
