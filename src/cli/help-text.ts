// The text of `devtui --help`, built from the same defaults the options use so the two never drift.

import {
	DEFAULT_DEBOUNCE_MS,
	DEFAULT_POLL_MS,
	DEFAULT_RESTART_ARG,
	DEFAULT_SIGNAL,
	DEFAULT_STATE_FILE,
	DEFAULT_TIMEOUT_MS,
} from '../options.js';

const options: Array<[flags: string, description: string, fallback?: string]> = [
	['-w, --watch <path>', 'watch a file or directory (repeatable)', '.'],
	['-i, --ignore <glob>', 'skip paths, gitignore style (repeatable)', '.gitignore, node_modules'],
	['-e, --ext <list>', 'only react to these extensions: py,js,ts', 'any file'],
	['    --debounce <ms>', 'quiet time that closes a batch of changes', `${DEFAULT_DEBOUNCE_MS}`],
	['    --poll [ms]', 'poll instead of using file events', `off (${DEFAULT_POLL_MS})`],
	['    --signal <name>', 'signal that asks the app to stop', DEFAULT_SIGNAL],
	['    --timeout <ms>', 'time the app gets to stop before SIGKILL', `${DEFAULT_TIMEOUT_MS}`],
	['    --restart-arg[=flag]', 'add this flag to the command on restarts', `off (${DEFAULT_RESTART_ARG})`],
	['    --state-file <path>', 'where the app keeps state across restarts', DEFAULT_STATE_FILE],
	['    --restart-on-crash', 'restart a crashed app, with backoff', 'off'],
	['    --ready-pattern <re>', 'ready when an output line matches', 'a port it listens on'],
	['    --ready-port <port>', 'ready when this localhost port accepts', 'a port it listens on'],
	['    --listen <[host:]port>', 'hold this socket and hand it to the app (repeatable)', 'off'],
	['    --no-listen-pid', 'leave LISTEN_PID unset (a launcher runs the app)', 'set when it can be'],
	['    --check <command>', 'run before stopping the app; a failure keeps it', 'off'],
	['    --no-python-check', 'do not compile changed .py files before stopping', 'compile them'],
	['    --no-ctl', 'do not listen for devtui ctl (.devtui/ctl.sock)', 'listen'],
	['    --only <names>', 'run these services and what they depend on: api,web', 'every service'],
	['    --warm[=no-preload]', 'start the next node/python ahead, restart into it', 'off'],
	['    --no-tui', 'print event lines instead of the dashboard', 'dashboard on a TTY'],
	['    --json', 'print events as NDJSON (implies --no-tui)', 'off'],
	['-h, --help', 'show this help'],
	['-v, --version', 'show the version'],
];

const examples: Array<[command: string, what: string]> = [
	['devtui -- python3 app.py', 'restart app.py on any change in this directory'],
	['devtui -w src -e py --restart-arg python3 -m api', 'watch src/**/*.py, add --restart on restarts'],
	['devtui --poll=500 --signal INT -- ./server.sh', 'poll (VMs, network mounts), stop with SIGINT'],
	['devtui --listen 8000 --check "npx tsc --noEmit" -- node server.js', 'no refused requests; no restart into a broken build'],
];

const column = (rows: string[][], widths: number[]) =>
	rows.map(row => `  ${row.map((cell, index) => (index < row.length - 1 ? cell.padEnd(widths[index]!) : cell)).join('  ')}`.trimEnd());

const widest = (cells: string[]) => Math.max(...cells.map(cell => cell.length));

export const helpText = (): string => {
	const optionRows = options.map(([flags, description, fallback]) => [flags, description, fallback ?? '']);
	return [
		'devtui: restart your dev app on every change, gracefully, and carry its state across.',
		'',
		'Usage: devtui [options] -- <command> [args...]',
		'       devtui [options] <command> [args...]   (the first non-option starts the command)',
		'',
		...column([['Option', 'What it does', 'Default'], ...optionRows], [0, 1].map(index => widest(optionRows.map(row => row[index]!)))),
		'',
		'Examples:',
		...column(examples, [widest(examples.map(([command]) => command))]),
		'',
		'Config: any option can also be set in devtui.config.json or under "devtui" in package.json,',
		'  e.g. {"watch": ["src"], "ext": "py", "command": ["python3", "app.py"]}. The command line wins.',
		'',
		'Services: with "services" in the config (or a Procfile here) and no command, devtui runs a stack:',
		'  {"services": {"db": {"command": "./db.sh"}, "api": {"command": "node api.js", "dependsOn": {"db": "ready"}}}}',
		'  Each service takes the options above by their config names. See docs/services.md.',
		'',
		'Apps that speak sd_notify (gunicorn, sdnotify) get NOTIFY_SOCKET (Linux; relayed by a python3, if any).',
		'',
		'devtui ctl status | restart | hold | release | logs | wait-ready: drive a running devtui from a script',
		'  or an agent (devtui ctl --help). An app named ctl runs as devtui -- ctl.',
		'',
		'Keyboard shortcuts are shown in the dashboard.',
	].join('\n');
};
