import type {InnerReloader} from './frameworks/inner-reloader.js';
import type {ListenPlan} from './listen/plan-listen.js';

// The resolved, validated options that the core runs with. The CLI and the config files produce
// this; nothing below the composition root parses flags or reads config files.


/** A TCP address devtui listens on for the app (`--listen`). */
export interface ListenAddress {
	/** The address to bind: 127.0.0.1 unless one was given. IPv6 without brackets. */
	host: string;
	port: number;
	/** The name the app sees in LISTEN_FDNAMES: the spec as written, e.g. "8000" or "0.0.0.0:8000". */
	name: string;
}

export interface DevtuiOptions {
	/** The app's command and arguments, run without a shell. */
	command: string[];
	/** Absolute working directory; relative paths in events are relative to it. */
	cwd: string;
	/** Absolute paths to watch. @default [cwd] */
	watch: string[];
	/** Extra gitignore-style patterns from `--ignore`. */
	ignore: string[];
	/** File extensions without the dot; empty means any file. */
	ext: string[];
	/** Quiet time in ms that closes a batch of changes. */
	debounceMs: number;
	/** Poll interval in ms, or undefined to use native file events. */
	pollMs: number | undefined;
	/** Signal sent to the app's process group to ask it to stop. @default 'SIGTERM' */
	signal: NodeJS.Signals;
	/** Shutdown deadline in ms before SIGKILL. @default 10000 */
	timeoutMs: number;
	/** Argument appended on every restart (not the first start), or undefined when off. */
	restartArg: string | undefined;
	/** Absolute path of the persisted state file handed to the app. */
	stateFile: string;
	/** Restart a crashed app with exponential backoff instead of waiting for a change. */
	restartOnCrash: boolean;
	/** The app is ready when a line of its output matches this (apps without a client). */
	readyPattern: RegExp | undefined;
	/** The app is ready when this TCP port on localhost accepts a connection. */
	readyPort: number | undefined;
	/** Sockets devtui binds once and hands to every instance (systemd's LISTEN_FDS convention). */
	listen: ListenAddress[];
	/** Leave LISTEN_PID unset (`--no-listen-pid`): a launcher devtui cannot see into runs the app as its child. */
	noListenPid: boolean;
	/** A shell command run before the old app is stopped; a failure keeps the old app serving. */
	check: string | undefined;
	/** Compile changed .py files before stopping the app (a syntax error keeps the old app). */
	pythonCheck: boolean;
	/**
	 * Listen for `devtui ctl` on .devtui/ctl.sock (`--no-ctl`: not). While it listens, the app's
	 * stdout is read in every view, so that `devtui ctl logs` has it.
	 */
	ctl: boolean;
	/** Render the dashboard (false: headless event lines). */
	tui: boolean;
	/** Headless events as NDJSON on stdout. */
	json: boolean;
	/** A reloader inside the app (found from its command): what devtui does about it, said once. */
	innerReloader?: InnerReloader;
	/**
	 * --warm: start the next instance's interpreter ahead of time and hand it "go" at the restart
	 * (src/warm/). 'no-preload': the interpreter only, no third-party modules imported ahead.
	 */
	warm: 'off' | 'on' | 'no-preload';
	/** With --listen: how the sockets reach the app through its command (its socket option is already in `command`). */
	listenPlan?: Omit<ListenPlan, 'command'>;
}

export const DEFAULT_DEBOUNCE_MS = 50;
export const DEFAULT_POLL_MS = 1000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_SIGNAL: NodeJS.Signals = 'SIGTERM';
export const DEFAULT_RESTART_ARG = '--restart';
export const DEFAULT_STATE_FILE = '.devtui/restart_state.json';
