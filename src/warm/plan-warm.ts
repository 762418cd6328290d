// Whether --warm can start the next instance of this command ahead of time, and how: the parked
// command for Node (`node -r <hook> ...`) or Python (`python [options] <launcher> <script|-m mod> ...`).
// Pure: only the command's words are looked at. A command devtui cannot see the interpreter of
// (npm run, npx, a shell, a runner) is refused with its one-line reason: a parked interpreter must
// be the app's own process, or it would not be the same app.

import path from 'node:path';

export type WarmPlan =
	| {
			kind: 'node';
			/**
			 * How the hook goes in: `--import` where node runs the app as an ES module anyway (an .mjs
			 * script, a .js one in a "type": "module" package, or an --import/--loader of the app's own),
			 * so that node's ES module loader is already up at go; `--require` otherwise, which leaves a
			 * CommonJS app on the CommonJS loader it runs on without the hook.
			 */
			flag: '--require' | '--import';
			/** The command to park: the hook right after `node`, the rest as it was. */
			parkedCommand(command: readonly string[], hook: string): string[];
	  }
	| {
			kind: 'python';
			parkedCommand(command: readonly string[], launcher: string): string[];
	  }
	| {kind: 'unsupported'; reason: string};

const NODE = /^node(\d+)?$/;
const PYTHON = /^python(\d+(\.\d+)*)?$/;

// Node options after which no script runs, or that run something else first (their own child
// process with the same flags, the REPL, the test runner).
const NODE_NO_SCRIPT = new Set(['-e', '--eval', '-p', '--print', '-i', '--interactive', '-c', '--check', '--test', '--run', '-v', '--version', '-h', '--help', '-']);
const NODE_TAKES_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title', '--inspect-port', '--input-type', '--env-file', '--stack-size']);

/** Whether node runs this script as an ES module (by its extension, or its package.json "type"). */
export type IsModule = (script: string) => boolean;

const nodePlan = (args: readonly string[], isModule: IsModule): WarmPlan => {
	let esmLoader = false;
	const plan = (script: string): WarmPlan => {
		const flag = esmLoader || isModule(script) ? '--import' : '--require';
		return {kind: 'node', flag, parkedCommand: (command, hook) => [command[0]!, flag, hook, ...command.slice(1)]};
	};
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		const flag = arg.split('=')[0]!;
		if (NODE_NO_SCRIPT.has(flag)) return {kind: 'unsupported', reason: `node ${flag} runs no script file of its own`};
		if (flag.startsWith('--watch')) return {kind: 'unsupported', reason: 'node --watch restarts the app itself; devtui already does'};
		if (!arg.startsWith('-')) return plan(arg);
		if (arg === '--') {
			if (index + 1 >= args.length) break;
			return plan(args[index + 1]!);
		}
		if (/^--(import|loader|experimental-loader)(=|$)/.test(arg)) esmLoader = true;
		if (NODE_TAKES_VALUE.has(arg)) index++;
	}
	return {kind: 'unsupported', reason: 'node runs no script file (the REPL)'};
};

const pythonPlan = (args: readonly string[]): WarmPlan => {
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '-m' || (arg.startsWith('-m') && !arg.startsWith('--'))) {
			const module = arg === '-m' ? args[index + 1] : arg.slice(2);
			if (!module) return {kind: 'unsupported', reason: 'python -m names no module'};
			// args[i] is command[i + 1]; the restart flag, when there is one, is appended at the end.
			const restFrom = 1 + index + (arg === '-m' ? 2 : 1);
			return {kind: 'python', parkedCommand: (command, launcher) => [command[0]!, ...command.slice(1, 1 + index), launcher, '-m', module, ...command.slice(restFrom)]};
		}
		if (!arg.startsWith('-') || arg === '-') {
			if (arg === '-') return {kind: 'unsupported', reason: 'python reads its program from stdin'};
			return {kind: 'python', parkedCommand: (command, launcher) => [command[0]!, ...command.slice(1, 1 + index), launcher, ...command.slice(1 + index)]};
		}
		if (arg.startsWith('--')) return {kind: 'unsupported', reason: `python ${arg} runs no script`};
		// Bundled single-letter options: -u, -OO, -bB, -Wignore, -Xdev.
		const letters = arg.slice(1);
		for (let at = 0; at < letters.length; at++) {
			const letter = letters[at]!;
			if (letter === 'c') return {kind: 'unsupported', reason: 'python -c runs a string, not a script devtui can hold'};
			if (letter === 'i') return {kind: 'unsupported', reason: 'python -i ends in the interactive prompt'};
			if (letter === 'x') return {kind: 'unsupported', reason: "python -x skips the script's first line, which a launcher cannot do the same way"};
			if (letter === 'V' || letter === 'h' || letter === '?') return {kind: 'unsupported', reason: `python -${letter} runs no script`};
			if (letter === 'W' || letter === 'X' || letter === 'Q') {
				if (at === letters.length - 1) index++;
				break;
			}
		}
	}
	return {kind: 'unsupported', reason: 'python runs no script (the interactive prompt)'};
};

const WRAPPERS: Record<string, string> = {
	npm: 'npm run starts node through npm and a shell, so a parked interpreter could not be the one npm starts; run `node <script>` directly for --warm',
	npx: 'npx starts the program through npm, so a parked interpreter could not be the one it starts; run `node <script>` directly for --warm',
	yarn: 'yarn starts the program through its own node process and a shell; run `node <script>` directly for --warm',
	pnpm: 'pnpm starts the program through its own node process and a shell; run `node <script>` directly for --warm',
	sh: 'the command runs through a shell, so devtui cannot hold the interpreter it ends up starting; give the node or python command itself',
	bash: 'the command runs through a shell, so devtui cannot hold the interpreter it ends up starting; give the node or python command itself',
	env: '`env` starts the program itself; put the variables in the environment and give the node or python command directly',
	uv: '`uv run` prepares the environment and starts python itself; give the environment\'s python directly (e.g. .venv/bin/python app.py)',
	poetry: '`poetry run` starts python itself; give the environment\'s python directly (e.g. .venv/bin/python app.py)',
	tsx: 'tsx starts node itself; use `node --import tsx <script>` for --warm',
};

/** What --warm can do for this command (after the inner-reloader and --listen changes to it). */
export const planWarm = (command: readonly string[], isModule: IsModule = script => script.endsWith('.mjs')): WarmPlan => {
	const program = path.basename(command[0] ?? '');
	if (NODE.test(program)) return nodePlan(command.slice(1), isModule);
	if (PYTHON.test(program)) return pythonPlan(command.slice(1));
	const wrapper = WRAPPERS[program];
	return {kind: 'unsupported', reason: wrapper ?? `${program || 'the command'} is not node or python, the interpreters --warm can start ahead of time`};
};
