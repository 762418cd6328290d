// Reading NOTIFY_SOCKET datagrams: the relay's lines and sd_notify's `KEY=value` assignments, with
// systemd's rules for what counts and what is dropped.

import {describe, expect, it} from 'vitest';
import {extendMs, NOTIFY_DATAGRAM_MAX, parseNotifyPayload, parseRelayLine} from '../../src/notify/parse-notify.js';

const text = (value: string) => new TextEncoder().encode(value);
const message = (value: string | Uint8Array) => {
	const result = parseNotifyPayload(typeof value === 'string' ? text(value) : value);
	if (!result.ok) throw new Error(`not parsed: ${result.problem}`);
	return result.message;
};

describe('sd_notify assignments', () => {
	it('reads gunicorn 20.1 arbiter datagram: READY and STATUS in one', () => {
		expect(message('READY=1\nSTATUS=Gunicorn arbiter booted')).toEqual({
			ready: true,
			stopping: false,
			status: 'Gunicorn arbiter booted',
			invalid: [],
		});
	});

	it('reads every key devtui uses, in any order, with a trailing newline and blank lines', () => {
		expect(message('\nSTOPPING=1\n\nEXTEND_TIMEOUT_USEC=5000000\nMAINPID=4242\nSTATUS=draining\n')).toEqual({
			ready: false,
			stopping: true,
			status: 'draining',
			extendUsec: 5_000_000,
			mainPid: 4242,
			invalid: [],
		});
	});

	it('takes the first STATUS= and EXTEND_TIMEOUT_USEC=, as systemd does', () => {
		const read = message('STATUS=first\nSTATUS=second\nEXTEND_TIMEOUT_USEC=1000\nEXTEND_TIMEOUT_USEC=9000');
		expect(read.status).toBe('first');
		expect(read.extendUsec).toBe(1000);
	});

	it('keeps an empty STATUS= (it clears the status) and a value holding "="', () => {
		expect(message('STATUS=').status).toBe('');
		expect(message('STATUS=a=b').status).toBe('a=b');
	});

	it('removes control characters from STATUS (an escape sequence must not reach the terminal)', () => {
		expect(message('STATUS=\u001b[31mred\u001b[0m\tdone\r').status).toBe('[31mred [0m done');
		expect(message('STATUS=caf\u00e9 \u2713').status).toBe('caf\u00e9 \u2713');
	});

	it('ignores keys devtui has no use for, silently', () => {
		expect(message('WATCHDOG=1\nRELOADING=1\nMONOTONIC_USEC=1\nERRNO=2\nFDSTORE=1\nBARRIER=1\nX_CUSTOM=yes')).toEqual({
			ready: false,
			stopping: false,
			invalid: [],
		});
	});

	it('lists what it would use but cannot read, and keeps the rest of the datagram', () => {
		const read = message('READY=0\nSTOPPING=yes\nEXTEND_TIMEOUT_USEC=soon\nEXTEND_TIMEOUT_USEC=-5\nMAINPID=0\nMAINPID=abc\nhello\n=x\nSTATUS=ok');
		expect(read.invalid).toEqual(['READY=0', 'STOPPING=yes', 'EXTEND_TIMEOUT_USEC=soon', 'EXTEND_TIMEOUT_USEC=-5', 'MAINPID=0', 'MAINPID=abc', 'hello', '=x']);
		expect(read).toMatchObject({ready: false, stopping: false, status: 'ok'});
		expect(read.extendUsec).toBeUndefined();
		expect(read.mainPid).toBeUndefined();
	});

	it('is strict about READY=1: spaces or case do not count', () => {
		for (const line of ['READY= 1', 'READY=1 ', 'ready=1', ' READY=1']) expect(message(line).ready).toBe(false);
	});

	it('drops a datagram that is not UTF-8, holds a NUL byte, or is 4096 bytes or more', () => {
		expect(parseNotifyPayload(Uint8Array.from([0x53, 0x3d, 0xff, 0xfe]))).toEqual({ok: false, problem: 'not-text'});
		expect(parseNotifyPayload(text('READY=1\0'))).toEqual({ok: false, problem: 'nul-byte'});
		expect(parseNotifyPayload(new Uint8Array(NOTIFY_DATAGRAM_MAX).fill(0x41))).toEqual({ok: false, problem: 'too-long'});
		expect(parseNotifyPayload(new Uint8Array(NOTIFY_DATAGRAM_MAX - 1).fill(0x41)).ok).toBe(true);
	});

	it('reads an empty datagram as nothing', () => {
		expect(message('')).toEqual({ready: false, stopping: false, invalid: []});
	});

	it('turns microseconds into whole milliseconds, rounding up, and never past a safe integer', () => {
		expect(extendMs(0)).toBe(0);
		expect(extendMs(1)).toBe(1);
		expect(extendMs(1500)).toBe(2);
		expect(extendMs(5_000_000)).toBe(5000);
		expect(extendMs(Number('99999999999999999999'))).toBe(Number.MAX_SAFE_INTEGER);
	});
});

describe('relay lines', () => {
	const hex = (value: string) => Buffer.from(value).toString('hex');

	it('reads ready, error, a datagram and a too-long one', () => {
		expect(parseRelayLine('ready')).toEqual({kind: 'ready'});
		expect(parseRelayLine('error [Errno 98] Address already in use')).toEqual({kind: 'error', message: '[Errno 98] Address already in use'});
		expect(parseRelayLine(`d 4242 4200 4200 ${hex('READY=1')}`)).toEqual({
			kind: 'datagram',
			sender: {pid: 4242, ppid: 4200, pgid: 4200},
			payload: Buffer.from('READY=1'),
		});
		expect(parseRelayLine('big 7 1 7')).toEqual({kind: 'too-long', sender: {pid: 7, ppid: 1, pgid: 7}});
	});

	it('reads an empty datagram and a sender the relay could not place', () => {
		expect(parseRelayLine('d 0 0 0 ')).toEqual({kind: 'datagram', sender: {pid: 0, ppid: 0, pgid: 0}, payload: Buffer.alloc(0)});
	});

	it('rejects anything the relay does not write', () => {
		for (const line of [
			'',
			'READY=1',
			'd 1 2 3',
			'd 1 2 3 zz',
			'd 1 2 3 abc',
			'd 1 2 3 ABCD',
			'd -1 2 3 00',
			'd 1 2 3 00 extra',
			'd 1.5 2 3 00',
			'big 1 2',
			'big 1 2 x',
			`d 1 2 3 ${'41'.repeat(NOTIFY_DATAGRAM_MAX)}`,
			'd 12345678901 2 3 00',
		]) {
			expect(parseRelayLine(line), line).toBeUndefined();
		}
	});
});
