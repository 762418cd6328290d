// Runs a program in a real pseudo-terminal through tmux, so tests see what a user would: a TTY of
// a known size, real key presses, and the screen as drawn. Each terminal has its own tmux server
// on a private socket, so tests never touch a user's tmux and can run in parallel.

import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {isAlive} from './process-alive.js';
import {waitFor} from './wait-for.js';

const run = promisify(execFile);

/** A key by its tmux name: Enter, Tab, BTab (shift-tab), Escape, C-c, Up, PageDown, F1, M-x… */
export type NamedKey =
	| 'Enter'
	| 'Tab'
	| 'BTab'
	| 'Escape'
	| 'Space'
	| 'BSpace'
	| 'Up'
	| 'Down'
	| 'Left'
	| 'Right'
	| 'Home'
	| 'End'
	| 'PageUp'
	| 'PageDown'
	| `C-${string}`
	| `M-${string}`
	| `F${number}`;

/** A named key, or `{text}` typed literally character by character. */
export type KeyInput = NamedKey | {text: string};

export interface TerminalOptions {
	/** The program and its arguments, run directly (no shell). */
	command: string[];
	cwd?: string;
	/** Merged over process.env; `undefined` removes a variable. CI is always removed. */
	env?: Record<string, string | undefined>;
	/** @default 100 */
	columns?: number;
	/** @default 30 */
	rows?: number;
}

export interface ExitStatus {
	code: number | null;
	signal: string | null;
}

export interface Terminal {
	readonly columns: number;
	readonly rows: number;
	/** The program's pid. Known from the start, still known after it exits. */
	pid(): number;
	/** Sends keys in order: named keys and literal text. */
	sendKeys(...keys: KeyInput[]): Promise<void>;
	/** Types text literally. */
	type(text: string): Promise<void>;
	/** The pane as text, one line per row (trailing spaces dropped); with `ansi`, with colour codes. */
	screen(options?: {ansi?: boolean}): Promise<string>;
	/** Polls the screen until it contains `pattern`; the timeout error shows the last screen. */
	waitForScreen(pattern: string | RegExp, options?: {timeout?: number}): Promise<string>;
	/**
	 * How the program ended, or undefined while it runs. The pane stays open with its last screen,
	 * though the last output may still be on its way there: wait for it with waitForScreen.
	 */
	exitStatus(): Promise<ExitStatus | undefined>;
	waitForExit(options?: {timeout?: number}): Promise<ExitStatus>;
	/** Resizes the terminal; the program gets SIGWINCH. */
	resize(columns: number, rows: number): Promise<void>;
	/** Closes the terminal as a user closing its window would: the program gets SIGHUP. */
	closeTerminal(): Promise<void>;
	/** Kills the session and the tmux server, and the program's process group if it outlived them. Idempotent. */
	close(): Promise<void>;
}

const SESSION = 'devtui-test';

// A known configuration, not the user's ~/.tmux.conf: no status line (the pane is the whole
// terminal) and a dead pane kept on screen, so the last frame can still be read.
const CONFIG = ['set -g status off', 'set -g remain-on-exit on', 'set -g remain-on-exit-format ""', 'set -g history-limit 2000', ''].join('\n');

/** tmux reads an argument ending in ';' as a command separator unless the ';' is escaped. */
const escapeArg = (arg: string): string => (arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg);

const GATE = 'devtui-start';

/**
 * The pane's shell. It waits on a tmux channel until tmux has set the pane up (a program that
 * exits at once would otherwise race it), starts the program with CI unset, and writes the
 * program's exit status to a file: tmux 3.3 sometimes misses the exit of a short-lived pane.
 * It stays the pane's session leader, as a login shell would, so closing the terminal still
 * hangs up on the program. INT and QUIT get a no-op handler, which, unlike ignoring them, the
 * program does not inherit.
 */
const WRAPPER = [
	'tmux -S "$1" wait-for "$2" || exit 125',
	'status_file=$3 pid_file=$4',
	'shift 4',
	'trap : INT QUIT',
	`sh -c 'echo $$ > "$0"; exec env -u CI "$@"' "$pid_file" "$@"`,
	'echo $? > "$status_file.tmp" && mv "$status_file.tmp" "$status_file"',
].join('\n');

const oneLine = (text: string): string => text.trim().replace(/\s+/g, ' ');

const terminalEnv = (env: Record<string, string | undefined>): NodeJS.ProcessEnv => {
	const merged: NodeJS.ProcessEnv = {...process.env};
	// Inside a user's tmux these would point the client at the user's server.
	delete merged.TMUX;
	delete merged.TMUX_PANE;
	for (const [key, value] of Object.entries(env)) {
		if (value === undefined) delete merged[key];
		else merged[key] = value;
	}
	// Ink treats CI=true as non-interactive and writes only the last frame.
	delete merged.CI;
	return merged;
};

// Starts `command` in a fresh detached tmux session of columns x rows.
export const startTerminal = async ({command, cwd = process.cwd(), env = {}, columns = 100, rows = 30}: TerminalOptions): Promise<Terminal> => {
	if (command.length === 0) throw new Error('startTerminal needs a command');
	const dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-tty-'));
	const socket = path.join(dir, 'tmux.sock');
	const config = path.join(dir, 'tmux.conf');
	await writeFile(config, CONFIG);
	const serverEnv = terminalEnv(env);

	const tmux = async (...args: string[]): Promise<string> => {
		try {
			const {stdout} = await run('tmux', ['-f', config, '-S', socket, ...args.map(escapeArg)], {env: serverEnv});
			return stdout;
		} catch (error) {
			const {stderr, message} = error as {stderr?: string; message: string};
			throw new Error(`tmux ${args[0]} failed: ${oneLine(stderr || message)}`);
		}
	};
	const query = async (format: string): Promise<string> => (await tmux('display-message', '-p', '-t', SESSION, format)).trim();

	const statusFile = path.join(dir, 'exit-status');
	const pidFile = path.join(dir, 'pid');
	/** The pane's shell, leader of the program's process group. */
	let group: number;
	let pid: number;
	try {
		await tmux('new-session', '-d', '-s', SESSION, '-x', String(columns), '-y', String(rows), '-c', cwd, '--', 'sh', '-c', WRAPPER, 'devtui-pane', socket, GATE, statusFile, pidFile, ...command);
		group = Number(await query('#{pane_pid}'));
		await tmux('wait-for', '-S', GATE);
		pid = await waitFor(async () => Number(await readFile(pidFile, 'utf8')) || undefined, {message: 'the program to start'});
	} catch (error) {
		await tmux('kill-server').catch(() => undefined);
		await rm(dir, {recursive: true, force: true});
		throw error;
	}

	let size = {columns, rows};
	let closing: Promise<void> | undefined;

	const exitStatus = async (): Promise<ExitStatus | undefined> => {
		const text = await readFile(statusFile, 'utf8').catch(() => undefined);
		if (text === undefined) return undefined;
		const status = Number(text);
		// The shell reports death by signal N as 128 + N.
		const signal = status > 128 ? Object.entries(os.constants.signals).find(([, number]) => number === status - 128)?.[0] : undefined;
		return signal ? {code: null, signal} : {code: status, signal: null};
	};

	const screen = async ({ansi = false}: {ansi?: boolean} = {}): Promise<string> => {
		const text = await tmux('capture-pane', '-p', ...(ansi ? ['-e'] : []), '-t', SESSION);
		return text.endsWith('\n') ? text.slice(0, -1) : text;
	};

	const sendKeys = async (...keys: KeyInput[]): Promise<void> => {
		// One tmux call per key: literal text and key names cannot share a send-keys.
		for (const key of keys) {
			if (typeof key === 'string') await tmux('send-keys', '-t', SESSION, key);
			else if (key.text !== '') await tmux('send-keys', '-t', SESSION, '-l', '--', key.text);
		}
	};

	return {
		get columns() {
			return size.columns;
		},
		get rows() {
			return size.rows;
		},
		pid: () => pid,
		sendKeys,
		type: text => sendKeys({text}),
		screen,
		async waitForScreen(pattern, {timeout = 10_000} = {}) {
			let last = '';
			const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
			return waitFor(
				async () => {
					last = await screen();
					return matches(last) ? last : undefined;
				},
				{timeout, interval: 50, message: () => `the screen to show ${String(pattern)}; it shows:\n${last}`},
			);
		},
		exitStatus,
		waitForExit: ({timeout = 10_000} = {}) => waitFor(exitStatus, {timeout, interval: 50, message: `pid ${pid} to exit`}),
		async resize(newColumns, newRows) {
			await tmux('resize-window', '-t', SESSION, '-x', String(newColumns), '-y', String(newRows));
			size = {columns: newColumns, rows: newRows};
		},
		async closeTerminal() {
			await tmux('kill-session', '-t', SESSION);
		},
		close() {
			closing ??= (async () => {
				await tmux('kill-server').catch(() => undefined);
				// SIGHUP from the closing pty ends most programs; one that ignores it is killed with its group.
				await waitFor(() => !isAlive(pid), {timeout: 2000, interval: 20}).catch(() => {
					for (const target of [-group, pid]) {
						try {
							process.kill(target, 'SIGKILL');
						} catch {
							// Already gone.
						}
					}
				});
				await waitFor(() => !isAlive(pid), {timeout: 5000, interval: 20, message: `pid ${pid} to die`}).finally(() =>
					rm(dir, {recursive: true, force: true}),
				);
			})();
			return closing;
		},
	};
};
