// The burst and single-save app (Node): says START as its first act, imports every watched module,
// listens on an ephemeral port, then says READY with the value each module held when it was
// imported (`f0=<value>|f1=<value>|...`): what this instance loaded, not what the files hold by the
// time it reports. Both lines go to the bench's notify port (lib/notify.mjs) and to stdout.
import {readdirSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const report = line => {
	console.log(line);
	const socket = net.connect(Number(process.env.BENCH_PORT), '127.0.0.1', () => socket.end(`${line}\n`));
	socket.on('error', () => undefined);
};
report(`START ${process.pid}`);

const dir = path.resolve(process.env.BENCH_SRC ?? 'src');
const names = readdirSync(dir).filter(name => /^f\d+\.mjs$/.test(name)).sort((a, b) => Number(a.slice(1, -4)) - Number(b.slice(1, -4)));
const loaded = [];
for (const name of names) {
	const module = await import(pathToFileURL(path.join(dir, name)).href);
	loaded.push(`${name.slice(0, -4)}=${module[`v${name.slice(1, -4)}`]}`);
}

const server = http.createServer((request, response) => response.end('ok'));
server.listen(0, '127.0.0.1', () => report(`READY ${process.pid} ${loaded.join('|')}`));
