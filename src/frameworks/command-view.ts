// What a command actually runs, seen through the wrappers people put in front of it: `env A=1`,
// `sh -c '...'` (and `exec` inside it), `npm run dev` (the script in package.json), `npx`, `uv run`, `poetry run`, and
// a Python interpreter running a module (`-m flask`) or a script (`manage.py`). Pure: package.json
// is read through the caller's `readFile`. Only simple shell text is looked into: one command,
// words and quotes, no operators or expansions; anything else is left alone.

import path from 'node:path';

/** How an argument can be added to the original command so that it reaches the program. */
export type AppendVia =
	/** Append it to the original argv. */
	| {kind: 'argv'}
	/** Append it to the `sh -c` script (argv[index]). */
	| {kind: 'script'; index: number}
	/** `npm run X`: after a `--` (added unless there is one). */
	| {kind: 'npm'; hasSeparator: boolean}
	/** Somewhere it would not reach the program as an argument (yarn, pnpm, a nested script). */
	| {kind: 'none'};

export interface CommandView {
	/**
	 * The program, as a name: an executable's basename (`flask`, `node`), or for a Python
	 * interpreter the module it runs (`flask` for `python -m flask`) or its script's basename
	 * (`manage.py`).
	 */
	program: string;
	/** Its arguments, after the module or script. */
	args: string[];
	/** Variables the wrappers set (`env A=1`, `A=1 cmd` in a script), over the caller's. */
	env: Record<string, string>;
	/** How an argument added to the original command gets to `program`'s argv. */
	appendVia: AppendVia;
	/** The wrappers looked through, outermost first, for messages ("npm run dev"). */
	via: string[];
	/** The same wrappers as programs, for decisions that depend on what each one is (see Wrapper). */
	wrappers: Wrapper[];
}

export interface Wrapper {
	/** The wrapper's program: `npm`, `yarn`, `pnpm`, `npx`, `bunx`, `sh` (or another shell), `env`, `exec`, `uv`, `poetry`... */
	program: string;
	/** The words it runs, as the next step sees them (an npm script's words with the arguments forwarded to it). */
	runs: string[];
}

export type ReadFile = (relativePath: string) => string | undefined;

const PYTHON = /^python(\d+(\.\d+)*)?$/;
// Runners that take "run <command...>" and run it as it is.
const RUNNERS = new Set(['uv', 'poetry', 'pipenv', 'pdm', 'hatch', 'rye']);
// Python options that take a value (`-W ignore`, `-X dev`).
const PYTHON_OPTION_VALUES = new Set(['-W', '-X', '-Q']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh']);

const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Splits simple shell text into words; undefined when it needs a real shell to mean anything. */
export const splitShellWords = (text: string): string[] | undefined => {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char === "'") {
			const end = text.indexOf("'", index + 1);
			if (end < 0) return undefined;
			word += text.slice(index + 1, end);
			inWord = true;
			index = end;
		} else if (char === '"') {
			const end = text.indexOf('"', index + 1);
			if (end < 0) return undefined;
			const inner = text.slice(index + 1, end);
			if (/[$`\\]/.test(inner)) return undefined;
			word += inner;
			inWord = true;
			index = end;
		} else if (char === ' ' || char === '\t') {
			if (inWord) words.push(word);
			word = '';
			inWord = false;
		} else if (/[;&|<>()$`\\\n*?[\]{}~#]/.test(char)) {
			return undefined;
		} else {
			word += char;
			inWord = true;
		}
	}
	if (inWord) words.push(word);
	return words.length > 0 ? words : undefined;
};

const takeAssignments = (words: readonly string[]): {env: Record<string, string>; rest: string[]} => {
	const env: Record<string, string> = {};
	let index = 0;
	for (; index < words.length; index++) {
		const match = ENV_ASSIGNMENT.exec(words[index]!);
		if (!match) break;
		env[match[1]!] = match[2]!;
	}
	return {env, rest: words.slice(index)};
};

const npmScript = (name: string, readFile: ReadFile): string | undefined => {
	const text = readFile('package.json');
	if (text === undefined) return undefined;
	try {
		const scripts = (JSON.parse(text) as {scripts?: Record<string, unknown>}).scripts;
		const script = scripts?.[name];
		return typeof script === 'string' ? script : undefined;
	} catch {
		return undefined;
	}
};

// Python's own options come before the module or script; `-m` ends them.
const pythonTarget = (args: readonly string[]): {program: string; args: string[]} | undefined => {
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '-m') return args[index + 1] === undefined ? undefined : {program: args[index + 1]!, args: args.slice(index + 2)};
		if (arg.startsWith('-m') && arg.length > 2) return {program: arg.slice(2), args: args.slice(index + 1)};
		if (arg === '-c' || arg === '-') return undefined;
		if (PYTHON_OPTION_VALUES.has(arg)) {
			index++;
			continue;
		}
		if (arg.startsWith('-')) continue;
		return {program: path.basename(arg), args: args.slice(index + 1)};
	}
	return undefined;
};

const MAX_DEPTH = 4;

/** Looks through the wrappers of `command`; undefined when there is nothing to look at. */
export const viewCommand = (command: readonly string[], readFile: ReadFile = () => undefined): CommandView | undefined => {
	const look = (words: readonly string[], env: Record<string, string>, appendVia: AppendVia, via: string[], wrappers: Wrapper[], depth: number): CommandView | undefined => {
		if (depth > MAX_DEPTH) return undefined;
		const assigned = takeAssignments(words);
		const merged = {...env, ...assigned.env};
		const [first, ...rest] = assigned.rest;
		if (first === undefined) return undefined;
		const name = path.basename(first);
		const again = (next: readonly string[], how: AppendVia, wrapper: string) =>
			look(next, merged, how, [...via, wrapper], [...wrappers, {program: name, runs: [...next]}], depth + 1);

		if (name === 'env') {
			// `env -i`, `env -u NAME` and the like change more than a variable: leave them alone.
			if (rest[0]?.startsWith('-')) return undefined;
			return again(rest, appendVia, 'env');
		}
		// A shell's `exec` replaces the shell by the command, which keeps the shell's pid.
		if (name === 'exec') return rest[0] === undefined || rest[0].startsWith('-') ? undefined : again(rest, appendVia, 'exec');
		if (SHELLS.has(name) && rest[0] === '-c' && rest[1] !== undefined) {
			const script = splitShellWords(rest[1]);
			if (!script) return undefined;
			// Words after the script are $0, $1...: an argument appended there would not reach it.
			const how: AppendVia = appendVia.kind === 'argv' && rest.length === 2 ? {kind: 'script', index: command.length - 1} : {kind: 'none'};
			return again(script, how, `${name} -c`);
		}
		if (name === 'npm' || name === 'yarn' || name === 'pnpm') {
			const isRun = rest[0] === 'run' || rest[0] === 'run-script';
			const scriptName = isRun ? rest[1] : rest[0] === 'start' ? 'start' : name !== 'npm' ? rest[0] : undefined;
			if (scriptName === undefined) return undefined;
			if (name !== 'npm' && ['exec', 'dlx', 'x'].includes(scriptName)) return again(rest.slice(1), {kind: 'none'}, `${name} ${scriptName}`);
			const script = npmScript(scriptName, readFile);
			const words = script === undefined ? undefined : splitShellWords(script);
			if (!words) return undefined;
			const after = rest.slice(isRun ? 2 : 1);
			const separator = after.indexOf('--');
			const forwarded = name === 'npm' ? (separator < 0 ? [] : after.slice(separator + 1)) : after.filter(arg => arg !== '--');
			const how: AppendVia = name === 'npm' && appendVia.kind === 'argv' ? {kind: 'npm', hasSeparator: separator >= 0} : {kind: 'none'};
			return again([...words, ...forwarded], how, `${name} run ${scriptName}`);
		}
		if (name === 'npx' || name === 'bunx') {
			const program = rest.findIndex(arg => !arg.startsWith('-'));
			return program < 0 ? undefined : again(rest.slice(program), appendVia, name);
		}
		if (RUNNERS.has(name) && rest[0] === 'run') {
			const program = rest.slice(1).findIndex(arg => !arg.startsWith('-'));
			return program < 0 ? undefined : again(rest.slice(1 + program), appendVia, `${name} run`);
		}
		if (PYTHON.test(name)) {
			const target = pythonTarget(rest);
			return target && {...target, env: merged, appendVia, via, wrappers};
		}
		return {program: name, args: rest, env: merged, appendVia, via, wrappers};
	};
	return look(command, {}, {kind: 'argv'}, [], [], 0);
};

/**
 * The original command with `args` added where they reach the program, or undefined where they
 * cannot be. In a `sh -c` script they are added as words: give only words the shell leaves alone.
 */
export const appendArguments = (command: readonly string[], view: CommandView, args: readonly string[]): string[] | undefined => {
	const how = view.appendVia;
	switch (how.kind) {
		case 'argv':
			return [...command, ...args];
		case 'script':
			return command.map((word, index) => (index === how.index ? `${word} ${args.join(' ')}` : word));
		case 'npm':
			return how.hasSeparator ? [...command, ...args] : [...command, '--', ...args];
		case 'none':
			return undefined;
	}
};

/** The original command with `arg` added where it reaches the program, or undefined where it cannot be. */
export const appendArgument = (command: readonly string[], view: CommandView, arg: string): string[] | undefined => appendArguments(command, view, [arg]);
