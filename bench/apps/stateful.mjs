// The benchmark app with state: like server.mjs, plus a state of BENCH_STATE_MB megabytes that it
// saves through devtui's Node client when asked to stop and loads again on the next start.
import {readdirSync, readFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {loadState, onShutdown, ready, saveState} from '../../dist/src/client/index.js';

const megabytes = Number(process.env.BENCH_STATE_MB ?? 10);
const record = index => ({id: index, name: `user-${index}`, tags: ['a', 'b'], score: index * 1.5, note: 'n'.repeat(120)});
const fresh = () => ({self_state: {users: Array.from({length: Math.round((megabytes * 1024 * 1024) / 200)}, (_, index) => record(index))}, event_queue: [], config: {}});
const state = loadState() ?? fresh();

const dir = path.resolve(process.env.BENCH_SRC ?? 'src');
const files = readdirSync(dir).filter(name => name.endsWith('.mjs')).sort();
for (const name of files) await import(pathToFileURL(path.join(dir, name)).href);
const checksum = files.map(name => readFileSync(path.join(dir, name), 'utf8').trim()).join('|');

const server = http.createServer((request, response) => response.end('ok'));
onShutdown(async () => {
	server.close();
	saveState(state);
});
server.listen(0, '127.0.0.1', () => {
	ready();
	const line = `READY ${process.pid} ${checksum}`;
	console.log(`${line} users=${state.self_state.users.length}`);
	const report = net.connect(Number(process.env.BENCH_PORT), '127.0.0.1', () => report.end(`${line}\n`));
	report.on('error', () => undefined);
});
