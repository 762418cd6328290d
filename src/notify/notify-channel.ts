// systemd's notify protocol as one participant of every run, so apps and servers that already
// speak it (gunicorn, sdnotify, python-systemd, systemd-notify, Go's and Rust's sd_notify crates)
// report readiness, a status line and their shutdown, and ask for more time, without devtui's
// client. Every instance gets NOTIFY_SOCKET (one socket for the whole session, relayed by
// notify-relay.ts); one that devtui inherited itself (devtui run by systemd) never reaches the app.
//
// Only datagrams from the current instance's processes count. Others are said once and dropped,
// and so is anything unreadable: one problem of each kind per session, never a flood of lines.
// Where no relay can run (not Linux, whose SO_PASSCRED alone names a datagram's sender; no
// python3), the app simply gets no NOTIFY_SOCKET, as it would outside systemd: --help says so.

import {chmodSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {onPath} from '../check/find-python.js';
import {socketRoot} from '../protocol/socket-path.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {RunParticipant} from '../supervisor/run-participant.js';
import type {AppProcess} from '../supervisor/spawn-app.js';
import {isInstanceSender} from './is-instance-sender.js';
import {startRelay, type Relay, type RelayHandlers} from './notify-relay.js';
import {extendMs, NOTIFY_DATAGRAM_MAX, parseNotifyPayload, type NotifySender} from './parse-notify.js';

const NOTIFY_SOCKET_ENV = 'NOTIFY_SOCKET';

/** The longest `ready` waits for the relay to bind (it takes about 10 ms with /usr/bin/python3). */
const RELAY_WAIT_MS = 250;
/** Datagrams kept while an instance is being started, until its pid is known. */
const MAX_QUEUED = 64;
/** Senders judged per instance before the verdicts are forgotten. */
const MAX_VERDICTS = 1024;

export interface NotifyHandlers {
	/** The current instance sent READY=1. */
	ready(): void;
	/** It asks for more time before the force kill; the grant, if a stop is in progress. */
	extend(ms: number): {grantedMs: number; deadline: number} | undefined;
	/** The relay ended mid-session: no instance started from now on can send READY=1. */
	lost(): void;
}

export interface NotifyChannel {
	participant: RunParticipant;
	/**
	 * Settles once the socket is bound or cannot be (at most 250 ms). The session does not wait for
	 * it: the first spawn must not be later for it, and an app that sends in the few ms before the
	 * relay is bound is the first instance, which counts as ready at spawn anyway.
	 */
	ready: Promise<void>;
	/** The socket's path while the relay runs, for --help's "asked" case and tests; undefined when none. */
	readonly socketPath: string | undefined;
	close(): void;
}

/**
 * The interpreter for the relay: the system's first, which starts in 10-20 ms, before a `python3`
 * on PATH that may be a version manager's shim (pyenv's costs 100 ms more and may refuse to run).
 * The relay uses only the standard library, so any Python 3.5+ will do.
 */
export const relayPython = (pathEnv: string | undefined): string | undefined =>
	onPath('python3', '/', ['/usr/bin', pathEnv ?? ''].join(path.delimiter));

const commandName = (pid: number): string => {
	try {
		return ` (${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()})`;
	} catch {
		return '';
	}
};

interface Queued {
	kind: 'datagram' | 'too-long';
	sender: NotifySender;
	payload?: Buffer;
}

type Verdict = 'instance' | 'late' | 'stranger';

interface Instance {
	app: AppProcess;
	verdicts: Map<number, Verdict>;
	status: string | undefined;
	stoppingSaid: boolean;
	lastDeadline: number | undefined;
}

export const openNotifyChannel = (
	bus: EventBus,
	handlers: NotifyHandlers,
	{env = process.env, platform = process.platform}: {env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform} = {},
): NotifyChannel => {
	let instance: Instance | undefined;
	let previous: Instance | undefined;
	let starting = false;
	let queue: Queued[] = [];
	let pendingStatus: string | undefined;
	/** No NOTIFY_SOCKET for the instances: no relay could run, or it ended. */
	let failed = false;
	const said = new Set<string>();

	// The message is built only the first time: a flood of strangers costs no /proc read for it.
	const problem = (kind: string, message: () => string) => {
		if (said.has(kind)) return;
		said.add(kind);
		bus.emit({type: 'channel/problem', channel: 'notify', message: message()});
	};

	// Judged once per sender and instance: a flood from one process costs a map lookup each.
	const verdictOf = (target: Instance, sender: NotifySender): Verdict => {
		let verdict = target.verdicts.get(sender.pid);
		if (verdict === undefined) {
			verdict = isInstanceSender(sender, target.app)
				? 'instance'
				: // The last instance's words still on their way after it was gone are late, not a stranger's.
					previous && isInstanceSender(sender, previous.app)
					? 'late'
					: 'stranger';
			if (target.verdicts.size >= MAX_VERDICTS) target.verdicts.clear();
			target.verdicts.set(sender.pid, verdict);
		}
		return verdict;
	};

	const handle = (line: Queued) => {
		const current = instance;
		if (!current) return;
		const verdict = verdictOf(current, line.sender);
		if (verdict !== 'instance') {
			if (verdict === 'stranger') {
				const {pid} = line.sender;
				problem('stranger', () => `ignored a datagram from pid ${pid}${commandName(pid)}, which is not one of the app's processes (said once)`);
			}
			return;
		}
		if (line.kind === 'too-long' || !line.payload) {
			problem('too-long', () => `ignored a datagram of ${NOTIFY_DATAGRAM_MAX} bytes or more (said once)`);
			return;
		}
		const parsed = parseNotifyPayload(line.payload);
		if (!parsed.ok) {
			const problemKind = parsed.problem;
			problem(problemKind, () => `ignored a datagram that ${problemKind === 'not-text' ? 'is not UTF-8 text' : 'holds a NUL byte'} (said once)`);
			return;
		}
		const message = parsed.message;
		const pid = current.app.pid;
		const [invalid] = message.invalid;
		if (invalid !== undefined) problem('invalid', () => `ignored ${JSON.stringify(invalid.slice(0, 80))}: not an assignment devtui can read (said once)`);
		if (message.ready) handlers.ready();
		if (message.status !== undefined) pendingStatus = message.status;
		if (message.stopping && !current.stoppingSaid) {
			current.stoppingSaid = true;
			bus.emit({type: 'app/stopping', pid});
		}
		if (message.extendUsec !== undefined) {
			const requestedMs = extendMs(message.extendUsec);
			const grant = handlers.extend(requestedMs);
			// An app that repeats its request once the cap is reached moves nothing: no line for that.
			if (grant && grant.deadline !== current.lastDeadline) {
				current.lastDeadline = grant.deadline;
				bus.emit({type: 'app/extend', pid, requestedMs, grantedMs: grant.grantedMs, deadline: grant.deadline});
			}
		}
	};

	// A burst of status updates (a progress counter) becomes one event: the last, if it changed.
	const batchEnd = () => {
		const status = pendingStatus;
		pendingStatus = undefined;
		if (!instance || status === undefined || status === instance.status) return;
		instance.status = status;
		bus.emit({type: 'app/status', pid: instance.app.pid, status});
	};

	const relayHandlers: RelayHandlers = {
		onLine(line) {
			const queued: Queued = line.kind === 'datagram' ? line : {kind: line.kind, sender: line.sender};
			if (instance) handle(queued);
			else if (starting && queue.length < MAX_QUEUED) queue.push(queued);
		},
		onBatchEnd: batchEnd,
		onExit(why) {
			failed = true;
			handlers.lost();
			problem('relay-exit', () => `the relay process ended (${why}): instances started from now on get no NOTIFY_SOCKET`);
		},
	};

	let dir: string | undefined;
	let relay: Relay | undefined;
	const python = platform === 'linux' ? relayPython(env.PATH) : undefined;
	const root = socketRoot(os.tmpdir(), platform);
	if (python && root) {
		try {
			dir = mkdtempSync(path.join(root, 'devtui-'));
			chmodSync(dir, 0o700);
			relay = startRelay(python, path.join(dir, 'notify.sock'), relayHandlers);
		} catch {
			relay = undefined;
		}
	}
	const socketPath = relay && dir ? path.join(dir, 'notify.sock') : undefined;
	failed = socketPath === undefined;
	const bound = relay?.ready.then(ok => {
		if (!ok) failed = true;
	});
	let timer: NodeJS.Timeout | undefined;
	const ready = bound
		? Promise.race([bound, new Promise<void>(resolve => (timer = setTimeout(resolve, RELAY_WAIT_MS)))]).then(() => clearTimeout(timer))
		: Promise.resolve();

	return {
		participant: {
			// Pure (--warm asks for the next instance's input while this one runs): the switch to the
			// new instance happens in `starting`, right before it is started.
			starting() {
				starting = true;
				queue = [];
				if (instance) previous = instance;
				instance = undefined;
			},
			spawnInput(input) {
				const {[NOTIFY_SOCKET_ENV]: _inherited, ...rest} = input.env;
				// Set while the relay is still binding too: only an app that sends within ~10 ms of
				// devtui's own start could miss it, and its sd_notify call then fails quietly.
				return {...input, env: failed || !socketPath ? rest : {...rest, [NOTIFY_SOCKET_ENV]: socketPath}};
			},
			spawned(app) {
				starting = false;
				instance = {app, verdicts: new Map(), status: undefined, stoppingSaid: false, lastDeadline: undefined};
				const waiting = queue;
				queue = [];
				// After run/spawned, which the supervisor emits right after this call: readiness must
				// know the new instance before its READY=1 is counted.
				if (waiting.length > 0) {
					queueMicrotask(() => {
						for (const line of waiting) handle(line);
						batchEnd();
					});
				}
			},
			gone(app) {
				if (instance?.app !== app) return;
				previous = instance;
				instance = undefined;
			},
		},
		ready,
		get socketPath() {
			return failed ? undefined : socketPath;
		},
		close() {
			clearTimeout(timer);
			relay?.close();
			failed = true;
			if (dir) rmSync(dir, {recursive: true, force: true});
		},
	};
};
