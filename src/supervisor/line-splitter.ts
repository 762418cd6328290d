// Turns a byte stream into whole lines. A line longer than the cap is cut into pieces instead of
// being buffered without bound, so an app that floods one endless line cannot exhaust memory.

export const MAX_LINE_CHARS = 64 * 1024;

export interface LineSplitter {
	/** Returns the complete lines in this chunk (without their newlines). */
	push(chunk: string): string[];
	/** Returns the unterminated tail, if any. */
	flush(): string[];
}

export const createLineSplitter = (maxChars = MAX_LINE_CHARS): LineSplitter => {
	let rest = '';
	return {
		push(chunk) {
			const text = rest + chunk;
			const lines = text.split('\n');
			rest = lines.pop() ?? '';
			const out: string[] = [];
			for (const line of lines) {
				const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
				if (clean.length <= maxChars) out.push(clean);
				else for (let i = 0; i < clean.length; i += maxChars) out.push(clean.slice(i, i + maxChars));
			}
			while (rest.length > maxChars) {
				out.push(rest.slice(0, maxChars));
				rest = rest.slice(maxChars);
			}
			return out;
		},
		flush() {
			const tail = rest;
			rest = '';
			return tail ? [tail] : [];
		},
	};
};
