// Writes headless output with flow control: `onBackpressure(true)` when a stream's buffer is full
// (the reader is slower than the app), and `onBackpressure(false)` once every full stream has
// drained; the caller pauses the app's output meanwhile, so a flood waits in the app instead of
// piling up in devtui's memory. Shared by one app's lines and a stack's.

import type {Writable} from 'node:stream';

export const createStreamWriter = (onBackpressure: (paused: boolean) => void) => {
	const full = new Set<NodeJS.WritableStream>();
	return (stream: NodeJS.WritableStream, text: string) => {
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
};
