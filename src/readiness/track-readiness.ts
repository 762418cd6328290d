// Decides when each instance of the app is ready, and says so once per instance with `app/ready`.
// Sources, first one wins: the client's `ready` message; sd_notify's READY=1; a line of output
// matching --ready-pattern; a TCP connect to --ready-port. With none configured and no client seen
// so far, the spawn itself counts as ready, so apps that know nothing of devtui still get a
// timeline. Once any instance has said hello the app uses a client, and every later instance waits
// for its own `ready`, even one stopped before its client could connect; once one has sent READY=1,
// the same for READY=1.

import net from 'node:net';
import type {EventBus} from '../supervisor/event-bus.js';
import type {ReadySource} from '../supervisor/events.js';

const PORT_RETRY_MS = 25;

export interface Readiness {
	/** The current instance's client said `ready` (the control channel only forwards its messages). */
	clientReady(): void;
	/** The current instance sent sd_notify's READY=1; from then on every instance waits for its own. */
	notifyReady(): void;
	/** NOTIFY_SOCKET is gone for good (its relay ended): later instances no longer wait for READY=1. */
	notifyLost(): void;
	dispose(): void;
}

interface Run {
	pid: number;
	restart: number;
	spawnedAt: number;
	ready: boolean;
	portTimer?: NodeJS.Timeout;
	socket?: net.Socket;
}

export const trackReadiness = ({
	bus,
	pattern,
	port,
	host = 'localhost',
}: {
	bus: EventBus;
	pattern: RegExp | undefined;
	port: number | undefined;
	host?: string;
}): Readiness => {
	let run: Run | undefined;
	let usesClient = false;
	let usesNotify = false;

	const stopProbing = (target: Run) => {
		clearTimeout(target.portTimer);
		target.socket?.destroy();
	};

	const markReady = (target: Run, source: ReadySource, at = Date.now()) => {
		if (target.ready || target !== run) return;
		target.ready = true;
		stopProbing(target);
		bus.emit({type: 'app/ready', pid: target.pid, restart: target.restart, source, bootMs: Math.max(0, at - target.spawnedAt)});
	};

	const probePort = (target: Run, portNumber: number) => {
		if (target !== run || target.ready) return;
		const socket = net.connect({port: portNumber, host, autoSelectFamily: true});
		target.socket = socket;
		socket.once('connect', () => {
			socket.destroy();
			markReady(target, 'port');
		});
		socket.once('error', () => {
			socket.destroy();
			if (target === run && !target.ready) target.portTimer = setTimeout(() => probePort(target, portNumber), PORT_RETRY_MS);
		});
	};

	const unsubscribe = bus.subscribe(event => {
		switch (event.type) {
			case 'run/spawned': {
				if (run) stopProbing(run);
				const current: Run = {pid: event.pid, restart: event.restart, spawnedAt: event.at, ready: false};
				run = current;
				if (port !== undefined) probePort(current, port);
				else if (!pattern && !usesClient && !usesNotify) markReady(current, 'spawn', event.at);
				return;
			}
			case 'run/output':
				if (pattern && run && !run.ready && event.pid === run.pid && event.lines.some(line => pattern.test(line))) {
					markReady(run, 'pattern', event.at);
				}
				return;
			case 'app/hello':
				// Any instance's hello (its pid may be below a launcher: npm run -> node) says the app has a client.
				usesClient = true;
				return;
			case 'run/exited':
				if (run && event.pid === run.pid) {
					stopProbing(run);
				}
				return;
			default:
		}
	});

	return {
		clientReady() {
			if (run) markReady(run, 'client');
		},
		notifyReady() {
			usesNotify = true;
			if (run) markReady(run, 'notify');
		},
		notifyLost() {
			usesNotify = false;
		},
		dispose() {
			unsubscribe();
			if (run) stopProbing(run);
			run = undefined;
		},
	};
};
