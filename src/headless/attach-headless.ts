// Headless mode: the app's output goes through as the app wrote it (stdout to stdout, stderr to
// stderr), and devtui's own lines go to stderr with a prefix, so piping the app's stdout stays
// clean. With --json every event, app output included, is one NDJSON object on stdout.

import type {Writable} from 'node:stream';
import type {EventBus} from '../supervisor/event-bus.js';
import {formatEvent} from './format-event.js';

export interface HeadlessStreams {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** Colour devtui's prefix (stderr is a terminal and NO_COLOR is unset). */
	color: boolean;
}

// `onBackpressure(true)` when a stream's buffer is full (the reader is slower than the app), and
// `onBackpressure(false)` once every full stream has drained: the caller pauses the app's output
// meanwhile, so a flood waits in the app instead of piling up in devtui's memory.
export const attachHeadless = (
	bus: EventBus,
	{json}: {json: boolean},
	streams: HeadlessStreams,
	onBackpressure: (paused: boolean) => void = () => {},
): (() => void) => {
	const prefix = streams.color ? '\u001B[36m[devtui]\u001B[39m ' : '[devtui] ';
	const full = new Set<NodeJS.WritableStream>();
	const write = (stream: NodeJS.WritableStream, text: string) => {
		// A reader that went away (`devtui --json | head`): writing on would only buffer for ever.
		if ((stream as Partial<Writable>).destroyed) return;
		if (stream.write(text) || full.has(stream)) return;
		full.add(stream);
		if (full.size === 1) onBackpressure(true);
		stream.once('drain', () => {
			full.delete(stream);
			if (full.size === 0) onBackpressure(false);
		});
	};
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
