// Finds where each top-level value of a JSON object sits in the file's bytes, so a key's digest
// can be taken from the bytes the app wrote instead of re-serialising a 50 MB value (which would
// cost more than the parse itself). Runs only on text JSON.parse has already accepted.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The index just past the string whose opening quote is at `start`. */
const endOfString = (bytes: Uint8Array, start: number): number => {
	let at = start + 1;
	for (;;) {
		const quote = bytes.indexOf(QUOTE, at);
		if (quote === -1) return bytes.length;
		let backslashes = 0;
		while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
		if (backslashes % 2 === 0) return quote + 1;
		at = quote + 1;
	}
};

/** The index just past the value starting at `start` (an object, array, string or literal). */
const endOfValue = (bytes: Uint8Array, start: number): number => {
	const first = bytes[start];
	if (first === QUOTE) return endOfString(bytes, start);
	if (first !== 0x7b && first !== 0x5b) {
		let at = start;
		while (at < bytes.length && bytes[at] !== 0x2c && bytes[at] !== 0x7d && bytes[at] !== 0x5d && !isSpace(bytes[at])) at++;
		return at;
	}
	let depth = 0;
	for (let at = start; at < bytes.length; at++) {
		const byte = bytes[at];
		if (byte === QUOTE) at = endOfString(bytes, at) - 1;
		else if (byte === 0x7b || byte === 0x5b) depth++;
		else if ((byte === 0x7d || byte === 0x5d) && --depth === 0) return at + 1;
	}
	return bytes.length;
};

/**
 * Each top-level key of the JSON object in `bytes` with the byte range of its value; a repeated
 * key keeps its first place and its last value, as JSON.parse does. Input that is not an object gives an empty map.
 */
export const topLevelValues = (bytes: Uint8Array): Map<string, [start: number, end: number]> => {
	const values = new Map<string, [number, number]>();
	let at = 0;
	const skipSpace = () => {
		while (isSpace(bytes[at])) at++;
	};
	// A byte order mark is not JSON; TextDecoder drops it before parsing, so skip it here too.
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) at = 3;
	skipSpace();
	if (bytes[at] !== 0x7b) return values;
	at++;
	for (;;) {
		skipSpace();
		if (bytes[at] !== QUOTE) return values;
		const keyEnd = endOfString(bytes, at);
		const key = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + at, keyEnd - at).toString('utf8')) as string;
		at = keyEnd;
		skipSpace();
		at++; // the colon
		skipSpace();
		const end = endOfValue(bytes, at);
		values.set(key, [at, end]);
		at = end;
		skipSpace();
		if (bytes[at] !== 0x2c) return values;
		at++;
	}
};
