// How the --listen sockets reach the app through its command, decided once, before anything starts.
// The sockets travel as descriptors from 3 on, and LISTEN_PID tells which process they are for:
//
// - Straight to the program, or through wrappers that exec it (`env`, a shell's `exec`, `python -m`):
//   the pid devtui's wrapper gets is the app's, so LISTEN_PID names it. gunicorn and sd_listen_fds()
//   take the sockets only then.
// - Through a launcher that may run the app as its child: a shell's -c script (Debian's dash forks
//   even for one command, and passes descriptors on), uv, poetry, pipenv, pdm, hatch or rye run
//   (Python and Rust tools, which exec or spawn without closing inherited descriptors; not measured
//   here), or a launcher devtui cannot see into, with --no-listen-pid. No pid devtui could name is
//   surely the app's, so LISTEN_PID is left unset, as systemfd's --no-pid does: devtui's listen
//   helpers, `uvicorn --fd 3` and `hypercorn --bind fd://3` take the socket then. Said once.
// - Through a Node process (npm, npx, yarn or pnpm; tsx's and nodemon's command lines): Node marks
//   every descriptor it inherits above 2 close-on-exec as it starts, so the programs it runs never
//   get fd 3 (measured with npm 11, npx and tsx 4 on Node 20). The app could never take the socket
//   and connections would wait for nothing, so this is a usage error that names the command to run.
//
// uvicorn and hypercorn bind their own port unless told otherwise, which the held socket makes
// fail with EADDRINUSE: without a socket option of their own they get `--fd 3` / `--bind fd://3`,
// said once. Pure: package.json is read through the caller's `readFile`.

import path from 'node:path';
import {appendArguments, type CommandView, type ReadFile, viewCommand} from '../frameworks/command-view.js';
import type {ListenAddress} from '../options.js';
import {FIRST_LISTEN_FD, ListenError} from './hold-sockets.js';

export interface ListenPlan {
	/** The command to run: the original, or with the server's own socket option added. */
	command: string[];
	/** Whether LISTEN_PID names the spawned process (false: left unset, a launcher runs the app as its child). */
	setPid: boolean;
	/** What devtui did about the command, one line each, said once at the start. */
	notices: string[];
}

// Launchers that are Node programs: whatever they run never inherits the held descriptors.
const NODE_LAUNCHERS = new Set(['npm', 'npx', 'yarn', 'pnpm', 'corepack']);
// Node programs that run the app in a child process of their own.
const NODE_PARENTS = new Set(['tsx', 'nodemon', 'ts-node-dev']);
// Wrappers that run the app as their child and pass descriptors on.
const FORKING = new Set(['sh', 'bash', 'dash', 'zsh', 'uv', 'poetry', 'pipenv', 'pdm', 'hatch', 'rye']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh']);

const has = (args: readonly string[], ...flags: string[]) => args.some(arg => flags.includes(arg) || flags.some(flag => flag.startsWith('--') && arg.startsWith(`${flag}=`)));

/** A word as a shell would need it typed. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);
const shown = (words: readonly string[]) => words.map(shellWord).join(' ');

// The value of `--port N` / `--port=N` (uvicorn), if given.
const portArgument = (args: readonly string[]): number | undefined => {
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '--port') return Number(args[index + 1]);
		if (arg.startsWith('--port=')) return Number(arg.slice('--port='.length));
	}
	return undefined;
};

/** The Node process in the way, and the command that runs the app without it, when there is one. */
const nodeInTheWay = (command: readonly string[], view: CommandView | undefined): {name: string; instead?: string[]} | undefined => {
	if (!view) {
		const first = path.basename(command[0] ?? '');
		return NODE_LAUNCHERS.has(first) || NODE_PARENTS.has(first) ? {name: first} : undefined;
	}
	const wrappers = view.wrappers;
	const last = wrappers.findLastIndex(wrapper => NODE_LAUNCHERS.has(wrapper.program));
	if (NODE_PARENTS.has(view.program)) {
		const name = view.program === 'tsx' && view.args[0] === 'watch' ? 'tsx watch' : view.program;
		// tsx also runs in the app's own process, as a loader.
		if (view.program === 'tsx') return {name, instead: ['node', '--import', 'tsx', ...view.args.slice(name === 'tsx watch' ? 1 : 0)]};
		return {name};
	}
	// A Node launcher devtui did not look through (`corepack pnpm dev`, `npm exec ...`).
	if (last < 0) return NODE_LAUNCHERS.has(view.program) ? {name: view.program} : undefined;
	const name = view.via[last] ?? wrappers[last]!.program;
	// What the launcher runs, as devtui would run it: the rest of the chain is still looked through.
	const runs = wrappers[last]!.runs;
	return {name, instead: runs};
};

const fdOption = (view: CommandView, listen: readonly ListenAddress[]): {args: string[]} | {advice: string} | undefined => {
	const fds = listen.map((_, index) => FIRST_LISTEN_FD + index);
	if (view.program === 'uvicorn') {
		if (has(view.args, '--fd', '--uds')) return undefined;
		const port = portArgument(view.args);
		// Told to serve elsewhere: that is where it serves.
		if (port !== undefined && !listen.some(address => address.port === port)) return undefined;
		if (listen.length > 1) return {advice: `uvicorn serves on one socket: add --fd ${fds[0]} (or another of ${fds.join(', ')}) to its command`};
		return {args: ['--fd', String(fds[0])]};
	}
	if (view.program === 'hypercorn') {
		if (has(view.args, '--bind', '-b', '--insecure-bind', '--quic-bind')) return undefined;
		return {args: fds.flatMap(fd => ['--bind', `fd://${fd}`])};
	}
	return undefined;
};

/**
 * How --listen reaches the app through `command`; throws a ListenError when it cannot. `noPid`:
 * the developer said to leave LISTEN_PID unset (--no-listen-pid).
 */
export const planListen = ({
	command,
	listen,
	noPid = false,
	readFile = () => undefined,
}: {
	command: readonly string[];
	listen: readonly ListenAddress[];
	noPid?: boolean;
	readFile?: ReadFile;
}): ListenPlan => {
	const view = viewCommand(command, readFile);
	const flags = listen.map(address => `--listen ${address.name}`).join(' ');
	const node = nodeInTheWay(command, view);
	if (node) {
		const fix = node.instead ? `run the app's own command: devtui ${flags} -- ${shown(node.instead)}` : `put the app's own command after --`;
		throw new ListenError(
			`${flags}: ${node.name} runs the app from a Node process, and Node passes no inherited socket on to the programs it starts, so the app could never take the held one: ${fix} (or drop --listen)`,
		);
	}
	const notices: string[] = [];
	const first = path.basename(command[0] ?? '');
	// A shell whose script devtui cannot read forks too.
	const shellScript = SHELLS.has(first) && command[1] === '-c';
	const wrappers = view?.wrappers ?? [];
	const forking = wrappers.findIndex((wrapper, index) => FORKING.has(wrapper.program) && !(SHELLS.has(wrapper.program) && wrappers[index + 1]?.program === 'exec'));
	const viaLauncher = forking >= 0 || (!view && shellScript);
	if (viaLauncher && !noPid) {
		const launcher = forking >= 0 ? view!.via[forking]! : `${first} -c`;
		notices.push(
			`--listen: ${launcher} runs the app as its child, so devtui leaves LISTEN_PID unset (as systemfd --no-pid does); devtui's listen helpers, uvicorn --fd and hypercorn fd:// take the socket without it, gunicorn does not: exec it (sh -c 'exec gunicorn ...') or give it --bind fd://${FIRST_LISTEN_FD}`,
		);
	}
	let planned = [...command];
	const option = view && fdOption(view, listen);
	if (option && 'advice' in option) notices.push(`--listen: ${option.advice}`);
	else if (option) {
		const changed = appendArguments(command, view, option.args);
		if (changed) {
			planned = changed;
			notices.push(`--listen: devtui adds ${option.args.join(' ')} to ${view.program}'s command, so that it serves on the held socket instead of binding the port, which devtui holds`);
		} else {
			notices.push(`--listen: add ${option.args.join(' ')} to ${view.program}'s command (${view.via.join(', ')}) so that it serves on the held socket`);
		}
	}
	return {command: planned, setPid: !noPid && !viaLauncher, notices};
};
