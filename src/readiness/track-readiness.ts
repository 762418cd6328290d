// Decides when each instance of the app is ready, and says so once per instance with `app/ready`.
// devtui never claims a readiness (or a boot time) it did not see, and the first start is measured
// exactly like every restart. The signs, in order:
// - --ready-pattern / --ready-port when given: a line of output matching, a TCP connect accepted
//   (the client's `ready` counts too; the first sign wins).
// - Otherwise, once this instance's client said hello, its `ready` decides, and a listening port
//   counts only if no `ready` came within the client's grace (an app may use the client for its
//   state alone, and never call `ready`); the boot time is still when the port was seen. Once any
//   instance sent sd_notify's READY=1, every later one waits for its own READY=1 (a gunicorn
//   master binds its port before its workers have loaded the app). READY=1 counts whenever it comes.
// - Otherwise the first TCP socket one of its processes listens on ('listening', seen in /proc),
//   or, with --listen, the held socket once an app process is seen accepting on it (socket/taken
//   via 'accepting'). Inheriting the held socket is not listening: its inode never counts.
//   The Node client connects asynchronously, so a client app's port can open a moment before its
//   hello arrives: a port seen before any hello counts only after a short grace (longer when an
//   earlier instance used a client), and the boot time is still the moment the port was seen.
// With no sign `unknownAfterMs` after the spawn, `app/readiness-unknown` says the instance counts
// as started, readiness unknown; a sign seen later still gives `app/ready` (marked late). Without
// /proc (macOS) the signs are the client, the pattern and the port.

import net from 'node:net';
import type {EventBus} from '../supervisor/event-bus.js';
import type {HeldSocket, ReadySign, ReadySource} from '../supervisor/events.js';
import {hasProcfs, instanceProcessIds} from '../supervisor/process-table.js';
import {readDebuggerPorts} from './debugger-ports.js';
import {DEFAULT_POLL_POLICY, startPolling, type Poller, type PollPolicy} from './poll-schedule.js';
import {createListenScanner, type ListeningSocket} from './proc-sockets.js';

const PORT_RETRY_MS = 25;

export interface ReadinessPolicy {
	/**
	 * How long after the spawn an instance with no sign counts as "started, readiness unknown". Ten
	 * seconds: Django's runserver and FastAPI apps usually bind within 0.3-3 s, apps that import
	 * pandas or torch, run migrations or compile bytecode after an install take 5-10 s; a sign that
	 * comes later still counts.
	 */
	unknownAfterMs: number;
	/** How long a port seen before any hello waits for one (the Node client's connect is asynchronous). */
	helloGraceMs: number;
	/** The same when an earlier instance said hello: this one very likely has a client too. */
	clientGraceMs: number;
	poll: PollPolicy;
}

export const DEFAULT_READINESS_POLICY: ReadinessPolicy = {unknownAfterMs: 10_000, helloGraceMs: 150, clientGraceMs: 1500, poll: DEFAULT_POLL_POLICY};

/**
 * Finds the TCP sockets an instance listens on. Undefined: it cannot tell (no /proc, or the
 * instance is gone). `patient`: the instance has shown no sign for a while; look more cheaply.
 */
export type ListeningProbe = (root: number, patient?: boolean) => ListeningSocket[] | undefined;

/** The default probe: the instance's processes in /proc, its debugger ports and `exclude` left out. */
export const procListeningProbe = (exclude: ReadonlySet<number>): ListeningProbe => {
	const scanner = createListenScanner({exclude});
	const debuggers = new Map<number, number[]>();
	return (root, patient = false) => {
		const found = scanner.scan(instanceProcessIds(root), {counts: !patient});
		return found?.filter(socket => {
			let ports = debuggers.get(socket.pid);
			if (!ports) {
				ports = readDebuggerPorts(socket.pid);
				debuggers.set(socket.pid, ports);
			}
			return !ports.includes(socket.port);
		});
	};
};

export interface Readiness {
	/** The current instance's client said `ready` (the control channel only forwards its messages). */
	clientReady(): void;
	/** The current instance sent sd_notify's READY=1; from then on every instance waits for its own. */
	notifyReady(): void;
	/** The sd_notify relay is gone: no later instance can send READY=1, so none waits for it. */
	notifyLost(): void;
	dispose(): void;
}

interface Sighting extends ReadySign {
	at: number;
}

interface Run {
	pid: number;
	restart: number;
	spawnedAt: number;
	ready: boolean;
	exited: boolean;
	hello: boolean;
	unknown: boolean;
	sighting?: Sighting;
	graceTimer?: NodeJS.Timeout;
	unknownTimer?: NodeJS.Timeout;
	poller?: Poller;
	portTimer?: NodeJS.Timeout;
	socket?: net.Socket;
}

const portOf = (address: string): {address: string; port: number} => {
	const colon = address.lastIndexOf(':');
	return {address: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1))};
};

export const trackReadiness = ({
	bus,
	pattern,
	port,
	host = 'localhost',
	heldSockets = [],
	heldInodes = [],
	policy = DEFAULT_READINESS_POLICY,
	probe = procListeningProbe(new Set(heldInodes)),
}: {
	bus: EventBus;
	pattern: RegExp | undefined;
	port: number | undefined;
	host?: string;
	/** The sockets devtui holds for the app (--listen; the session's ListenSession.sockets)... */
	heldSockets?: readonly HeldSocket[];
	/** ...and their inodes (ListenSession.inodes). */
	heldInodes?: readonly number[];
	policy?: ReadinessPolicy;
	/** Tests pass a fake; the default looks in /proc. */
	probe?: ListeningProbe;
}): Readiness => {
	let run: Run | undefined;
	let usesClient = false;
	let usesNotify = false;
	// Restart numbers whose client said hello: the control server accepts an instance's hello as soon
	// as the spawn is under way, so it can come in before run/spawned.
	const greeted = new Set<number>();
	const configured = pattern !== undefined || port !== undefined;

	const waitedFor = (): ReadySource[] => {
		if (configured) return [...(pattern ? (['pattern'] as const) : []), ...(port === undefined ? [] : (['port'] as const)), 'client'];
		// Off Linux there is no /proc to see a listening socket in.
		if (usesNotify) return ['notify', 'client'];
		return !hasProcfs ? ['client'] : ['listening', 'client'];
	};

	const stopLooking = (target: Run) => {
		clearTimeout(target.portTimer);
		target.socket?.destroy();
		target.poller?.stop();
		target.poller = undefined;
		clearTimeout(target.graceTimer);
	};

	const stopAll = (target: Run) => {
		stopLooking(target);
		clearTimeout(target.unknownTimer);
	};

	const markReady = (target: Run, readiness: ReadySign, at: number) => {
		if (target.ready || target.exited || target !== run) return;
		target.ready = true;
		stopAll(target);
		bus.emit({
			type: 'app/ready',
			pid: target.pid,
			restart: target.restart,
			...readiness,
			bootMs: Math.max(0, at - target.spawnedAt),
			...(target.unknown ? {late: true} : {}),
		});
	};

	// A listening socket (or the held one, accepted on) was seen: it decides unless a hello comes first.
	const sighted = (target: Run, sighting: Sighting) => {
		if (configured || target.ready || target.sighting) return;
		target.sighting = sighting;
		target.poller?.stop();
		target.poller = undefined;
		armGrace(target, target.hello || usesClient ? policy.clientGraceMs : policy.helloGraceMs);
	};

	// A port seen: ready once its grace has passed with no word from a client (a hello lengthens it).
	const armGrace = (target: Run, graceMs: number) => {
		if (!target.sighting) return;
		clearTimeout(target.graceTimer);
		const {at, ...readiness} = target.sighting;
		target.graceTimer = setTimeout(() => markReady(target, readiness, at), Math.max(0, at + graceMs - Date.now()));
	};

	const look = (target: Run): boolean => {
		if (target !== run || target.ready || target.exited || target.sighting) return true;
		const found = probe(target.pid, target.unknown);
		// The instance is gone (its exit event follows), or there is nothing to look in.
		if (found === undefined) return true;
		const first = found[0];
		if (!first) return false;
		sighted(target, {source: 'listening', port: first.port, address: first.address, at: Date.now()});
		return true;
	};

	const probePort = (target: Run, portNumber: number) => {
		if (target !== run || target.ready) return;
		const socket = net.connect({port: portNumber, host, autoSelectFamily: true});
		target.socket = socket;
		socket.once('connect', () => {
			socket.destroy();
			markReady(target, {source: 'port', port: portNumber}, Date.now());
		});
		socket.once('error', () => {
			socket.destroy();
			if (target === run && !target.ready) target.portTimer = setTimeout(() => probePort(target, portNumber), PORT_RETRY_MS);
		});
	};

	const giveUp = (target: Run) => {
		if (target.ready || target.exited || target !== run) return;
		target.unknown = true;
		bus.emit({type: 'app/readiness-unknown', pid: target.pid, restart: target.restart, afterMs: Date.now() - target.spawnedAt, waitedFor: waitedFor()});
	};

	const unsubscribe = bus.subscribe(event => {
		switch (event.type) {
			case 'run/spawned': {
				if (run) stopAll(run);
				const hello = greeted.has(event.restart);
				const current: Run = {pid: event.pid, restart: event.restart, spawnedAt: event.at, ready: false, exited: false, hello, unknown: false};
				run = current;
				current.unknownTimer = setTimeout(() => giveUp(current), policy.unknownAfterMs);
				if (port !== undefined) probePort(current, port);
				else if (!pattern && !usesNotify && hasProcfs) current.poller = startPolling({look: () => look(current), since: event.at, policy: policy.poll});
				return;
			}
			case 'run/output':
				if (pattern && run && !run.ready && event.pid === run.pid && event.lines.some(line => pattern.test(line))) {
					markReady(run, {source: 'pattern'}, event.at);
				}
				return;
			case 'app/hello':
				// Any instance's hello (its pid may be below a launcher: npm run -> node) says the app has a client.
				usesClient = true;
				greeted.add(event.restart);
				if (run && event.restart === run.restart && !run.ready) {
					run.hello = true;
					// A port already seen waits the client's longer grace for its `ready`.
					if (!configured) armGrace(run, policy.clientGraceMs);
				}
				return;
			case 'socket/taken': {
				if (event.via !== 'accepting' || !run || event.pid !== run.pid) return;
				const socket = heldSockets.find(candidate => event.names.includes(candidate.name));
				if (socket) sighted(run, {source: 'listening', ...portOf(socket.address), held: true, at: event.at});
				return;
			}
			case 'run/exited':
				if (run && event.pid === run.pid) {
					run.exited = true;
					stopAll(run);
				}
				return;
			default:
		}
	});

	return {
		clientReady() {
			if (run) markReady(run, {source: 'client'}, Date.now());
		},
		notifyReady() {
			usesNotify = true;
			if (run) markReady(run, {source: 'notify'}, Date.now());
		},
		notifyLost() {
			usesNotify = false;
		},
		dispose() {
			unsubscribe();
			if (run) stopAll(run);
			run = undefined;
		},
	};
};
