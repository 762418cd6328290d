// The lines reloaders print when they start or reload: the evidence for a reloader the command
// does not show (app.run(debug=True), uvicorn.run(reload=True), `reload = True` in a gunicorn
// config, a Procfile or script devtui cannot read). Pure; the watch says each framework once.

import type {ReloaderFramework} from './inner-reloader.js';

export interface ReloaderLine {
	framework: ReloaderFramework;
	/** One line naming the reloader and how to turn it off. */
	message: string;
}

interface Telltale {
	framework: ReloaderFramework;
	pattern: RegExp;
	message: string;
}

// Each pattern is the reloader's own wording, from its source: werkzeug/_reloader.py,
// django/utils/autoreload.py, uvicorn/supervisors, gunicorn/workers/base.py, nodemon, node's
// lib/internal/main/watch_mode.js, tsx's src/watch.
const TELLTALES: readonly Telltale[] = [
	{
		framework: 'werkzeug',
		pattern: /^\s*\* (Restarting with \w+|Detected change in '.+', reloading)/,
		message:
			"Werkzeug's reloader is running (Flask debug mode), and it reloads a broken save by itself: run `flask run` (devtui turns it off) or pass use_reloader=False to app.run()",
	},
	{
		framework: 'django',
		pattern: /^Watching for file changes with \w+Reloader$|^\S.* changed, reloading\.$/,
		message: "Django's autoreloader is running, and it reloads a broken save by itself: add --noreload to runserver",
	},
	{
		framework: 'uvicorn',
		pattern: /^INFO: +(Will watch for changes in these directories:|Started reloader process \[\d+\] using \w+)|^WARNING: +\w+ detected (file )?changes? in /,
		message: "uvicorn's reloader is running (--reload or reload=True), and it reloads a broken save by itself: turn it off and devtui restarts the app instead",
	},
	{
		framework: 'gunicorn',
		pattern: /\[INFO\] Worker reloading: .+ modified$/,
		message: 'gunicorn --reload is on (the command line, GUNICORN_CMD_ARGS or reload = True in its config), and it restarts workers on a broken save: turn it off',
	},
	{
		framework: 'nodemon',
		pattern: /^\[nodemon\] (starting `|watching (path|extension)|restarting due to changes)/,
		message: 'nodemon restarts the app by itself on a save, broken or not: run the app directly under devtui',
	},
	{
		framework: 'node --watch',
		pattern: /^(Restarting|Completed running|Failed running) '.+'$/,
		message: 'node --watch restarts the app by itself on a save, broken or not: drop --watch',
	},
	{
		framework: 'tsx watch',
		pattern: /\[tsx\] .*(Restarting|Rerunning)\.\.\.$/,
		message: 'tsx watch restarts the app by itself on a save, broken or not: run tsx without watch',
	},
];

// eslint-disable-next-line no-control-regex -- the escapes are what is being removed.
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

/** The reloader a line of the app's output shows, if any. */
export const matchReloaderLine = (line: string): ReloaderLine | undefined => {
	const text = line.replace(ANSI, '').replace(/\s+$/, '');
	const found = TELLTALES.find(telltale => telltale.pattern.test(text));
	return found && {framework: found.framework, message: found.message};
};

/**
 * Watches the app's output for reloaders; each one is reported once. `known` is what the command
 * already showed (and devtui said): its own lines are only news if the reloader was meant to be off.
 */
export const createReloaderLineWatch = ({known}: {known?: {framework: ReloaderFramework; stillActive: boolean}} = {}) => {
	const said = new Set<ReloaderFramework>();
	// Werkzeug's lines are Flask's reloader: what devtui says about Flask covers them.
	const sameAs = (framework: ReloaderFramework) => (framework === 'werkzeug' && known?.framework === 'flask' ? 'flask' : framework);
	return (line: string): ReloaderLine | undefined => {
		const found = matchReloaderLine(line);
		if (!found || said.has(found.framework)) return undefined;
		said.add(found.framework);
		if (known && sameAs(found.framework) === known.framework) {
			if (known.stillActive) return undefined;
			return {framework: found.framework, message: `${found.message} (devtui's attempt to turn it off did not take)`};
		}
		return found;
	};
};
