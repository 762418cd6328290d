// Reading what arrives on NOTIFY_SOCKET, in two layers, both pure: the relay's lines (one per
// datagram: the sender's credentials and the payload in hex), and the payload itself, sd_notify's
// newline-separated `KEY=value` assignments. The rules follow systemd's own reading
// (src/core/manager.c, service.c): a datagram of 4096 bytes or more, or one holding a NUL byte, is
// dropped whole; `READY=1` and `STOPPING=1` count only written exactly so; for STATUS= and
// EXTEND_TIMEOUT_USEC= the first assignment wins; keys devtui has no use for are ignored.

/** systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): a datagram must be shorter than this. */
export const NOTIFY_DATAGRAM_MAX = 4096;

/** Who sent a datagram, read by the relay when it received it (0: unknown). */
export interface NotifySender {
	/** From SCM_CREDENTIALS: the kernel's word, not the sender's. */
	pid: number;
	/** From /proc/<pid>/stat at receive time, so a sender that exits right after sending is still placed. */
	ppid: number;
	pgid: number;
}

export type RelayLine =
	| {kind: 'ready'}
	| {kind: 'error'; message: string}
	| {kind: 'datagram'; sender: NotifySender; payload: Buffer}
	| {kind: 'too-long'; sender: NotifySender};

const NUMBER = /^\d{1,10}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

const senderOf = (fields: readonly string[]): NotifySender | undefined => {
	if (fields.length !== 3 || !fields.every(field => NUMBER.test(field))) return undefined;
	const [pid, ppid, pgid] = fields.map(Number) as [number, number, number];
	return {pid, ppid, pgid};
};

/** One line from the relay, or undefined when it is not one the relay writes. */
export const parseRelayLine = (line: string): RelayLine | undefined => {
	if (line === 'ready') return {kind: 'ready'};
	if (line.startsWith('error ')) return {kind: 'error', message: line.slice('error '.length)};
	const fields = line.split(' ');
	if (fields[0] === 'big') {
		const sender = senderOf(fields.slice(1));
		return sender && {kind: 'too-long', sender};
	}
	if (fields[0] === 'd' && fields.length === 5) {
		const sender = senderOf(fields.slice(1, 4));
		const hex = fields[4]!;
		if (!sender || !HEX.test(hex) || hex.length >= NOTIFY_DATAGRAM_MAX * 2) return undefined;
		return {kind: 'datagram', sender, payload: Buffer.from(hex, 'hex')};
	}
	return undefined;
};

export interface NotifyMessage {
	/** READY=1: startup is finished. */
	ready: boolean;
	/** STOPPING=1: the app is shutting down. */
	stopping: boolean;
	/** STATUS=: a one-line status for people, control characters removed (empty clears it). */
	status?: string;
	/** EXTEND_TIMEOUT_USEC=: more time, in microseconds from now. */
	extendUsec?: number;
	/** MAINPID=: the app's main process, by its own account (devtui supervises the group either way). */
	mainPid?: number;
	/** Assignments devtui would use but could not read, as sent (`EXTEND_TIMEOUT_USEC=soon`, a line without `=`). */
	invalid: string[];
}

export type PayloadResult = {ok: true; message: NotifyMessage} | {ok: false; problem: 'not-text' | 'nul-byte' | 'too-long'};

const decoder = new TextDecoder('utf-8', {fatal: true});

const USEC = /^\d{1,20}$/;
const PID = /^[1-9]\d{0,9}$/;
// Control characters would move the cursor or colour the terminal when the status is shown.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The assignments of one datagram. */
export const parseNotifyPayload = (payload: Uint8Array): PayloadResult => {
	if (payload.length >= NOTIFY_DATAGRAM_MAX) return {ok: false, problem: 'too-long'};
	if (payload.includes(0)) return {ok: false, problem: 'nul-byte'};
	let text: string;
	try {
		text = decoder.decode(payload);
	} catch {
		return {ok: false, problem: 'not-text'};
	}
	const message: NotifyMessage = {ready: false, stopping: false, invalid: []};
	for (const line of text.split('\n')) {
		if (line === '') continue;
		const equals = line.indexOf('=');
		if (equals <= 0) {
			message.invalid.push(line);
			continue;
		}
		const key = line.slice(0, equals);
		const value = line.slice(equals + 1);
		switch (key) {
			case 'READY':
				if (value === '1') message.ready = true;
				else message.invalid.push(line);
				break;
			case 'STOPPING':
				if (value === '1') message.stopping = true;
				else message.invalid.push(line);
				break;
			case 'STATUS':
				message.status ??= value.replace(CONTROL, ' ').trim();
				break;
			case 'EXTEND_TIMEOUT_USEC':
				if (!USEC.test(value)) message.invalid.push(line);
				else message.extendUsec ??= Number(value);
				break;
			case 'MAINPID':
				if (!PID.test(value)) message.invalid.push(line);
				else message.mainPid ??= Number(value);
				break;
			default:
			// WATCHDOG=, RELOADING=, ERRNO=, FDSTORE=, BARRIER= and the rest: devtui has no use for them.
		}
	}
	return {ok: true, message};
};

/** EXTEND_TIMEOUT_USEC in whole milliseconds, rounded up (1 µs still asks for time). */
export const extendMs = (usec: number): number => Math.min(Math.ceil(usec / 1000), Number.MAX_SAFE_INTEGER);
