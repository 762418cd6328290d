// Writes BENCH_LINES lines to stdout as fast as stdout accepts them (plain text, or pino JSON with
// BENCH_FORMAT=pino), then reports its own elapsed time to the bench and idles.
import net from 'node:net';

const lines = Number(process.env.BENCH_LINES ?? 500_000);
const format = process.env.BENCH_FORMAT ?? 'plain';

const report = text => {
	const socket = net.connect(Number(process.env.BENCH_PORT), '127.0.0.1', () => socket.end(`${text}\n`));
	socket.on('error', () => undefined);
};

const writeAll = async write => {
	for (let index = 0; index < lines; index++) {
		if (!write(index)) await new Promise(resolve => process.stdout.once('drain', resolve));
	}
};

const started = performance.now();
if (format === 'pino') {
	const {pino} = await import('pino');
	const logger = pino();
	for (let index = 0; index < lines; index++) logger.info({index, route: '/api/items', ms: index % 97}, 'request served');
	logger.flush?.();
} else {
	await writeAll(index => process.stdout.write(`line ${index} the quick brown fox jumps over the lazy dog\n`));
}
// Drained: everything is in the pipe (or the file).
await new Promise(resolve => process.stdout.write('', resolve));
report(`FLOOD ${process.pid} ${(performance.now() - started).toFixed(1)}`);
setInterval(() => undefined, 60_000);
