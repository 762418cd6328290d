// The NOTIFY_SOCKET itself. Node cannot open a Unix datagram socket (its dgram module speaks only
// UDP, net only streams), and sd_notify is datagrams, so a tiny Python process (standard library
// only, started with -I -S: no site packages, no PYTHON* variables) binds the socket with
// SO_PASSCRED and writes one line per datagram to devtui over a pipe:
//
//   ready                          the socket is bound (or `error <why>`, then it exits)
//   d <pid> <ppid> <pgid> <hex>    a datagram: the kernel's sender pid, where /proc placed that
//                                  process at receive time, the payload in hex (no escaping to get wrong)
//   big <pid> <ppid> <pgid>        a datagram too long for sd_notify, dropped
//
// It sleeps in poll() (no CPU while idle) and lives for the whole session. Its stdin is a pipe
// from devtui that is never written: end of file, however devtui ends (SIGKILL included), makes it
// remove the socket and exit. It runs in its own session, so the terminal's Ctrl-C or hang-up
// cannot take it down while devtui is still stopping the app. File descriptors a sender passes
// along (systemd-notify's BARRIER=1 does) never reach it: the ancillary buffer only has room for
// the credentials, so the kernel closes them, which is exactly what releases the barrier.

import {spawn, type ChildProcess} from 'node:child_process';
import {createLineReader} from '../protocol/ndjson-lines.js';
import {NOTIFY_DATAGRAM_MAX, parseRelayLine, type RelayLine} from './parse-notify.js';

// Python 3.5+ (bytes %-formatting, bytes.hex). SIGTERM ends it through the same clean-up as EOF.
const SCRIPT = String.raw`
import os, select, signal, socket, sys
path = sys.argv[1]
out = sys.stdout.buffer
LIMIT = ${NOTIFY_DATAGRAM_MAX}
CREDENTIALS = socket.CMSG_SPACE(12)

def placed(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            text = handle.read()
        fields = text[text.rindex(b")") + 2:].split()
        return int(fields[1]), int(fields[2])
    except (OSError, ValueError, IndexError):
        return 0, 0

def sender(ancillary):
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(value) >= 12:
            return int.from_bytes(value[:4], sys.byteorder, signed=True)
    return 0

def relay(sock):
    poller = select.poll()
    poller.register(0, select.POLLIN)
    poller.register(sock.fileno(), select.POLLIN)
    while True:
        for fd, _ in poller.poll():
            if fd == 0:
                if not os.read(0, 512):
                    return
                continue
            lines = []
            for _ in range(64):
                # Peek first: a sender waiting on a barrier (systemd-notify) exits the moment its
                # datagram is taken, so it is placed while the datagram is still queued.
                try:
                    _, ancillary, _, _ = sock.recvmsg(1, CREDENTIALS, socket.MSG_PEEK)
                except (BlockingIOError, InterruptedError):
                    break
                pid = sender(ancillary)
                ppid, pgid = placed(pid) if pid > 0 else (0, 0)
                data, _, flags, _ = sock.recvmsg(LIMIT, CREDENTIALS)
                if flags & socket.MSG_TRUNC or len(data) >= LIMIT:
                    lines.append(b"big %d %d %d\n" % (pid, ppid, pgid))
                else:
                    lines.append(b"d %d %d %d %s\n" % (pid, ppid, pgid, data.hex().encode()))
            if lines:
                out.write(b"".join(lines))
                out.flush()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
# Descriptors devtui itself inherited without close-on-exec must not be held open by the relay.
for name in os.listdir("/proc/self/fd"):
    if int(name) > 2:
        try:
            os.close(int(name))
        except OSError:
            pass
try:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.bind(path)
except (OSError, AttributeError) as error:
    out.write(b"error %s\n" % str(error).replace("\n", " ").encode("utf-8", "replace"))
    out.flush()
    sys.exit(1)
try:
    out.write(b"ready\n")
    out.flush()
    relay(sock)
except (BrokenPipeError, KeyboardInterrupt):
    pass
finally:
    try:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass
`;
import {describeExit} from '../describe-exit.js';

/** The relay's command line; the socket path is its last argument. */
const relayArgs = (socketPath: string): string[] => ['-I', '-S', '-c', SCRIPT, socketPath];

// Far above a relay line's size (a datagram is under 4096 bytes, 8192 in hex): anything longer is not the relay's.
const MAX_LINE_BYTES = 16 * 1024;

export interface Relay {
	/** True once the socket is bound; false if the relay could not start or bind. */
	ready: Promise<boolean>;
	/** Ends the relay (it removes the socket and its directory itself). Idempotent. */
	close(): void;
}

export interface RelayHandlers {
	/** A datagram (or a too-long one) arrived. Called once per line, in order. */
	onLine(line: Extract<RelayLine, {kind: 'datagram' | 'too-long'}>): void;
	/** Every line of one read has been handled (where a burst of status updates is folded into its last). */
	onBatchEnd(): void;
	/** The relay ended while devtui still wanted it; `why` says how. */
	onExit(why: string): void;
}

export const startRelay = (python: string, socketPath: string, handlers: RelayHandlers): Relay => {
	let child: ChildProcess | undefined;
	let closed = false;
	let resolveReady: (ready: boolean) => void = () => {};
	const ready = new Promise<boolean>(resolve => {
		resolveReady = resolve;
	});
	let bound = false;
	let failure: string | undefined;
	const ended = (why: string) => {
		resolveReady(false);
		child = undefined;
		if (bound && !closed) handlers.onExit(failure ?? why);
		closed = true;
	};

	try {
		// A minimal environment: -I already ignores PYTHON*, and nothing of devtui's (a NOTIFY_SOCKET of
		// its own, for one) has any business in the relay.
		child = spawn(python, relayArgs(socketPath), {detached: true, stdio: ['pipe', 'pipe', 'ignore'], env: {LC_ALL: 'C.UTF-8'}});
	} catch (error) {
		ended((error as Error).message);
		return {ready, close() {}};
	}
	const relay = child;
	const reader = createLineReader({
		maxBytes: MAX_LINE_BYTES,
		onLine: text => {
			const line = parseRelayLine(text);
			if (!line) return;
			if (line.kind === 'ready') {
				bound = true;
				resolveReady(true);
			} else if (line.kind === 'error') {
				failure = line.message;
			} else if (bound) {
				handlers.onLine(line);
			}
		},
		onTooLong: () => {},
	});
	relay.stdout!.on('data', (chunk: Buffer) => {
		reader.push(chunk);
		handlers.onBatchEnd();
	});
	relay.on('error', error => ended(error.message));
	relay.on('exit', (code, signal) => ended(describeExit(code, signal)));
	relay.stdin!.on('error', () => {});
	// Neither the relay nor its pipes may keep devtui's event loop alive.
	relay.unref();
	for (const stream of [relay.stdin, relay.stdout] as unknown as Array<{unref?: () => void}>) stream.unref?.();

	return {
		ready,
		close() {
			if (closed) return;
			closed = true;
			resolveReady(false);
			relay.stdin?.end();
		},
	};
};
