// The socket-handoff benchmark app: answers every request with its pid, on the socket devtui
// --listen hands it or (under nodemon, node --watch, devtui without --listen) on HANDOFF_PORT,
// through the same client call. It stops the way an app should for --listen to help: stop
// accepting, let accepted requests finish, close idle connections, exit.
import http from 'node:http';
import net from 'node:net';
import {listen, ready} from '../../dist/src/client/index.js';

const body = JSON.stringify({pid: process.pid});
const server = http.createServer((request, response) => {
	response.writeHead(200, {'content-type': 'application/json', connection: 'close'});
	response.end(body);
});

let stopping = false;
const stop = () => {
	if (stopping) return;
	stopping = true;
	net.Server.prototype.close.call(server, () => process.exit(0));
	setTimeout(() => server.closeIdleConnections(), 50);
	setTimeout(() => process.exit(0), 1000).unref();
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGUSR2']) process.on(signal, stop);

// ready() tells devtui the instance serves (a no-op elsewhere); without it devtui would take the
// bench's quick edits after each start for a feedback loop.
listen(server, Number(process.env.HANDOFF_PORT), () => {
	console.log(`READY ${process.pid}`);
	ready();
});
