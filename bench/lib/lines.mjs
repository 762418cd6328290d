// A stream's output as whole lines (the last partial line waits for its newline), for the bench's
// readers of devtui's NDJSON, the spawn watcher's report and the apps' notes.
export const onLines = (stream, onLine) => {
	let buffer = '';
	stream.setEncoding('utf8');
	stream.on('data', chunk => {
		buffer += chunk;
		let end;
		while ((end = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 1);
			onLine(line);
		}
	});
};

/** devtui's --json events from a stream, without the app's output lines (the bench reads those elsewhere). */
export const onDevtuiEvents = (stream, onEvent) =>
	onLines(stream, line => {
		if (line.startsWith('{"type":"run/output"')) return;
		try {
			onEvent(JSON.parse(line));
		} catch {}
	});
