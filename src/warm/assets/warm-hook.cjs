'use strict';
// devtui --warm (see docs/warm.md): preloaded by `node --require <this file> <the app's command>`,
// or through warm-hook.mjs with `--import` when node runs the app as an ES module (so that node's
// ES module loader is already up when "go" comes, as it is before any --import).
// It holds a fresh node at the starting line, before any of the app's code is loaded, until devtui
// writes "go" on the pipe at fd DEVTUI_WARM_FD. The go line carries what changes in the environment
// (DEVTUI_RESTART is only known then); the hook applies it, closes the pipe, takes itself out
// of process.execArgv (child_process.fork and cluster copy it) and of require.cache, and returns:
// node then loads the app's entry point as it would have without the hook. End of file on the pipe
// means devtui is gone: the process exits without having run anything of the app.
const fs = require('node:fs');

const fd = Number(process.env.DEVTUI_WARM_FD);
if (Number.isInteger(fd) && fd > 2) {
	const buffer = Buffer.alloc(64 * 1024);
	const chunks = [];
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (;;) {
		let count;
		try {
			// Blocking: the parked process has nothing else to do, and no event loop runs yet.
			count = fs.readSync(fd, buffer, 0, buffer.length, null);
		} catch (error) {
			if (error.code === 'EAGAIN' || error.code === 'EINTR') {
				Atomics.wait(pause, 0, 0, 2);
				continue;
			}
			count = 0;
		}
		if (count === 0) process.exit(0);
		chunks.push(Buffer.from(buffer.subarray(0, count)));
		if (buffer.subarray(0, count).includes(10)) break;
	}
	const line = Buffer.concat(chunks).toString('utf8').split('\n')[0];
	let message;
	try {
		message = JSON.parse(line);
	} catch {
		process.exit(70);
	}
	const go = message && message.go;
	if (!go || typeof go.set !== 'object' || !Array.isArray(go.unset)) process.exit(70);
	for (const key of go.unset) delete process.env[key];
	for (const [key, value] of Object.entries(go.set)) process.env[key] = value;
	try {
		fs.closeSync(fd);
	} catch {
		// Already closed: nothing of it is left for the app to see.
	}
	// `--require <this file>`, or `--import <warm-hook.mjs>` (which loads this file) for an app that
	// node runs as an ES module: either way the pair goes, so forked children start plain.
	const path = require('node:path');
	const argv = process.execArgv;
	const ours = new Set([__filename, path.join(__dirname, 'warm-hook.mjs')]);
	for (let index = 0; index < argv.length; index++) {
		if (['--require', '-r', '--import'].includes(argv[index]) && ours.has(argv[index + 1])) {
			argv.splice(index, 2);
			break;
		}
	}
	delete require.cache[__filename];
}
