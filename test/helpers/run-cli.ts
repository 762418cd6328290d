// Start the built devtui CLI as a real child process and read what it prints, line by line.

import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {waitFor} from './wait-for.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'dist/src/cli.js');

export interface CliRun {
	child: ChildProcess;
	stdout: string[];
	stderr: string[];
	/** Both streams interleaved in arrival order. */
	all: string[];
	exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	/** Resolves with the first line (from `all`, starting at `from`) that matches. */
	waitForLine(pattern: RegExp, options?: {timeout?: number; from?: number}): Promise<string>;
	/** Every line of `all` that matches. */
	lines(pattern: RegExp): string[];
	kill(signal?: NodeJS.Signals): void;
}

export const runCli = (
	args: string[],
	{cwd = repoRoot, env = {}, stdin = 'ignore'}: {cwd?: string; env?: NodeJS.ProcessEnv; stdin?: 'ignore' | 'pipe'} = {},
): CliRun => {
	const child = spawn(process.execPath, [cliPath, ...args], {
		cwd,
		env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env},
		stdio: [stdin, 'pipe', 'pipe'],
	});
	const stdout: string[] = [];
	const stderr: string[] = [];
	const all: string[] = [];
	const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
		let rest = '';
		stream.setEncoding('utf8');
		stream.on('data', (chunk: string) => {
			const parts = (rest + chunk).split('\n');
			rest = parts.pop() ?? '';
			for (const line of parts) {
				into.push(line);
				all.push(line);
			}
		});
		stream.on('end', () => {
			if (rest) {
				into.push(rest);
				all.push(rest);
			}
		});
	};
	collect(child.stdout!, stdout);
	collect(child.stderr!, stderr);
	const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => {
		child.on('close', (code, signal) => resolve({code, signal}));
	});
	return {
		child,
		stdout,
		stderr,
		all,
		exit,
		waitForLine: (pattern, {timeout = 10_000, from = 0} = {}) =>
			waitFor(() => all.slice(from).find(line => pattern.test(line)), {
				timeout,
				message: () => `a line matching ${pattern}; output so far:\n${all.join('\n')}`,
			}),
		lines: pattern => all.filter(line => pattern.test(line)),
		kill: (signal = 'SIGTERM') => {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		},
	};
};
