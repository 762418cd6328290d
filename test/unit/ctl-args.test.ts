// `devtui ctl` argument parsing (client) and request parsing (server): what is accepted, and the
// one-line error for everything else.

import {describe, expect, it} from 'vitest';
import {DEFAULT_LOG_LINES, DEFAULT_WAIT_TIMEOUT_MS, parseCtlArgs} from '../../src/cli/parse-ctl-args.js';
import {CTL_PROTOCOL} from '../../src/ctl/ctl-protocol.js';
import {parseRequest} from '../../src/ctl/parse-request.js';

const request = (argv: string[]) => {
	const parsed = parseCtlArgs(argv);
	if (parsed.kind !== 'request') throw new Error('expected a request');
	return parsed;
};

const usage = (argv: string[]): string => {
	try {
		parseCtlArgs(argv);
	} catch (error) {
		expect((error as Error).name).toBe('UsageError');
		expect((error as Error).message).not.toContain('\n');
		return (error as Error).message;
	}
	throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseCtlArgs', () => {
	it('reads every verb with its defaults', () => {
		const v = CTL_PROTOCOL;
		expect(request(['status'])).toEqual({kind: 'request', json: false, request: {v, verb: 'status'}});
		expect(request(['status', '--json']).json).toBe(true);
		expect(request(['restart', 'api', 'web']).request).toEqual({v, verb: 'restart', services: ['api', 'web'], all: false});
		expect(request(['restart', '--all']).request).toEqual({v, verb: 'restart', services: [], all: true});
		expect(request(['hold', 'app']).request).toEqual({v, verb: 'hold', service: 'app'});
		expect(request(['release', 'app']).request).toEqual({v, verb: 'release', service: 'app'});
		expect(request(['logs', 'app']).request).toEqual({v, verb: 'logs', service: 'app', lines: DEFAULT_LOG_LINES, follow: false});
		expect(request(['wait-ready']).request).toEqual({v, verb: 'wait-ready', services: [], timeoutMs: DEFAULT_WAIT_TIMEOUT_MS});
	});

	it('reads flags in both spellings, before or after the names', () => {
		expect(request(['logs', '--lines', '5', 'app', '-f', '--json'])).toMatchObject({json: true, request: {service: 'app', lines: 5, follow: true}});
		expect(request(['logs', 'app', '-n', '0']).request).toMatchObject({lines: 0});
		expect(request(['logs', 'app', '--lines=7', '--follow']).request).toMatchObject({lines: 7, follow: true});
		expect(request(['wait-ready', 'api', '--timeout=2500', 'web', '--json'])).toMatchObject({json: true, request: {services: ['api', 'web'], timeoutMs: 2500}});
	});

	it('gives help for --help anywhere', () => {
		expect(parseCtlArgs(['--help'])).toEqual({kind: 'help'});
		expect(parseCtlArgs(['logs', '-h'])).toEqual({kind: 'help'});
	});

	it('refuses what it cannot send, in one line, with the fix', () => {
		expect(usage([])).toMatch(/ctl needs a verb: status, restart/);
		expect(usage(['stauts'])).toBe('unknown ctl verb "stauts": did you mean status? (verbs: status, restart, hold, release, logs, wait-ready)');
		expect(usage(['logs'])).toMatch(/logs takes one service name \(usage: devtui ctl logs <service>/);
		expect(usage(['hold', 'a', 'b'])).toMatch(/hold takes one service name, not 2/);
		expect(usage(['restart'])).toMatch(/restart needs service names or --all, not neither/);
		expect(usage(['restart', 'app', '--all'])).toMatch(/not both/);
		expect(usage(['status', 'app'])).toMatch(/status takes no service name/);
		expect(usage(['logs', 'app', '--lines'])).toBe('--lines needs a value: a number of lines, e.g. --lines 50');
		expect(usage(['logs', 'app', '--lines', 'ten'])).toBe('--lines needs a whole number, not "ten"');
		expect(usage(['wait-ready', '--timeout', '0'])).toBe('--timeout needs a positive whole number, not "0"');
		expect(usage(['wait-ready', '--timeout', '-5'])).toMatch(/needs a positive whole number, not "-5"/);
		expect(usage(['wait-ready', '--timout', '5'])).toMatch(/wait-ready has no option --timout: did you mean --timeout\?/);
		expect(usage(['status', '--json=yes'])).toMatch(/--json takes no value/);
	});
});

describe('parseRequest', () => {
	const v = CTL_PROTOCOL;
	it('accepts what the client sends', () => {
		for (const argv of [['status'], ['restart', '--all'], ['restart', 'a'], ['hold', 'a'], ['release', 'a'], ['logs', 'a', '-f'], ['wait-ready', 'a', 'b']]) {
			const sent = request(argv).request;
			expect(parseRequest(JSON.stringify(sent))).toEqual({ok: true, request: sent});
		}
	});

	it('refuses anything else with a reason', () => {
		const refused = (line: string) => {
			const parsed = parseRequest(line);
			if (parsed.ok) throw new Error(`accepted ${line}`);
			return parsed.message;
		};
		expect(refused('status')).toMatch(/one JSON object/);
		expect(refused('[1]')).toMatch(/a JSON object/);
		expect(refused(JSON.stringify({v: 99, verb: 'status'}))).toMatch(/protocol version 99 is not 1/);
		expect(refused(JSON.stringify({v, verb: 'reboot'}))).toBe('unknown verb "reboot"');
		expect(refused(JSON.stringify({v, verb: 'logs', service: 'a', lines: -1, follow: false}))).toMatch(/"lines" must be a whole number/);
		expect(refused(JSON.stringify({v, verb: 'restart', services: ['a'], all: true}))).toMatch(/not both or neither/);
		expect(refused(JSON.stringify({v, verb: 'wait-ready', services: [''], timeoutMs: 5}))).toMatch(/"services" must be a list/);
		expect(refused(JSON.stringify({v, verb: 'wait-ready', services: [], timeoutMs: 0}))).toMatch(/"timeoutMs" must be a positive/);
		expect(refused(JSON.stringify({v, verb: 'hold'}))).toMatch(/"service" must be a service name/);
	});
});
