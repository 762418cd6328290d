import {describe, expect, it} from 'vitest';
import {encodeMessage} from '../../src/protocol/messages.js';
import {parseAppMessage, parseDevtuiMessage} from '../../src/protocol/parse-message.js';

const ok = (line: string) => {
	const result = parseAppMessage(line);
	if (!result.ok) throw new Error(`expected a message, got ${result.problem.message}`);
	return result.message;
};

const problem = (line: string) => {
	const result = parseAppMessage(line);
	if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result.message)}`);
	expect(result.problem.message).not.toContain('\n');
	return result.problem;
};

describe('parseAppMessage', () => {
	it('parses every app message type, keeping only the known fields', () => {
		expect(ok('{"type":"hello","v":1,"pid":42,"restart":0,"client":"x/1","extra":true}')).toEqual({
			type: 'hello',
			v: 1,
			pid: 42,
			restart: 0,
			client: 'x/1',
		});
		expect(ok('{"type":"ready","since":3}')).toEqual({type: 'ready'});
		expect(ok('{"type":"phase","name":"api_server","event":"start"}')).toEqual({type: 'phase', name: 'api_server', event: 'start'});
		expect(ok('{"type":"phase","name":"state","event":"end","ok":false,"error":"disk full"}')).toEqual({
			type: 'phase',
			name: 'state',
			event: 'end',
			ok: false,
			error: 'disk full',
		});
		expect(ok('{"type":"phase","name":"state","event":"end"}')).toEqual({type: 'phase', name: 'state', event: 'end'});
		expect(ok('{"type":"state","path":"/tmp/s.json","bytes":120}')).toEqual({type: 'state', path: '/tmp/s.json', bytes: 120});
		expect(ok('{"type":"extend","ms":2500.2}')).toEqual({type: 'extend', ms: 2501});
	});

	it('accepts a newer protocol version in hello (devtui answers with its own)', () => {
		expect(ok('{"type":"hello","v":7,"pid":1,"restart":3,"client":""}')).toMatchObject({v: 7, restart: 3});
	});

	it('reports garbage by kind', () => {
		expect(problem('hello').kind).toBe('not-json');
		expect(problem('{"type":"ready"').kind).toBe('not-json');
		expect(problem('').kind).toBe('not-json');
		for (const line of ['[1,2]', '42', '"ready"', 'null', 'true']) expect(problem(line).kind).toBe('not-object');
		expect(problem('{}').kind).toBe('unknown-type');
		expect(problem('{"type":5}').kind).toBe('unknown-type');
		expect(problem('{"type":"welcome","v":1,"restart":0}').kind).toBe('unknown-type');
		expect(problem('{"type":"dance"}').message).toBe('unknown message type "dance"');
	});

	it('keeps a problem message short whatever the line', () => {
		expect(problem(`x${'y'.repeat(10_000)}`).message.length).toBeLessThan(100);
		expect(problem(`{"type":"${'t'.repeat(10_000)}"}`).message.length).toBeLessThan(100);
	});

	it('reports wrong field types', () => {
		const bad = [
			'{"type":"hello","v":0,"pid":1,"restart":0,"client":"c"}',
			'{"type":"hello","v":1.5,"pid":1,"restart":0,"client":"c"}',
			'{"type":"hello","v":"1","pid":1,"restart":0,"client":"c"}',
			'{"type":"hello","v":1,"pid":0,"restart":0,"client":"c"}',
			'{"type":"hello","v":1,"pid":"42","restart":0,"client":"c"}',
			'{"type":"hello","v":1,"pid":1,"restart":-1,"client":"c"}',
			'{"type":"hello","v":1,"pid":1,"restart":0}',
			'{"type":"hello","v":1,"pid":1,"restart":0,"client":7}',
			'{"type":"phase","name":"","event":"start"}',
			'{"type":"phase","name":3,"event":"start"}',
			'{"type":"phase","name":"a","event":"middle"}',
			'{"type":"phase","name":"a","event":"end","ok":"yes"}',
			'{"type":"phase","name":"a","event":"end","ok":false,"error":{"m":1}}',
			'{"type":"state","path":"","bytes":1}',
			'{"type":"state","path":"/s","bytes":-1}',
			'{"type":"state","path":"/s","bytes":1.5}',
			'{"type":"state","path":"/s"}',
			'{"type":"extend","ms":0}',
			'{"type":"extend","ms":-5}',
			'{"type":"extend","ms":"100"}',
			'{"type":"extend"}',
		];
		for (const line of bad) expect(problem(line).kind, line).toBe('bad-field');
		expect(problem('{"type":"state","path":"/s","bytes":-1}').message).toBe('"state" message: field "bytes" must be an integer >= 0');
	});

	it('round-trips what encodeMessage writes, one line each', () => {
		const message = {type: 'phase', name: 'a\nb', event: 'end', ok: false, error: 'x'} as const;
		const line = encodeMessage(message);
		expect(line.endsWith('\n')).toBe(true);
		expect(line.slice(0, -1)).not.toContain('\n');
		expect(ok(line.slice(0, -1))).toEqual(message);
	});
});

describe('parseDevtuiMessage', () => {
	it('parses welcome, shutdown and error', () => {
		expect(parseDevtuiMessage('{"type":"welcome","v":1,"restart":2}')).toEqual({ok: true, message: {type: 'welcome', v: 1, restart: 2}});
		const shutdown = {
			type: 'shutdown',
			v: 1,
			reason: 'change',
			files: [{path: 'app.py', kind: 'changed'}],
			deadline: 1_700_000_000_000,
			timeoutMs: 10_000,
		};
		expect(parseDevtuiMessage(JSON.stringify({...shutdown, more: 1}))).toEqual({ok: true, message: shutdown});
		expect(parseDevtuiMessage('{"type":"error","message":"no"}')).toEqual({ok: true, message: {type: 'error', message: 'no'}});
	});

	it('rejects malformed devtui messages', () => {
		const bad = [
			'{"type":"shutdown","v":1,"reason":"bored","files":[],"deadline":1,"timeoutMs":1}',
			'{"type":"shutdown","v":1,"reason":"quit","files":[{"path":"a"}],"deadline":1,"timeoutMs":1}',
			'{"type":"shutdown","v":1,"reason":"quit","files":[],"deadline":"soon","timeoutMs":1}',
			'{"type":"welcome","v":1}',
			'{"type":"error"}',
			'{"type":"hello","v":1,"pid":1,"restart":0,"client":"c"}',
			'nope',
		];
		for (const line of bad) expect(parseDevtuiMessage(line).ok, line).toBe(false);
	});
});
