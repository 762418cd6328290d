// Real frameworks under devtui, from Debian under /usr/bin/python3 (python3-django, python3-flask;
// `python3` on PATH may be another Python without them): a fresh Django project writing its
// SQLite database restarts only on its .py edits, and an inner reloader devtui finds is turned
// off, so a broken save really leaves the old app serving.

import {execFile, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import {freePort} from '../helpers/free-port.js';
import {runCli, type CliRun} from '../helpers/run-cli.js';
import {SYSTEM_PYTHON} from '../helpers/save-shapes.js';
import {waitFor} from '../helpers/wait-for.js';

const run = promisify(execFile);
const TIMEOUT = 30_000;
// migrate alone takes seconds on a loaded machine: the acceptance test gets a longer deadline.
const DJANGO_TIMEOUT = 60_000;

// Whether Debian's Python has the framework (CI installs python3-django and python3-flask).
const hasModule = (module: string): boolean => spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`]).status === 0;

const runs: CliRun[] = [];
const dirs: string[] = [];
afterEach(async () => {
	for (const cli of runs.splice(0)) {
		cli.kill('SIGTERM');
		const killer = setTimeout(() => cli.kill('SIGKILL'), 5000);
		await cli.exit;
		clearTimeout(killer);
	}
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

const tempDir = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-framework-'));
	dirs.push(dir);
	return dir;
};

const start = (args: string[], cwd: string): CliRun => {
	const cli = runCli(['--no-tui', ...args], {cwd});
	runs.push(cli);
	return cli;
};

const get = async (port: number, route = '/'): Promise<{status: number; body: string}> => {
	const response = await fetch(`http://127.0.0.1:${port}${route}`);
	return {status: response.status, body: await response.text()};
};

// Until the app answers with `body` (an instance may be starting: refused connections are retried).
const served = (port: number, body: string, cli: CliRun) =>
	waitFor(async () => (await get(port).catch(() => undefined))?.body === body, {
		timeout: TIMEOUT,
		message: () => `the app to serve ${JSON.stringify(body)}; output:\n${cli.all.join('\n')}`,
	});

const restartLines = (cli: CliRun) => cli.lines(/^\[devtui\] restart #\d+: started/);
const changeLines = (cli: CliRun) => cli.lines(/^\[devtui\] (change|\d+ changes): /);

// A fresh `django-admin startproject`, plus a view that writes the database on every request and
// answers with the VERSION in its own module.
const djangoProject = async (): Promise<string> => {
	const dir = tempDir();
	await run(SYSTEM_PYTHON, ['-m', 'django', 'startproject', 'mysite', '.'], {cwd: dir});
	writeFileSync(
		path.join(dir, 'mysite', 'views.py'),
		`from django.db import connection
from django.http import HttpResponse

VERSION = "v0"


def write(request):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS hits (at TEXT)")
        cursor.execute("INSERT INTO hits VALUES (datetime('now'))")
    return HttpResponse(VERSION)
`,
	);
	const urls = path.join(dir, 'mysite', 'urls.py');
	writeFileSync(
		urls,
		readFileSync(urls, 'utf8')
			.replace('from django.urls import path', 'from django.urls import path\nfrom mysite import views')
			.replace("path('admin/', admin.site.urls),", "path('admin/', admin.site.urls),\n    path('', views.write),"),
	);
	return dir;
};

const setVersion = (dir: string, version: string) => {
	const views = path.join(dir, 'mysite', 'views.py');
	writeFileSync(views, readFileSync(views, 'utf8').replace(/^VERSION = .*$/m, `VERSION = "${version}"`));
};

describe.skipIf(!hasModule('django'))('Django', () => {
	it(
		'restarts exactly once per .py edit, never for migrate or for requests that write db.sqlite3',
		async () => {
			const dir = await djangoProject();
			const port = await freePort();
			const cli = start(['--', SYSTEM_PYTHON, 'manage.py', 'runserver', '--noreload', String(port)], dir);
			await served(port, 'v0', cli);

			// migrate creates db.sqlite3 and writes it (and its journal) table by table.
			await run(SYSTEM_PYTHON, ['manage.py', 'migrate', '--noinput'], {cwd: dir});
			expect(existsSync(path.join(dir, 'db.sqlite3'))).toBe(true);
			for (let request = 0; request < 20; request++) expect(await get(port)).toEqual({status: 200, body: 'v0'});

			// Each edit is one restart; a restart from the database would come before it, and show.
			for (const [edit, version] of ['v1', 'v2'].entries()) {
				setVersion(dir, version);
				await served(port, version, cli);
				for (let request = 0; request < 5; request++) expect((await get(port)).body).toBe(version);
				expect(restartLines(cli), cli.all.join('\n')).toHaveLength(edit + 1);
			}
			expect(changeLines(cli)).toEqual(['[devtui] change: mysite/views.py (changed)', '[devtui] change: mysite/views.py (changed)']);
			expect(cli.lines(/feedback loop|held/)).toEqual([]);
		},
		DJANGO_TIMEOUT,
	);

	it(
		'adds --noreload to runserver, says so once, and its autoreloader never starts',
		async () => {
			const dir = await djangoProject();
			const port = await freePort();
			const cli = start(['--', SYSTEM_PYTHON, 'manage.py', 'runserver', String(port)], dir);
			await served(port, 'v0', cli);
			expect(cli.lines(/^\[devtui\] django runserver runs Django's autoreloader/)).toHaveLength(1);
			expect(cli.lines(/^\[devtui\] started pid \d+: .* runserver \d+ --noreload$/)).toHaveLength(1);
			// Django prints this as its reloader starts, before the server does.
			expect(cli.lines(/Watching for file changes/)).toEqual([]);
		},
		TIMEOUT,
	);
});

describe.skipIf(!hasModule('flask'))('Flask in debug mode', () => {
	it(
		'runs without Werkzeug’s reloader, so a broken save leaves the old app serving',
		async () => {
			const dir = tempDir();
			const app = (version: string, broken = false) =>
				`from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/")\ndef root(${broken ? '' : ')'}:\n    return "${version}"\n`;
			writeFileSync(path.join(dir, 'app.py'), app('fl1'));
			const port = await freePort();
			const cli = start(['--', SYSTEM_PYTHON, '-m', 'flask', '--app', 'app', '--debug', 'run', '--port', String(port)], dir);
			await served(port, 'fl1', cli);
			expect(cli.lines(/^\[devtui\] flask debug mode runs Werkzeug's reloader.*FLASK_RUN_RELOAD=false/)).toHaveLength(1);
			// The reloader prints this as it starts, before its child serves.
			expect(cli.lines(/Restarting with/)).toEqual([]);
			expect(cli.lines(/Debug mode: on/)).toHaveLength(1);

			writeFileSync(path.join(dir, 'app.py'), app('fl2', true));
			await cli.waitForLine(/^\[devtui\] check failed: .*the running app keeps serving/, {timeout: TIMEOUT});
			for (let request = 0; request < 5; request++) expect(await get(port)).toEqual({status: 200, body: 'fl1'});
			expect(cli.lines(/Detected change in/)).toEqual([]);

			writeFileSync(path.join(dir, 'app.py'), app('fl3'));
			await served(port, 'fl3', cli);
		},
		TIMEOUT,
	);
});

describe.skipIf(!hasModule('flask'))('a reloader the command does not show', () => {
	it(
		"is named once, from the line it prints (Werkzeug's, started by app.run(debug=True))",
		async () => {
			const dir = tempDir();
			const port = await freePort();
			writeFileSync(
				path.join(dir, 'app.py'),
				`from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/")\ndef root():\n    return "ok"\n\n\napp.run(debug=True, port=${port})\n`,
			);
			const cli = start(['--', SYSTEM_PYTHON, 'app.py'], dir);
			await served(port, 'ok', cli);
			await cli.waitForLine(/^\[devtui\] Werkzeug's reloader is running .*use_reloader=False/, {timeout: TIMEOUT});
			// Its child prints the banner again; devtui said it once.
			expect(cli.lines(/^\[devtui\] Werkzeug's reloader/)).toHaveLength(1);
		},
		TIMEOUT,
	);
});

describe.skipIf(!hasModule('uvicorn'))('uvicorn --reload', () => {
	it(
		'is named once, with the flag to drop, and left running (it is on the command line)',
		async () => {
			const dir = tempDir();
			const port = await freePort();
			writeFileSync(
				path.join(dir, 'main.py'),
				`async def app(scope, receive, send):\n    if scope["type"] != "http":\n        return\n    await send({"type": "http.response.start", "status": 200, "headers": []})\n    await send({"type": "http.response.body", "body": b"uv"})\n`,
			);
			const cli = start(['--', SYSTEM_PYTHON, '-m', 'uvicorn', 'main:app', '--reload', '--port', String(port)], dir);
			await served(port, 'uv', cli);
			await cli.waitForLine(/Started reloader process/, {timeout: TIMEOUT});
			expect(cli.lines(/^\[devtui\] uvicorn/)).toEqual([
				"[devtui] uvicorn --reload runs uvicorn's own reloader, which reloads a broken save by itself: drop --reload and devtui restarts the app instead",
			]);
			expect(cli.lines(/^\[devtui\] started pid \d+: .* --reload --port \d+$/)).toHaveLength(1);
			// A broken save: devtui keeps the app, and does not pretend the old code is what serves.
			await cli.waitForLine(/watching/, {timeout: TIMEOUT});
			writeFileSync(path.join(dir, 'main.py'), 'async def app(:\n');
			await cli.waitForLine(/check failed: python compile/, {timeout: TIMEOUT});
			expect(cli.lines(/check failed/)[0]).toMatch(/devtui keeps the app running, but uvicorn's own reloader may have loaded the broken code/);
		},
		TIMEOUT,
	);
});
