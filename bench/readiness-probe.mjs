// What one look in /proc costs devtui while an instance has not shown it is ready (every 10 ms for
// the first half second, then slower): the readiness probe (the instance's processes, their
// sockets, the TCP tables when something changed) and the --listen accepting check, for a Node and
// a Python app, beside the naive reads it avoids (the whole process table, whole TCP tables).
//
//   npm run build && node bench/readiness-probe.mjs [--calls 500]
//
// Needs Linux. Prints a Markdown table of medians and p90s (ms per call).

import {spawn} from 'node:child_process';
import {readFileSync, readlinkSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = file => path.join(root, 'dist/src', file);
const {createListenScanner, readListeningTable} = await import(dist('readiness/proc-sockets.js'));
const {procListeningProbe} = await import(dist('readiness/track-readiness.js'));
const {findAccepting} = await import(dist('listen/proc-accepting.js'));
const {appProcessIds, instanceProcessIds, readProcessTable} = await import(dist('supervisor/process-table.js'));

const callsArg = process.argv.indexOf('--calls');
const CALLS = callsArg > 0 ? Number(process.argv[callsArg + 1]) : 500;

const stats = samples => {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = q => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
	return {median: at(0.5), p90: at(0.9)};
};

const time = fn => {
	for (let index = 0; index < 20; index++) fn();
	const samples = [];
	for (let index = 0; index < CALLS; index++) {
		const start = performance.now();
		fn();
		samples.push(performance.now() - start);
	}
	return stats(samples);
};

// A listening socket of this process, handed to the app as fd 3 the way devtui hands its held one.
const held = net.createServer();
await new Promise(resolve => held.listen(0, '127.0.0.1', resolve));
held._handle.readStop?.();
const heldFd = held._handle.fd;
const heldInode = Number(/socket:\[(\d+)\]/.exec(readlinkSync(`/proc/self/fd/${heldFd}`))[1]);

const start = async command => {
	const child = spawn(command[0], command.slice(1), {detached: true, stdio: ['ignore', 'pipe', 'inherit', heldFd]});
	await new Promise(resolve => child.stdout.once('data', resolve));
	return child;
};

const APPS = {
	node: {
		booting: [process.execPath, '-e', "console.log('up'); setInterval(() => {}, 1000)"],
		listening: [process.execPath, '-e', "require('http').createServer().listen(0, '127.0.0.1', () => console.log('up'))"],
		accepting: [process.execPath, '-e', "require('http').createServer().listen({fd: 3}, () => console.log('up'))"],
	},
	python: {
		booting: ['python3', '-c', "import time\nprint('up', flush=True)\ntime.sleep(3600)"],
		listening: ['python3', '-c', "import http.server\ns = http.server.ThreadingHTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler)\nprint('up', flush=True)\ns.serve_forever()"],
		accepting: [
			'python3',
			'-c',
			"import http.server, socket\ns = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler, bind_and_activate=False)\ns.socket = socket.socket(fileno=3)\nprint('up', flush=True)\ns.serve_forever()",
		],
	},
};

const rows = [];
const row = (app, what, result) => rows.push(`| ${app} | ${what} | ${result.median.toFixed(3)} | ${result.p90.toFixed(3)} |`);
const naiveTables = () => {
	readFileSync('/proc/self/net/tcp');
	readFileSync('/proc/self/net/tcp6');
};

for (const [name, commands] of Object.entries(APPS)) {
	const booting = await start(commands.booting);
	const listening = await start(commands.listening);
	const accepting = await start(commands.accepting);
	const exclude = new Set([heldInode]);
	const probe = procListeningProbe(exclude);
	row(name, 'instance processes (children files)', time(() => instanceProcessIds(listening.pid)));
	row(name, 'instance processes (whole process table)', time(() => appProcessIds(listening.pid)));
	row(name, 'readiness look, booting (no socket yet)', time(() => probe(booting.pid)));
	// A fresh scanner each call: the TCP tables are read every time (the first look after a change).
	row(name, 'readiness look, listening, tables read', time(() => createListenScanner({exclude}).scan(instanceProcessIds(listening.pid))));
	row(name, 'readiness look, listening, nothing changed', time(() => probe(listening.pid)));
	row(name, 'accepting look, holds fd 3 only', time(() => findAccepting({pids: instanceProcessIds(booting.pid), inodes: exclude})));
	row(name, 'accepting look, accepts on fd 3', time(() => findAccepting({pids: instanceProcessIds(accepting.pid), inodes: exclude})));
	for (const child of [booting, listening, accepting]) process.kill(-child.pid, 'SIGKILL');
}
row('-', 'LISTEN rows of both tables (sockstat first)', time(() => readListeningTable('self')));
row('-', 'naive: whole /proc/net/tcp and tcp6', time(naiveTables));

const sockets = readFileSync('/proc/net/sockstat', 'utf8').match(/^TCP: .*$/m)?.[0];
console.log(`${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Linux ${os.release()}, Node ${process.version}`);
console.log(`${readProcessTable().length} processes; ${sockets}; ${CALLS} calls each\n`);
console.log('| app | look | median ms | p90 ms |');
console.log('| --- | --- | ---: | ---: |');
for (const line of rows) console.log(line);
held.close();
