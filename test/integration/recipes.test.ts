// Every recipe in docs/frameworks.md, run as it is written there: the files and the `devtui` line
// are read from the document itself (so the two cannot drift apart), written into a fresh project
// and started through the built CLI, headless, against the real framework (Debian's under
// /usr/bin/python3, npm's express, fastify and tsx). Each one must: start, be reported ready by a
// real sign (never "readiness unknown"), restart on an edit and serve the new code, carry its state
// across that restart, keep the old app serving through a broken save (Python: devtui's check), and
// leave nothing running after devtui quits. The only change made to a recipe is its port, replaced by
// a free one; `python3` resolves to /usr/bin/python3 (pyenv's python3 on PATH lacks the frameworks).

import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {splitShellWords} from '../../src/frameworks/command-view.js';
import {instanceProcessIds} from '../../src/supervisor/process-table.js';
import {cleanupRuns, freePort, tempDir, trackRun} from '../fixtures/apps/proto-json-run.js';
import {isAlive} from '../helpers/process-alive.js';
import {repoRoot, runCli, type CliRun} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const PYTHON = '/usr/bin/python3';
const TIMEOUT = 30_000;

interface Recipe {
	title: string;
	files: Array<{name: string; text: string}>;
	/** The `devtui` line, without `devtui`. */
	args: string[];
}

const DOC = readFileSync(path.join(repoRoot, 'docs/frameworks.md'), 'utf8');

/** Each `## ` section with files (a `` `name`: `` line, then a fenced block) and a ```sh block starting with `devtui `. */
const readRecipes = (markdown: string): Recipe[] =>
	markdown
		.split(/^## /m)
		.slice(1)
		.flatMap(section => {
			const title = section.slice(0, section.indexOf('\n')).trim();
			const files = [...section.matchAll(/^`([^`]+)`:\n\n```\w*\n([\s\S]*?)\n```/gm)].map(match => ({name: match[1]!, text: `${match[2]!}\n`}));
			const line = /^```sh\n(devtui [^\n]+)\n```/m.exec(section)?.[1];
			if (!line || files.length === 0) return [];
			return [{title, files, args: splitShellWords(line)!.slice(1)}];
		});

const RECIPES = readRecipes(DOC);
const recipe = (title: string): Recipe => {
	const found = RECIPES.find(candidate => candidate.title === title);
	if (!found) throw new Error(`docs/frameworks.md has no recipe "${title}" (has: ${RECIPES.map(candidate => candidate.title).join(', ')})`);
	return found;
};

const hasModules = (...modules: string[]): boolean => spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`]).status === 0;

// The ports the recipes use, each replaced by a free one.
const PORTS = /\b(8000|5000|3000)\b/g;

interface Project {
	dir: string;
	port: number;
	args: string[];
	/** The file that says "hello", which the edit changes. */
	edited: string;
}

const setUp = async (title: string, prepare?: (dir: string) => void): Promise<Project> => {
	const {files, args} = recipe(title);
	const dir = tempDir('devtui-recipe-');
	const port = await freePort();
	prepare?.(dir);
	// The packages a Node recipe imports, as `npm install` would put them there.
	const modules = path.join(dir, 'node_modules');
	mkdirSync(path.join(modules, '.bin'), {recursive: true});
	symlinkSync(repoRoot, path.join(modules, 'devtui'));
	for (const name of ['express', 'fastify', 'tsx']) symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(modules, name));
	symlinkSync('../tsx/dist/cli.mjs', path.join(modules, '.bin', 'tsx'));
	// The Node recipes are ES modules (the document says so once, above them all).
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({type: 'module'}));
	let edited: string | undefined;
	for (const {name, text} of files) {
		mkdirSync(path.dirname(path.join(dir, name)), {recursive: true});
		writeFileSync(path.join(dir, name), text.replace(PORTS, String(port)));
		if (/["']hello["']/.test(text)) edited = name;
	}
	return {dir, port, args: args.map(arg => arg.replace(PORTS, String(port))), edited: edited!};
};

// `python3` is the Python with the frameworks, as the recipes assume (a directory of its own per
// test: temp dirs go at the end of each).
const binDir = (): string => {
	const dir = tempDir('devtui-recipe-bin-');
	symlinkSync(PYTHON, path.join(dir, 'python3'));
	return dir;
};

interface Answer {
	message: string;
	hits: number;
}

const get = async (port: number): Promise<Answer | undefined> => {
	try {
		const response = await fetch(`http://127.0.0.1:${port}/`, {signal: AbortSignal.timeout(5000)});
		return response.status === 200 ? ((await response.json()) as Answer) : undefined;
	} catch {
		return undefined;
	}
};

const answering = (port: number, message: string, cli: CliRun) =>
	waitFor(async () => {
		const answer = await get(port);
		return answer?.message === message ? answer : undefined;
	}, {timeout: TIMEOUT, message: () => `"${message}" served; output:\n${cli.all.join('\n')}`});

const READY = /^\[devtui\] (?:first start|restart #\d+) ready in .* \((listening on|accepting on the held|client said ready|output matched --ready-pattern|READY=1 over sd_notify)/;

/** The recipe's whole life: start, ready, state across an edit, a broken save (Python), quit. */
const runRecipe = async (project: Project, {python}: {python: boolean}) => {
	const cli = trackRun(
		runCli(project.args, {
			cwd: project.dir,
			env: {PATH: `${binDir()}:${process.env.PATH ?? ''}`, PYTHONDONTWRITEBYTECODE: '1'},
		}),
	);
	const seen = new Set<number>();
	const lookAtTree = () => {
		for (const line of cli.lines(/^\[devtui\] (?:started|restart #\d+: started) pid \d+/)) {
			const root = Number(/pid (\d+)/.exec(line)![1]);
			for (const pid of [root, ...instanceProcessIds(root)]) seen.add(pid);
		}
	};

	// The first start's outcome: ready, crashed, or no sign of readiness at all (10 s).
	const first = await cli.waitForLine(/^\[devtui\] (first start \w+|app started|pid \d+ gave no sign of readiness)/, {timeout: TIMEOUT});
	expect(first, cli.all.join('\n')).toMatch(READY);
	expect(await answering(project.port, 'hello', cli)).toEqual({message: 'hello', hits: 1});
	expect(await get(project.port)).toEqual({message: 'hello', hits: 2});
	lookAtTree();

	const file = path.join(project.dir, project.edited);
	writeFileSync(file, readFileSync(file, 'utf8').replace(/(["'])hello\1/, '$1edited$1'));
	const after = await answering(project.port, 'edited', cli);
	// The counter went on from where the old instance left it: the state came across.
	expect(after.hits).toBeGreaterThan(2);
	await cli.waitForLine(/^\[devtui\] restart #1 ready in .*/, {timeout: TIMEOUT});
	expect(cli.lines(/^\[devtui\] restart #1 ready/)[0]).toMatch(READY);
	expect(cli.lines(/^\[devtui\] state saved: /).length).toBeGreaterThanOrEqual(1);
	lookAtTree();

	if (python) {
		writeFileSync(file, `${readFileSync(file, 'utf8')}\n\ndef broken(:\n    pass\n`);
		await cli.waitForLine(/^\[devtui\] check failed: python compile.*the running app keeps serving/, {timeout: TIMEOUT});
		expect((await get(project.port))?.message).toBe('edited');
		expect(cli.lines(/^\[devtui\] restart #2/)).toEqual([]);
	}

	cli.kill('SIGTERM');
	expect((await cli.exit).code, cli.all.join('\n')).toBe(0);
	const pids = [...seen];
	expect(pids.length).toBeGreaterThanOrEqual(2);
	await waitFor(() => pids.every(pid => !isAlive(pid)) || undefined, {timeout: 5000, message: () => `nothing left of ${pids.join(', ')}`});
	expect(cli.all.some(line => /Traceback|UnhandledPromiseRejection/.test(line)), cli.all.join('\n')).toBe(false);
	return cli;
};

describe('docs/frameworks.md', () => {
	it('has every recipe the test knows, each with files and a devtui line', () => {
		expect(RECIPES.map(found => found.title)).toEqual(['FastAPI with uvicorn', 'Flask', 'Django (runserver)', 'gunicorn', 'Express', 'Fastify', 'TypeScript with tsx', 'npm run dev']);
	});
});

describe('recipes', {timeout: 60_000}, () => {
	it.skipIf(!hasModules('fastapi', 'uvicorn'))('FastAPI with uvicorn: --listen, and devtui adds --fd 3', async () => {
		const cli = await runRecipe(await setUp('FastAPI with uvicorn'), {python: true});
		expect(cli.lines(/^\[devtui\] --listen: devtui adds --fd 3 to uvicorn's command/)).toHaveLength(1);
		expect(cli.lines(/^\[devtui\] app pid \d+ serves on the held socket/)).toHaveLength(1);
	});

	it.skipIf(!hasModules('flask'))("Flask in debug mode, without Werkzeug's reloader", async () => {
		const cli = await runRecipe(await setUp('Flask'), {python: true});
		expect(cli.lines(/^\[devtui\] flask debug mode runs Werkzeug's reloader/)).toHaveLength(1);
		expect(cli.lines(/Restarting with/)).toEqual([]);
	});

	it.skipIf(!hasModules('django'))('Django runserver, with --noreload added and the process state kept', async () => {
		const project = await setUp('Django (runserver)', dir => execFileSync(PYTHON, ['-m', 'django', 'startproject', 'mysite', '.'], {cwd: dir}));
		const cli = await runRecipe(project, {python: true});
		expect(cli.lines(/^\[devtui\] started pid \d+: .* --noreload$/)).toHaveLength(1);
		expect(cli.lines(/^\[devtui\] first start ready .*output matched --ready-pattern/)).toHaveLength(1);
	});

	it.skipIf(!hasModules('gunicorn', 'flask'))('gunicorn on the held socket through LISTEN_FDS', async () => {
		const project = await setUp('gunicorn');
		const cli = await runRecipe(project, {python: true});
		expect(cli.lines(new RegExp(`Listening at: http://127\\.0\\.0\\.1:${project.port} `))).toHaveLength(2);
		expect(cli.lines(/Connection in use/)).toEqual([]);
	});

	it('Express with the listen() helper on the held socket', async () => {
		const cli = await runRecipe(await setUp('Express'), {python: false});
		expect(cli.lines(/^\[devtui\] app pid \d+ serves on the held socket/)).toHaveLength(1);
	});

	it('Fastify stopping itself, the handler in its onClose hook', async () => {
		await runRecipe(await setUp('Fastify'), {python: false});
	});

	it('tsx', async () => {
		await runRecipe(await setUp('TypeScript with tsx'), {python: false});
	});

	it('npm run dev', async () => {
		await runRecipe(await setUp('npm run dev'), {python: false});
	});
});
