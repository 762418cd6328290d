// Headless output for a stack, as foreman and honcho print one: every line, the services' own
// output and devtui's, starts with the service's name, padded to the longest, in a colour of its
// own when colour is on. App output keeps its stream (stdout to stdout, stderr to stderr);
// devtui's lines go to stderr. With --json every event is one NDJSON object on stdout with a
// `service` field (the stack's list of services, `stack/services`, has none).

import {isStackEvent, type StackStream, type StackStreamEvent} from '../stack/stack-types.js';
import {formatEvent} from './format-event.js';
import {formatStackEvent} from './format-stack-event.js';
import type {HeadlessStreams} from './attach-headless.js';
import {createStreamWriter} from './stream-writer.js';

// honcho's order of colours, without the ones that read badly on either background.
const COLOURS = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91];

const colourise = (text: string, code: number, color: boolean) => (color ? `\u001B[${code}m${text}\u001B[39m` : text);

const servicePrefixes = (names: readonly string[], color: boolean): Map<string, string> => {
	const width = Math.max(...names.map(name => name.length));
	return new Map(names.map((name, index) => [name, `${colourise(name.padEnd(width), COLOURS[index % COLOURS.length]!, color)} | `]));
};

export const attachStackHeadless = (
	stack: StackStream,
	{json, services}: {json: boolean; services: readonly string[]},
	streams: HeadlessStreams & {
		/** Colour the app lines' prefixes (stdout is a colour terminal); devtui's own follow `color`. */
		stdoutColor?: boolean;
	},
	onBackpressure: (paused: boolean) => void = () => {},
): (() => void) => {
	const write = createStreamWriter(onBackpressure);
	const devtui = streams.color ? '\u001B[36m[devtui]\u001B[39m ' : '[devtui] ';
	const errPrefixes = servicePrefixes(services, streams.color);
	const outPrefixes = servicePrefixes(services, streams.stdoutColor ?? streams.color);
	let quitSaid = false;
	return stack.subscribe((event: StackStreamEvent) => {
		if (json) {
			write(streams.stdout, `${JSON.stringify(event)}\n`);
			return;
		}
		if (event.type === 'stack/services') {
			write(streams.stderr, `${devtui}${formatStackEvent(event)}\n`);
			return;
		}
		const service = event.service;
		if (event.type === 'run/output') {
			const toStdout = event.stream === 'stdout';
			const prefix = (toStdout ? outPrefixes : errPrefixes).get(service) ?? `${service} | `;
			write(toStdout ? streams.stdout : streams.stderr, `${event.lines.map(line => prefix + line).join('\n')}\n`);
			return;
		}
		// Quitting is the stack's, not one service's: said once.
		if (event.type === 'devtui/quitting') {
			if (quitSaid) return;
			quitSaid = true;
			const line = formatEvent(event);
			if (line !== undefined) write(streams.stderr, `${devtui}${line}\n`);
			return;
		}
		const line = isStackEvent(event) ? formatStackEvent(event) : formatEvent(event);
		if (line !== undefined) write(streams.stderr, `${errPrefixes.get(service) ?? `${service} | `}${devtui}${line}\n`);
	});
};
