import {describe, expect, it} from 'vitest';
import {formatBytes} from '../../src/format-bytes.js';
import {inspectStateBytes, isEndOfInputError, problemForErrno} from '../../src/state/validate-state-file.js';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');

const sample = JSON.stringify(
	{
		restart_marker: true,
		timestamp: 1763790312.25,
		self_state: {count: -12.5e-3, names: ['a"b', 'h\u00e9llo \u{1F600}', '\\'], flags: [true, false, null], nested: {x: {}}},
		event_queue: [{t: 'click', at: 1e21}],
		config: {},
	},
	null,
	1,
);

describe('inspectStateBytes', () => {
	it('accepts an object with restart_marker and a numeric timestamp', () => {
		const verdict = inspectStateBytes(bytesOf(sample));
		expect(verdict.ok).toBe(true);
		if (verdict.ok) expect(Object.keys(verdict.state)).toContain('self_state');
	});

	it('calls every prefix of a valid file truncated, never corrupt', () => {
		const bytes = bytesOf(sample);
		const wrong: number[] = [];
		for (let cut = 0; cut < bytes.length; cut++) {
			const verdict = inspectStateBytes(bytes.subarray(0, cut));
			if (verdict.ok || verdict.problem !== 'truncated') wrong.push(cut);
		}
		expect(wrong).toEqual([]);
	});

	it('tells a character cut at the end from invalid bytes inside', () => {
		const text = bytesOf('{"restart_marker": true, "timestamp": 1, "a": "\u{1F600}"}');
		const inside = text.indexOf(0xf0);
		expect(inspectStateBytes(text.subarray(0, inside + 2))).toMatchObject({ok: false, problem: 'truncated'});
		const broken = Buffer.concat([text.subarray(0, inside), Buffer.from([0xff, 0xfe]), text.subarray(inside + 4)]);
		expect(inspectStateBytes(broken)).toMatchObject({ok: false, problem: 'corrupt', detail: 'is not valid UTF-8'});
	});

	it.each([
		['garbage', 'hello world'],
		['trailing data', '{"restart_marker": true, "timestamp": 1}}'],
		['a bad token', '{"restart_marker": tru, "timestamp": 1}'],
		['a trailing comma', '{"restart_marker": true, "timestamp": 1,}'],
	])('calls %s corrupt', (_, text) => {
		expect(inspectStateBytes(bytesOf(text))).toMatchObject({ok: false, problem: 'corrupt'});
	});

	it.each([
		['an array', '[1, 2]', 'holds a JSON array'],
		['a number', '42', 'holds a JSON number'],
		['a false marker', '{"restart_marker": false, "timestamp": 1}', 'restart_marker'],
		['no marker', '{"timestamp": 1, "a": 1}', 'restart_marker'],
		['no timestamp', '{"restart_marker": true}', 'timestamp'],
		['a string timestamp', '{"restart_marker": true, "timestamp": "now"}', 'timestamp'],
	])('calls %s no-marker', (_, text, detail) => {
		const verdict = inspectStateBytes(bytesOf(text));
		expect(verdict).toMatchObject({ok: false, problem: 'no-marker'});
		if (!verdict.ok) expect(verdict.detail).toContain(detail);
	});

	it('accepts a byte order mark', () => {
		expect(inspectStateBytes(bytesOf('\ufeff{"restart_marker": true, "timestamp": 1}')).ok).toBe(true);
	});

	it('calls an empty or blank file truncated', () => {
		expect(inspectStateBytes(new Uint8Array())).toMatchObject({problem: 'truncated', detail: 'is empty'});
		expect(inspectStateBytes(bytesOf('  \n'))).toMatchObject({problem: 'truncated'});
	});

	it('keeps corrupt messages to one short line', () => {
		const verdict = inspectStateBytes(bytesOf(`{"a": "${'x'.repeat(100_000)}", "b": zz}`));
		expect(verdict.ok).toBe(false);
		if (!verdict.ok) {
			expect(verdict.detail.length).toBeLessThan(200);
			expect(verdict.detail).not.toContain('\n');
		}
	});
});

describe('isEndOfInputError', () => {
	it('recognises the end-of-input forms and rejects errors in the middle', () => {
		expect(isEndOfInputError('Unexpected end of JSON input', 10)).toBe(true);
		expect(isEndOfInputError('Unterminated string in JSON at position 9', 9)).toBe(true);
		expect(isEndOfInputError('Expected \',\' or \'}\' after property value in JSON at position 3', 9)).toBe(false);
		expect(isEndOfInputError('Unexpected token \'x\', "x" is not valid JSON', 9)).toBe(false);
	});
});

describe('problemForErrno', () => {
	it.each([
		['ENOENT', 'missing'],
		['ENOTDIR', 'missing'],
		['EISDIR', 'not-a-file'],
		['EACCES', 'unreadable'],
		['EPERM', 'unreadable'],
		['EIO', 'unreadable'],
		[undefined, 'unreadable'],
	])('maps %s to %s', (code, problem) => {
		expect(problemForErrno(code).problem).toBe(problem);
	});
});

describe('formatBytes', () => {
	it('uses binary units', () => {
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(1536)).toBe('1.5 KiB');
		expect(formatBytes(19_156)).toBe('19 KiB');
		expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
		expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
	});
});
