// Reads one request line from a ctl client into a CtlRequest, or says in one line what is wrong
// with it (a client of another version, or something that is not devtui ctl at all).

import {CTL_PROTOCOL, CTL_VERBS, type CtlRequest} from './ctl-protocol.js';

export type ParsedRequest = {ok: true; request: CtlRequest} | {ok: false; message: string};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isNames = (value: unknown): value is string[] => Array.isArray(value) && value.every(name => typeof name === 'string' && name.length > 0);

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

export const parseRequest = (line: string): ParsedRequest => {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return {ok: false, message: 'a request must be one JSON object on one line'};
	}
	if (!isRecord(value)) return {ok: false, message: 'a request must be a JSON object'};
	if (value.v !== CTL_PROTOCOL) return {ok: false, message: `protocol version ${JSON.stringify(value.v)} is not ${CTL_PROTOCOL}: use the devtui that is running (its own devtui ctl)`};
	const verb = value.verb;
	if (typeof verb !== 'string' || !(CTL_VERBS as readonly string[]).includes(verb)) return {ok: false, message: `unknown verb ${JSON.stringify(verb)}`};
	const v = CTL_PROTOCOL;
	const bad = (field: string, what: string): ParsedRequest => ({ok: false, message: `${verb}: "${field}" must be ${what}`});
	switch (verb) {
		case 'status':
			return {ok: true, request: {v, verb}};
		case 'restart':
			if (!isNames(value.services)) return bad('services', 'a list of service names');
			if (typeof value.all !== 'boolean') return bad('all', 'true or false');
			if (value.all === (value.services.length > 0)) return {ok: false, message: 'restart: give service names or all, not both or neither'};
			return {ok: true, request: {v, verb, services: value.services, all: value.all}};
		case 'hold':
		case 'release':
			if (typeof value.service !== 'string' || value.service === '') return bad('service', 'a service name');
			return {ok: true, request: {v, verb, service: value.service}};
		case 'logs':
			if (typeof value.service !== 'string' || value.service === '') return bad('service', 'a service name');
			if (!isCount(value.lines)) return bad('lines', 'a whole number of lines');
			if (typeof value.follow !== 'boolean') return bad('follow', 'true or false');
			return {ok: true, request: {v, verb, service: value.service, lines: value.lines, follow: value.follow}};
		case 'wait-ready':
			if (!isNames(value.services)) return bad('services', 'a list of service names');
			if (!isCount(value.timeoutMs) || value.timeoutMs === 0) return bad('timeoutMs', 'a positive number of milliseconds');
			return {ok: true, request: {v, verb, services: value.services, timeoutMs: value.timeoutMs}};
		default:
			return {ok: false, message: `unknown verb ${JSON.stringify(verb)}`};
	}
};
