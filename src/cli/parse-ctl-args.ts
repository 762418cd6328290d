// Reads `devtui ctl <verb> ...` (the arguments after `ctl`) into the request to send and how to
// print the answer. Throws UsageError for anything it cannot accept, with the fix in the message.

import {CTL_PROTOCOL, CTL_VERBS, type CtlRequest} from '../ctl/ctl-protocol.js';
import {UsageError} from '../usage-error.js';
import {closestMatch} from './closest-match.js';

export const DEFAULT_LOG_LINES = 100;
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;

export type ParsedCtl = {kind: 'help'} | {kind: 'request'; request: CtlRequest; json: boolean};

interface Flag {
	names: string[];
	/** A value follows (`--lines 50` or `--lines=50`). */
	value?: string;
}

const FLAGS: Record<string, Flag[]> = {
	status: [{names: ['--json']}],
	restart: [{names: ['--all']}],
	hold: [],
	release: [],
	logs: [{names: ['-n', '--lines'], value: 'a number of lines, e.g. --lines 50'}, {names: ['-f', '--follow']}, {names: ['--json']}],
	'wait-ready': [{names: ['--timeout'], value: 'milliseconds, e.g. --timeout 30000'}, {names: ['--json']}],
};

const USAGE: Record<string, string> = {
	status: 'devtui ctl status [--json]',
	restart: 'devtui ctl restart <service>... | --all',
	hold: 'devtui ctl hold <service>',
	release: 'devtui ctl release <service>',
	logs: 'devtui ctl logs <service> [--lines N] [--follow] [--json]',
	'wait-ready': 'devtui ctl wait-ready [<service>...] [--timeout ms] [--json]',
};

export const ctlHelpText = (): string =>
	[
		'devtui ctl: drive the devtui running in this directory (or a parent) from a script or a coding agent.',
		'',
		'Usage:',
		...CTL_VERBS.map(verb => `  ${USAGE[verb]}`),
		'',
		'The service of `devtui -- <command>` is named app. wait-ready waits until every change devtui has',
		'seen is running and ready: exit 0; 1 if a service crashed, its check failed or it is held (the',
		'reason is printed); 2 on a timeout (default 60000 ms) or a usage error. To run an app named ctl:',
		'devtui -- ctl ...',
	].join('\n');

const wholeNumber = (text: string, flag: string, {positive}: {positive: boolean}): number => {
	if (!/^\d+$/.test(text) || (positive && Number(text) === 0) || !Number.isSafeInteger(Number(text))) {
		throw new UsageError(`${flag} needs ${positive ? 'a positive' : 'a'} whole number, not "${text}"`);
	}
	return Number(text);
};

export const parseCtlArgs = (argv: readonly string[]): ParsedCtl => {
	const [verb, ...rest] = argv;
	if (verb === undefined) throw new UsageError('ctl needs a verb: status, restart, hold, release, logs or wait-ready (see devtui ctl --help)');
	if (verb === '-h' || verb === '--help' || verb === 'help') return {kind: 'help'};
	const flags = FLAGS[verb];
	if (!flags) {
		const guess = closestMatch(verb, CTL_VERBS);
		throw new UsageError(`unknown ctl verb "${verb}"${guess ? `: did you mean ${guess}?` : ''} (verbs: ${CTL_VERBS.join(', ')})`);
	}
	const usage = `usage: ${USAGE[verb]}`;
	const given = new Map<string, string | true>();
	const names: string[] = [];
	for (let index = 0; index < rest.length; index++) {
		const arg = rest[index]!;
		if (arg === '-h' || arg === '--help') return {kind: 'help'};
		if (!arg.startsWith('-') || arg === '-') {
			names.push(arg);
			continue;
		}
		const equals = arg.indexOf('=');
		const name = equals === -1 ? arg : arg.slice(0, equals);
		const flag = flags.find(candidate => candidate.names.includes(name));
		if (!flag) {
			const guess = closestMatch(name, flags.flatMap(candidate => candidate.names.filter(long => long.startsWith('--'))), text => text.replace(/^-+/, ''));
			throw new UsageError(`${verb} has no option ${name}${guess ? `: did you mean ${guess}?` : ''} (${usage})`);
		}
		const key = flag.names.at(-1)!;
		if (flag.value === undefined) {
			if (equals !== -1) throw new UsageError(`${name} takes no value (${usage})`);
			given.set(key, true);
			continue;
		}
		const value = equals === -1 ? rest[++index] : arg.slice(equals + 1);
		if (value === undefined || value === '') throw new UsageError(`${name} needs a value: ${flag.value}`);
		given.set(key, value);
	}
	const json = given.has('--json');
	const v = CTL_PROTOCOL;
	const one = (): string => {
		if (names.length !== 1) throw new UsageError(`${verb} takes one service name${names.length > 1 ? `, not ${names.length}` : ''} (${usage})`);
		return names[0]!;
	};
	switch (verb) {
		case 'status':
			if (names.length > 0) throw new UsageError(`status takes no service name; it reports every service (${usage})`);
			return {kind: 'request', json, request: {v, verb}};
		case 'restart': {
			const all = given.has('--all');
			if (all === (names.length > 0)) throw new UsageError(`restart needs service names or --all, not ${all ? 'both' : 'neither'} (${usage})`);
			return {kind: 'request', json, request: {v, verb, services: names, all}};
		}
		case 'hold':
		case 'release':
			return {kind: 'request', json, request: {v, verb, service: one()}};
		case 'logs': {
			const lines = given.get('--lines');
			return {
				kind: 'request',
				json,
				request: {
					v,
					verb,
					service: one(),
					lines: typeof lines === 'string' ? wholeNumber(lines, '--lines', {positive: false}) : DEFAULT_LOG_LINES,
					follow: given.has('--follow'),
				},
			};
		}
		default: {
			const timeout = given.get('--timeout');
			const timeoutMs = typeof timeout === 'string' ? wholeNumber(timeout, '--timeout', {positive: true}) : DEFAULT_WAIT_TIMEOUT_MS;
			return {kind: 'request', json, request: {v, verb: 'wait-ready', services: names, timeoutMs}};
		}
	}
};
