// A small API under devtui, in Node: an HTTP server, a runtime loop that mutates in-memory state,
// and a queue of recent events. devtui restarts it on every change to a .mjs/.js file, and the
// state crosses the restart, so the tick counter keeps counting.
//
//   cd examples/node-api && node ../../dist/src/cli.js
//   curl -s localhost:8766/state

import http from 'node:http';
import net from 'node:net';
import {isRestart, listen, loadState, onShutdown, phase, ready, restart, saveState} from 'devtui/client';
import {log} from './log.mjs';

const TICK_MS = 250;
const MAX_EVENTS = 50;
const port = Number(process.env.PORT ?? 8766);

const saved = loadState();
if (isRestart) {
	log.info(saved ? {ticks: saved.self_state?.ticks, events: saved.event_queue?.length ?? 0} : {}, saved ? 'restoring' : 'restart without saved state; starting fresh');
}

const selfState = saved?.self_state ?? {ticks: 0, started_at: Date.now() / 1000, restarts: 0};
if (saved) selfState.restarts = (selfState.restarts ?? 0) + 1;
let eventQueue = (saved?.event_queue ?? []).slice(-MAX_EVENTS);
const config = {port, tick_ms: TICK_MS};

const loop = setInterval(() => {
	selfState.ticks += 1;
	if (selfState.ticks % 4 === 0) {
		eventQueue.push({kind: 'tick', ticks: selfState.ticks, at: Date.now() / 1000});
		eventQueue = eventQueue.slice(-MAX_EVENTS);
	}
}, TICK_MS);

const reply = (response, status, body) => {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(`${JSON.stringify(body)}\n`);
};

const server = http.createServer((request, response) => {
	if (request.url === '/state') reply(response, 200, {self_state: selfState, event_queue: eventQueue.length, pid: process.pid, restart});
	else if (request.url === '/health') reply(response, 200, {ok: true});
	else reply(response, 404, {error: 'try /state or /health'});
});

onShutdown(async info => {
	log.info({reason: info.reason ?? info.signal}, 'stopping');
	// Stop accepting (new connections wait in devtui's held socket for the next instance), let the
	// connections accepted a moment ago send their request, then close the idle ones; requests in
	// progress get a second to finish. (http's own close() would drop the fresh connections at once.)
	await phase('api_server', () => {
		const closed = new Promise(resolve => net.Server.prototype.close.call(server, resolve));
		setTimeout(() => server.closeIdleConnections(), 50);
		setTimeout(() => server.closeAllConnections(), 1000).unref();
		return closed;
	});
	await phase('runtime_loop', () => clearInterval(loop));
	const pending = await phase('event_queue', () => {
		const drained = eventQueue;
		eventQueue = [];
		return drained;
	});
	await phase('state', () => saveState({self_state: selfState, event_queue: pending, config}));
	log.info({ticks: selfState.ticks, events: pending.length}, 'saved');
});

server.on('error', error => {
	log.error({err: {message: error.message, code: error.code}}, `cannot listen on port ${port}`);
	process.exit(1);
});
// On the socket devtui holds across restarts ("listen" in devtui.config.json), or a new one.
listen(server, {port, host: '127.0.0.1'}, () => {
	log.info({restart, ticks: selfState.ticks}, `serving on http://127.0.0.1:${port}`);
	ready();
});
