// Key latency in the dashboard during an unbounded log flood, in a real terminal (tmux):
// - k: from the key press until the app's process is gone (the key's effect);
// - p: from the key press until the header shows "held" (the effect on screen).
// Usage: npm run build && node bench/key-latency.mjs [--presses 10] [--format plain|pino]

import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const {values} = parseArgs({options: {presses: {type: 'string', default: '10'}, format: {type: 'string', default: 'pino'}}});
const presses = Number(values.presses);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/src/cli.js');
const socket = `devtui-keys-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const nowMs = () => Number(process.hrtime.bigint() / 1_000_000n);

const app = `
const json = () => JSON.stringify({level: 30, time: Date.now(), pid: process.pid, hostname: 'bench', req: {method: 'GET', url: '/api/items'}, msg: 'request completed'});
const plain = () => 'GET /api/items 200 ' + Date.now();
const line = process.env.FORMAT === 'plain' ? plain : json;
const chunk = () => { let text = ''; for (let i = 0; i < 200; i++) text += line() + '\\n'; return text; };
const pump = () => { while (process.stdout.write(chunk())) {} process.stdout.once('drain', pump); };
pump();
process.on('SIGTERM', () => process.exit(0));
`;

const appPid = marker => {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === `node\0${marker}\0`) return Number(entry);
		} catch {}
	}
	return undefined;
};
const gone = pid => {
	try {
		return /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return true;
	}
};
const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-keys-'));
writeFileSync(path.join(dir, 'flood-app.mjs'), app);
spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '100', '-y', '30', '-c', dir, `env -u CI FORMAT=${values.format} ${process.execPath} ${cli} -- node flood-app.mjs`]);
const kills = [];
const holds = [];
try {
	await sleep(3000);
	for (let i = 0; i < presses; i++) {
		const pid = appPid('flood-app.mjs');
		let start = nowMs();
		tmux('send-keys', 'k');
		for (const until = start + 5000; pid && !gone(pid) && nowMs() < until; ) await sleep(1);
		kills.push(nowMs() - start);
		tmux('send-keys', 'r');
		await sleep(1000);
		start = nowMs();
		tmux('send-keys', 'p');
		for (const until = start + 5000; !/held/.test(tmux('capture-pane', '-p').split('\n')[0] ?? '') && nowMs() < until; ) await sleep(2);
		holds.push(nowMs() - start);
		tmux('send-keys', 'p');
		await sleep(500);
	}
} finally {
	try {
		tmux('send-keys', 'q');
		await sleep(1000);
		tmux('kill-server');
	} catch {}
}
console.log(`key latency during an unbounded ${values.format} flood, ${presses} presses each (${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString()})\n`);
console.log('| key | measured until | median ms | max ms |');
console.log('| --- | --- | ---: | ---: |');
console.log(`| k | the app's process is gone | ${median(kills)} | ${Math.max(...kills)} |`);
console.log(`| p | the header shows "held" (tmux capture-pane polling included) | ${median(holds)} | ${Math.max(...holds)} |`);
