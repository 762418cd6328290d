// The bench's ear: a TCP server the app reports to (READY, FLOOD), each line timestamped on arrival
// with performance.now(). The same moment for every tool, whatever the tool does with the app's output.
import net from 'node:net';

export const startNotify = async () => {
	const lines = [];
	const waiters = new Set();
	const server = net.createServer(socket => {
		let buffer = '';
		socket.setEncoding('utf8');
		socket.on('data', chunk => {
			buffer += chunk;
			let end;
			while ((end = buffer.indexOf('\n')) >= 0) {
				const text = buffer.slice(0, end);
				buffer = buffer.slice(end + 1);
				const [kind, pid, ...rest] = text.split(' ');
				const line = {kind, pid: Number(pid), rest: rest.join(' '), at: performance.now()};
				lines.push(line);
				for (const waiter of waiters) waiter();
			}
		});
		socket.on('error', () => undefined);
	});
	await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
	/** Resolves with the first line (from index `from`) that matches, or undefined after `timeout`. */
	const waitFor = (match, {from = 0, timeout = 15_000} = {}) =>
		new Promise(resolve => {
			const check = () => {
				const found = lines.slice(from).find(match);
				if (found) done(found);
			};
			const done = value => {
				waiters.delete(check);
				clearTimeout(timer);
				resolve(value);
			};
			const timer = setTimeout(() => done(undefined), timeout);
			waiters.add(check);
			check();
		});
	return {port: server.address().port, lines, waitFor, close: () => server.close()};
};
