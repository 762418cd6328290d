// NDJSON framing over a byte stream. Lines are cut on the newline byte before decoding (0x0A never
// occurs inside a UTF-8 sequence, so a character split across chunks is still decoded whole). A
// line longer than the cap is never buffered: its bytes are dropped up to the next newline, so a
// peer that sends an endless line costs no memory.

export interface LineReaderOptions {
	maxBytes: number;
	onLine: (line: string) => void;
	/** Called once per oversized line, when it is first seen to be too long. */
	onTooLong: () => void;
}

export interface LineReader {
	push(chunk: Buffer): void;
}

const NEWLINE = 0x0a;

export const createLineReader = ({maxBytes, onLine, onTooLong}: LineReaderOptions): LineReader => {
	let parts: Buffer[] = [];
	let size = 0;
	let discarding = false;

	const emit = (last: Buffer): void => {
		const bytes = size === 0 ? last : Buffer.concat([...parts, last], size + last.length);
		parts = [];
		size = 0;
		let line = bytes.toString('utf8');
		if (line.endsWith('\r')) line = line.slice(0, -1);
		onLine(line);
	};

	return {
		push(chunk) {
			let start = 0;
			for (;;) {
				const newline = chunk.indexOf(NEWLINE, start);
				const end = newline === -1 ? chunk.length : newline;
				if (discarding) {
					if (newline !== -1) discarding = false;
				} else if (size + (end - start) > maxBytes) {
					parts = [];
					size = 0;
					discarding = newline === -1;
					onTooLong();
				} else if (newline === -1) {
					if (end > start) {
						parts.push(chunk.subarray(start, end));
						size += end - start;
					}
				} else {
					emit(chunk.subarray(start, end));
				}
				if (newline === -1) return;
				start = newline + 1;
			}
		},
	};
};
