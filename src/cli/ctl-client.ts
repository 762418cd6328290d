// `devtui ctl ...`: sends one request to the devtui running here and prints its answer. Exit codes:
// 0 done (wait-ready: everything is ready); 1 wait-ready found a service that cannot become ready
// (crashed, check failed, held); 2 a usage error, no devtui running here, an unknown service, a
// timeout, or devtui quitting meanwhile: always one line on stderr.
//
// Imports only the wire format and the formatting it needs, so it starts in a few tens of ms.

import {createLineReader} from '../protocol/ndjson-lines.js';
import type {CtlRequest, CtlResponse} from '../ctl/ctl-protocol.js';
import {UsageError} from '../usage-error.js';
import {closestMatch} from './closest-match.js';
import {connectToDevtui} from './ctl-connect.js';
import {formatStatus} from './ctl-format-status.js';
import {formatFailure, formatLogEntry, formatReadyService} from './ctl-format-result.js';
import {ctlHelpText, parseCtlArgs} from './parse-ctl-args.js';

export interface CtlIo {
	argv: readonly string[];
	cwd: string;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	tmpdir?: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Beyond the server's own timeout: a devtui that stopped answering must not hang the caller. */
const CLIENT_GRACE_MS = 5000;
/** How long wait-ready waits for a devtui that is starting to open its socket. */
const DEVTUI_APPEARS_MS = 5000;

const unknownService = (response: Extract<CtlResponse, {type: 'error'}>): string => {
	const services = response.services ?? [];
	const guess = response.service === undefined ? undefined : closestMatch(response.service, services, name => name.toLowerCase());
	return `unknown service "${response.service}"${guess ? `: did you mean ${guess}?` : ''} (services: ${services.join(', ') || 'none'})`;
};

export const runCtl = async ({argv, cwd, stdout, stderr, tmpdir}: CtlIo): Promise<number> => {
	const fail = (message: string): number => {
		stderr.write(`devtui ctl: ${message}\n`);
		return 2;
	};
	let parsed;
	try {
		parsed = parseCtlArgs(argv);
	} catch (error) {
		if (error instanceof UsageError) return fail(error.message);
		throw error;
	}
	if (parsed.kind === 'help') {
		stdout.write(`${ctlHelpText()}\n`);
		return 0;
	}
	const {request, json} = parsed;
	const options = tmpdir === undefined ? {} : {tmpdir};
	let found = await connectToDevtui(cwd, options);
	// `devtui -- app & devtui ctl wait-ready`: a devtui just started binds its socket in a moment.
	const appearBy = Date.now() + (request.verb === 'wait-ready' ? Math.min(request.timeoutMs, DEVTUI_APPEARS_MS) : 0);
	while (!found && Date.now() < appearBy) {
		await new Promise(resolve => setTimeout(resolve, 50));
		found = await connectToDevtui(cwd, options);
	}
	if (!found) return fail(`no devtui running in ${cwd} (or a parent directory); start one there with devtui -- <command>`);
	const {socket} = found;
	const print = (text: string) => stdout.write(`${text}\n`);
	return new Promise<number>(resolve => {
		let settled = false;
		const done = (code: number) => {
			if (settled) return;
			settled = true;
			clearTimeout(guard);
			socket.destroy();
			resolve(code);
		};
		const guard =
			request.verb === 'wait-ready'
				? setTimeout(() => {
						if (!settled) done(fail(`timed out after ${request.timeoutMs} ms: devtui did not answer`));
					}, request.timeoutMs + CLIENT_GRACE_MS)
				: undefined;
		const onResponse = (response: CtlResponse): void => {
			switch (response.type) {
				case 'error':
					if (response.code === 'unknown-service') return done(fail(unknownService(response)));
					return done(fail(response.code === 'quitting' ? `devtui quit before answering ${request.verb}` : response.message));
				case 'status':
					print(json ? JSON.stringify({pid: response.pid, cwd: response.cwd, services: response.services}) : formatStatus(response));
					return done(0);
				case 'done':
					print(json ? JSON.stringify({ok: true, message: response.message}) : response.message);
					return done(0);
				case 'log':
					print(json ? JSON.stringify(response.entry) : formatLogEntry(response.entry));
					return;
				case 'end':
					return done(0);
				case 'ready':
					print(json ? JSON.stringify({ready: true, services: response.services}) : response.services.map(formatReadyService).join('\n'));
					return done(0);
				case 'not-ready':
					print(json ? JSON.stringify({ready: false, failures: response.failures, services: response.services}) : response.failures.flatMap(formatFailure).join('\n'));
					return done(1);
			}
		};
		const reader = createLineReader({
			maxBytes: MAX_RESPONSE_BYTES,
			onTooLong: () => done(fail('devtui sent an answer too long to read')),
			onLine: line => {
				let response: CtlResponse;
				try {
					response = JSON.parse(line) as CtlResponse;
				} catch {
					return done(fail('devtui sent something that is not an answer (is it the same version as this devtui ctl?)'));
				}
				onResponse(response);
			},
		});
		socket.on('data', chunk => reader.push(chunk));
		socket.on('error', () => {});
		// Following ends when devtui does, however it ended.
		socket.on('close', () => {
			if (settled) return;
			done(request.verb === 'logs' && request.follow ? 0 : fail(`devtui closed the connection before answering ${request.verb} (it quit?)`));
		});
		socket.write(`${JSON.stringify(request satisfies CtlRequest)}\n`);
	});
};
