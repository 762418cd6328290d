// The benchmark app: imports every watched module (so `node --watch` sees them), listens on an
// ephemeral port, then says READY with a checksum of the watched files, on stdout and to the bench.
import {readdirSync, readFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const dir = path.resolve(process.env.BENCH_SRC ?? 'src');
const files = readdirSync(dir).filter(name => name.endsWith('.mjs')).sort();
for (const name of files) await import(pathToFileURL(path.join(dir, name)).href);
const checksum = files.map(name => readFileSync(path.join(dir, name), 'utf8').trim()).join('|');

const server = http.createServer((request, response) => response.end('ok'));
server.listen(0, '127.0.0.1', () => {
	const line = `READY ${process.pid} ${checksum}`;
	console.log(line);
	const report = net.connect(Number(process.env.BENCH_PORT), '127.0.0.1', () => report.end(`${line}\n`));
	report.on('error', () => undefined);
});
