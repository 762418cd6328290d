// Headless mode: the app's output goes through as the app wrote it (stdout to stdout, stderr to
// stderr), and devtui's own lines go to stderr with a prefix, so piping the app's stdout stays
// clean. With --json every event, app output included, is one NDJSON object on stdout.

import type {EventBus} from '../supervisor/event-bus.js';
import {formatEvent} from './format-event.js';
import {createStreamWriter} from './stream-writer.js';

export interface HeadlessStreams {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** Colour devtui's prefix (stderr is a terminal and NO_COLOR is unset). */
	color: boolean;
}

// `onBackpressure`: see stream-writer.ts.
export const attachHeadless = (
	bus: EventBus,
	{json}: {json: boolean},
	streams: HeadlessStreams,
	onBackpressure: (paused: boolean) => void = () => {},
): (() => void) => {
	const prefix = streams.color ? '\u001B[36m[devtui]\u001B[39m ' : '[devtui] ';
	const write = createStreamWriter(onBackpressure);
	return bus.subscribe(event => {
		if (json) {
			write(streams.stdout, `${JSON.stringify(event)}\n`);
			return;
		}
		if (event.type === 'run/output') {
			write(event.stream === 'stdout' ? streams.stdout : streams.stderr, `${event.lines.join('\n')}\n`);
			return;
		}
		const line = formatEvent(event);
		if (line !== undefined) write(streams.stderr, `${prefix}${line}\n`);
	});
};
