// Ports a debugger opens before the app's own code runs: `node --inspect` listens on 9229 (or the
// port it names) at once, `python -m debugpy --listen 5678` likewise. Either would make an app
// look ready the moment it starts, so the listening sockets on these ports do not count.

import {readFileSync} from 'node:fs';

const NODE_INSPECT_PORT = 9229;
const NODE_INSPECT = /^--inspect(?:-brk|-wait|-port)?(?:=(.*))?$/;

// "--inspect=9230", "--inspect=127.0.0.1:9230", "--inspect-port=0.0.0.0:9230" -> 9230.
const portOf = (value: string | undefined, fallback: number): number | undefined => {
	if (value === undefined || value === '') return fallback;
	const port = Number(value.slice(value.lastIndexOf(':') + 1));
	// 0 asks for a random port, which cannot be known from the command line.
	return Number.isInteger(port) && port > 0 ? port : undefined;
};

const nodeInspectPorts = (args: readonly string[]): number[] => {
	const ports: number[] = [];
	for (const arg of args) {
		const match = NODE_INSPECT.exec(arg);
		const port = match ? portOf(match[1], NODE_INSPECT_PORT) : undefined;
		if (port !== undefined) ports.push(port);
	}
	return ports;
};

/** Debugger ports named by a process's argv and its NODE_OPTIONS. */
export const debuggerPorts = (argv: readonly string[], nodeOptions = ''): number[] => {
	const ports = [...nodeInspectPorts(argv), ...nodeInspectPorts(nodeOptions.split(/\s+/))];
	const debugpy = argv.findIndex(arg => arg === 'debugpy' || arg.endsWith('/debugpy'));
	if (debugpy >= 0) {
		const listen = argv.indexOf('--listen', debugpy);
		const port = listen >= 0 ? portOf(argv[listen + 1], 0) : undefined;
		if (port !== undefined) ports.push(port);
	}
	return ports;
};

/** The same, read from /proc/<pid>/cmdline and environ; empty when they cannot be read. */
export const readDebuggerPorts = (pid: number): number[] => {
	try {
		const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		let nodeOptions = '';
		try {
			nodeOptions = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1] ?? '';
		} catch {
			// environ is readable only by the owner; the command line alone still helps.
		}
		return debuggerPorts(argv, nodeOptions);
	} catch {
		return [];
	}
};
