// Finds a reloader inside the app (Flask's debug mode, Django's runserver, uvicorn/gunicorn/
// hypercorn --reload, nodemon, node --watch, tsx watch) from its command and environment. Such a
// reloader restarts the app by itself on a save, broken or not, so devtui's "old app still
// serving" would be false, and the two reloaders race each other.
//
// The rule for what devtui does about it: a reloader on by default (Django's runserver) or turned
// on from the environment or by debug mode (Flask) is turned off through the framework's own
// switch, and devtui says so in one line; one asked for on devtui's command line (`--reload`) is
// the developer's explicit choice, so devtui only names the flag to drop. Pure: files (.flaskenv,
// package.json) are read through the caller's `readFile`.

import {appendArgument, type CommandView, type ReadFile, viewCommand} from './command-view.js';

export type ReloaderFramework = 'django' | 'flask' | 'werkzeug' | 'uvicorn' | 'gunicorn' | 'hypercorn' | 'nodemon' | 'node --watch' | 'tsx watch';

export type ReloaderAction =
	/** Start the app with these variables set (over its environment). */
	| {kind: 'env'; env: Record<string, string>}
	/** Run this command instead: the original with the framework's off switch added. */
	| {kind: 'argument'; argument: string; command: string[]}
	/** Nothing devtui can do by itself: `message` names what to change. */
	| {kind: 'advice'};

export interface InnerReloader {
	framework: ReloaderFramework;
	action: ReloaderAction;
	/** One line for the developer: what runs, and what devtui did or what to change. */
	message: string;
	/** Whether the inner reloader still runs after the action (advice only): devtui cannot promise that a broken save leaves the old app serving. */
	stillActive: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

// Click's boolean words (FLASK_RUN_RELOAD, UVICORN_RELOAD); an empty value counts as unset, as in Click.
const clickBoolean = (value: string | undefined): boolean | undefined => {
	const word = value?.trim().toLowerCase();
	if (!word) return undefined;
	if (['1', 'true', 't', 'yes', 'y', 'on'].includes(word)) return true;
	if (['0', 'false', 'f', 'no', 'n', 'off'].includes(word)) return false;
	return undefined;
};

// Flask's get_debug_flag: set, and not 0/false/no.
const flaskDebugValue = (value: string | undefined): boolean | undefined =>
	value === undefined || value === '' ? undefined : !['0', 'false', 'no'].includes(value.toLowerCase());

// The variables a .flaskenv or .env sets (python-dotenv's simple KEY=value lines).
const dotenvValue = (text: string | undefined, key: string): string | undefined => {
	if (text === undefined) return undefined;
	let found: string | undefined;
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (match?.[1] === key) found = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
	}
	return found;
};

const has = (args: readonly string[], ...flags: string[]) => args.some(arg => flags.includes(arg) || flags.some(flag => arg.startsWith(`${flag}=`)));

const shown = (view: CommandView) => (view.via.length > 0 ? ` (through ${view.via.join(', ')})` : '');

// `flask [--app X] [--debug] run [...]`: the group's options, then the command.
const FLASK_GROUP_VALUES = new Set(['--app', '-A', '--env-file', '-e']);
const flaskRun = (args: readonly string[]): {group: string[]; run: string[]} | undefined => {
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (FLASK_GROUP_VALUES.has(arg)) {
			index++;
			continue;
		}
		if (arg.startsWith('-')) continue;
		return arg === 'run' ? {group: args.slice(0, index), run: args.slice(index + 1)} : undefined;
	}
	return undefined;
};

const detectFlask = (view: CommandView, env: Env, readFile: ReadFile): InnerReloader | undefined => {
	if (view.program !== 'flask') return undefined;
	const parts = flaskRun(view.args);
	if (!parts) return undefined;
	if (has(parts.run, '--no-reload')) return undefined;
	if (has(parts.run, '--reload')) {
		return {
			framework: 'flask',
			action: {kind: 'advice'},
			message: `flask run --reload runs Werkzeug's reloader, which reloads a broken save by itself: drop --reload and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	const reload = clickBoolean(env['FLASK_RUN_RELOAD']);
	if (reload === false) return undefined;
	const flaskenv = readFile('.flaskenv');
	const dotenv = readFile('.env');
	const debug =
		has([...parts.group, ...parts.run], '--debug') && !has(parts.group, '--no-debug')
			? true
			: (flaskDebugValue(env['FLASK_DEBUG']) ??
				(env['FLASK_ENV'] === 'development' ||
					flaskDebugValue(dotenvValue(flaskenv, 'FLASK_DEBUG') ?? dotenvValue(dotenv, 'FLASK_DEBUG')) === true ||
					(dotenvValue(flaskenv, 'FLASK_ENV') ?? dotenvValue(dotenv, 'FLASK_ENV')) === 'development'));
	if (!debug && reload !== true) return undefined;
	return {
		framework: 'flask',
		action: {kind: 'env', env: {FLASK_RUN_RELOAD: 'false'}},
		message: `flask ${reload === true ? 'has FLASK_RUN_RELOAD on' : 'debug mode runs Werkzeug\'s reloader'}, which would reload a broken save by itself: devtui sets FLASK_RUN_RELOAD=false (the debugger stays on) and restarts the app instead`,
		stillActive: false,
	};
};

const DJANGO_PROGRAMS = new Set(['manage.py', 'django-admin', 'django-admin.py', 'django']);
const DJANGO_SERVERS = new Set(['runserver', 'runserver_plus']);

const detectDjango = (view: CommandView, command: readonly string[]): InnerReloader | undefined => {
	if (!DJANGO_PROGRAMS.has(view.program) || !DJANGO_SERVERS.has(view.args[0] ?? '')) return undefined;
	const subcommand = view.args[0]!;
	if (has(view.args, '--noreload')) return undefined;
	const changed = appendArgument(command, view, '--noreload');
	if (!changed) {
		return {
			framework: 'django',
			action: {kind: 'advice'},
			message: `django ${subcommand}${shown(view)} runs Django's autoreloader, which reloads a broken save by itself: add --noreload and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	return {
		framework: 'django',
		action: {kind: 'argument', argument: '--noreload', command: changed},
		message: `django ${subcommand} runs Django's autoreloader, which would reload a broken save by itself: devtui adds --noreload and restarts the app instead`,
		stillActive: false,
	};
};

const detectUvicorn = (view: CommandView, env: Env): InnerReloader | undefined => {
	if (view.program !== 'uvicorn') return undefined;
	if (has(view.args, '--reload')) {
		return {
			framework: 'uvicorn',
			action: {kind: 'advice'},
			// Click reads UVICORN_RELOAD only when the flag is not on the command line: nothing turns it off but dropping it.
			message: `uvicorn --reload runs uvicorn's own reloader, which reloads a broken save by itself: drop --reload and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	if (clickBoolean(env['UVICORN_RELOAD']) !== true) return undefined;
	return {
		framework: 'uvicorn',
		action: {kind: 'env', env: {UVICORN_RELOAD: 'false'}},
		message: `UVICORN_RELOAD turns on uvicorn's own reloader, which would reload a broken save by itself: devtui sets UVICORN_RELOAD=false and restarts the app instead`,
		stillActive: false,
	};
};

const detectGunicorn = (view: CommandView, env: Env): InnerReloader | undefined => {
	if (view.program !== 'gunicorn' && view.program !== 'gunicorn3') return undefined;
	if (has(view.args, '--reload')) {
		return {
			framework: 'gunicorn',
			action: {kind: 'advice'},
			message: `gunicorn --reload restarts its workers by itself on a save, broken or not: drop --reload and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	const extra = env['GUNICORN_CMD_ARGS'];
	const words = extra === undefined ? undefined : extra.split(/\s+/).filter(Boolean);
	if (!words?.includes('--reload')) return undefined;
	return {
		framework: 'gunicorn',
		action: {kind: 'env', env: {GUNICORN_CMD_ARGS: words.filter(word => word !== '--reload').join(' ')}},
		message: `GUNICORN_CMD_ARGS turns on gunicorn --reload, which restarts its workers by itself on a save: devtui runs it without --reload and restarts the app instead`,
		stillActive: false,
	};
};

const detectHypercorn = (view: CommandView): InnerReloader | undefined =>
	view.program === 'hypercorn' && has(view.args, '--reload')
		? {
				framework: 'hypercorn',
				action: {kind: 'advice'},
				message: `hypercorn --reload restarts the app by itself on a save, broken or not: drop --reload and devtui restarts the app instead`,
				stillActive: true,
			}
		: undefined;

// nodemon's options that take a value, so its script can be told from them.
const NODEMON_VALUES = new Set(['-e', '--ext', '-w', '--watch', '-i', '--ignore', '-x', '--exec', '-d', '--delay', '-s', '--signal', '--config', '-C']);

const detectNode = (view: CommandView): InnerReloader | undefined => {
	if (view.program === 'nodemon') {
		const exec = view.args.findIndex(arg => arg === '--exec' || arg === '-x');
		let instead = exec >= 0 ? view.args[exec + 1] : undefined;
		if (instead === undefined) {
			for (let index = 0; index < view.args.length; index++) {
				const arg = view.args[index]!;
				if (NODEMON_VALUES.has(arg)) index++;
				else if (!arg.startsWith('-')) {
					instead = ['node', ...view.args.slice(index)].join(' ');
					break;
				}
			}
		}
		return {
			framework: 'nodemon',
			action: {kind: 'advice'},
			message: `nodemon restarts the app by itself on a save, broken or not: run the app directly${instead ? ` (devtui -- ${instead})` : ''} and devtui restarts it instead`,
			stillActive: true,
		};
	}
	if (view.program === 'node' || view.program === 'bun' || view.program === 'deno') {
		// Only node's own options, before the script: `node app.js --watch` is the app's argument.
		const script = view.args.findIndex(arg => !arg.startsWith('-'));
		const options = script < 0 ? view.args : view.args.slice(0, view.program === 'deno' ? view.args.length : script);
		const flag = ['--watch', '--watch-path', '--hot'].find(name => has(options, name));
		if (flag === undefined) return undefined;
		return {
			framework: 'node --watch',
			action: {kind: 'advice'},
			message: `${view.program} ${flag} restarts the app by itself on a save, broken or not: drop ${flag} and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	if (view.program === 'tsx' && view.args[0] === 'watch') {
		return {
			framework: 'tsx watch',
			action: {kind: 'advice'},
			message: `tsx watch restarts the app by itself on a save, broken or not: run \`tsx ${view.args.slice(1).join(' ')}\` and devtui restarts the app instead`,
			stillActive: true,
		};
	}
	return undefined;
};

/**
 * Whether `command` runs the app under a reloader of its own, and what devtui does about it.
 * `env` is the environment the app would get; `readFile` reads a file relative to the app's
 * working directory (package.json for npm scripts, .flaskenv and .env for Flask).
 */
export const detectInnerReloader = ({
	command,
	env,
	readFile = () => undefined,
}: {
	command: readonly string[];
	env: Env;
	readFile?: ReadFile;
}): InnerReloader | undefined => {
	const view = viewCommand(command, readFile);
	if (!view) return undefined;
	const effective: Env = {...env, ...view.env};
	const found =
		detectDjango(view, command) ??
		detectFlask(view, effective, readFile) ??
		detectUvicorn(view, effective) ??
		detectGunicorn(view, effective) ??
		detectHypercorn(view) ??
		detectNode(view);
	if (found?.action.kind !== 'env') return found;
	// A variable the command sets itself (`env FLASK_RUN_RELOAD=1 flask run`) wins over devtui's.
	const own = Object.keys(found.action.env).find(key => Object.hasOwn(view.env, key));
	if (own === undefined) return found;
	return {
		framework: found.framework,
		action: {kind: 'advice'},
		message: `${found.framework}'s own reloader is on (the command sets ${own}=${view.env[own]}), and it reloads a broken save by itself: set ${own}=${found.action.env[own] || '""'} and devtui restarts the app instead`,
		stillActive: true,
	};
};
