// The levels the log pane reads from what real Python frameworks write to stderr: Debian's uvicorn
// (FastAPI), Flask's development server, gunicorn and Django's runserver, each run under
// /usr/bin/python3, sent a request that succeeds, one that is not found and one that fails, then
// stopped. Everything they log is on stderr; only the failure may be marked as an error.

import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {appendLines} from '../../src/store/log-buffer.js';
import type {LogEntry} from '../../src/store/state.js';
import {freePort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const PYTHON = '/usr/bin/python3';

interface Run {
	args: string[];
	cwd: string;
	port: number;
	/** The line of stderr that says the failing request was answered. */
	done: RegExp;
}

/** The framework's stderr lines, folded into the log buffer as the dashboard does. */
const stderrOf = async ({args, cwd, port, done}: Run): Promise<LogEntry[]> => {
	const child = spawn(PYTHON, args, {cwd, stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, PYTHONUNBUFFERED: '1', NO_COLOR: '1'}});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const get = (route: string) => fetch(`http://127.0.0.1:${port}${route}`).then(response => response.status, () => undefined);
	try {
		await waitFor(async () => (await get('/')) === 200, {timeout: 20_000, message: () => `${args.join(' ')} to answer; stderr so far:\n${stderr}`});
		expect(await get('/missing')).toBe(404);
		expect(await get('/boom')).toBe(500);
		await waitFor(() => done.test(stderr), {timeout: 10_000, message: () => `the failure in stderr:\n${stderr}`});
	} finally {
		child.kill('SIGTERM');
		if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
	}
	const lines = stderr.replace(/\n$/, '').split('\n');
	return appendLines({entries: [], nextId: 1, dropped: 0}, 'stderr', lines).entries as LogEntry[];
};

const project = (files: Record<string, string>): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-levels-'));
	for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
	return dir;
};

const levelOf = (entries: LogEntry[], text: string | RegExp) => {
	const found = entries.find(entry => (typeof text === 'string' ? entry.text.includes(text) : text.test(entry.text)));
	expect(found, `a line with ${String(text)} in:\n${entries.map(entry => entry.text).join('\n')}`).toBeDefined();
	return found!.level;
};

/** The errors are exactly one traceback block (from its header to the exception) and the lines named. */
const errorsAreOnly = (entries: LogEntry[], header: RegExp, exception: RegExp, also: RegExp[] = []) => {
	const start = entries.findIndex(entry => header.test(entry.text));
	const end = entries.findIndex((entry, index) => index > start && exception.test(entry.text));
	expect(start, 'the error header').toBeGreaterThanOrEqual(0);
	expect(end, 'the exception line').toBeGreaterThan(start);
	const block = entries.slice(start, end + 1);
	expect(block.filter(entry => entry.level !== 'error').map(entry => entry.text)).toEqual([]);
	const outside = [...entries.slice(0, start), ...entries.slice(end + 1)].filter(entry => entry.level === 'error' && !also.some(pattern => pattern.test(entry.text)));
	expect(outside.map(entry => entry.text)).toEqual([]);
};

const FLASK_APP = [
	'from flask import Flask',
	'app = Flask(__name__)',
	"@app.get('/')",
	"def root(): return 'ok'",
	"@app.get('/boom')",
	'def boom(): return str(1 / 0)',
	'',
].join('\n');

describe('the levels of real frameworks’ stderr', () => {
	it('uvicorn (FastAPI): INFO is info, the exception in the app an error', async () => {
		const cwd = project({
			'main.py': [
				'from fastapi import FastAPI',
				'from fastapi.responses import PlainTextResponse',
				'app = FastAPI()',
				"@app.get('/', response_class=PlainTextResponse)",
				"def root(): return 'ok'",
				"@app.get('/boom')",
				"def boom(): return {'item': {}['missing']}",
				'',
			].join('\n'),
		});
		const port = await freePort();
		const entries = await stderrOf({args: ['-m', 'uvicorn', 'main:app', '--port', String(port)], cwd, port, done: /KeyError: 'missing'/});
		for (const entry of entries.filter(item => item.text.startsWith('INFO:'))) expect(entry.level, entry.text).toBe('info');
		expect(levelOf(entries, 'Uvicorn running on')).toBe('info');
		errorsAreOnly(entries, /^ERROR: +Exception in ASGI application/, /^KeyError: 'missing'/);
	});

	it("Flask's development server: its banner, requests by status, the failure's traceback", async () => {
		const cwd = project({'app.py': FLASK_APP});
		const port = await freePort();
		const entries = await stderrOf({args: ['-m', 'flask', '--app', 'app', 'run', '--port', String(port)], cwd, port, done: /"GET \/boom HTTP\/1\.1" 500/});
		expect(levelOf(entries, 'WARNING: This is a development server')).toBe('warn');
		expect(levelOf(entries, '* Running on')).toBeUndefined();
		expect(levelOf(entries, '"GET / HTTP/1.1" 200')).toBe('info');
		expect(levelOf(entries, '"GET /missing HTTP/1.1" 404')).toBe('warn');
		expect(levelOf(entries, '"GET /boom HTTP/1.1" 500')).toBe('error');
		errorsAreOnly(entries, /ERROR in app: Exception on \/boom/, /^ZeroDivisionError/, [/" 500 /]);
	});

	it('gunicorn: its [INFO] lines are info, the app’s exception an error', async () => {
		const cwd = project({'app.py': FLASK_APP});
		const port = await freePort();
		const entries = await stderrOf({args: ['-m', 'gunicorn', '-w', '1', '-b', `127.0.0.1:${port}`, 'app:app'], cwd, port, done: /^ZeroDivisionError/m});
		for (const entry of entries.filter(item => item.text.includes('] [INFO] '))) expect(entry.level, entry.text).toBe('info');
		expect(levelOf(entries, 'Booting worker with pid')).toBe('info');
		errorsAreOnly(entries, /ERROR in app: Exception on \/boom/, /^ZeroDivisionError/);
	});

	it("Django's runserver: requests by status, the 500's traceback", async () => {
		const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-levels-django-'));
		const created = spawn(PYTHON, ['-m', 'django', 'startproject', 'shop', cwd], {stdio: 'ignore'});
		expect((await once(created, 'exit'))[0]).toBe(0);
		writeFileSync(
			path.join(cwd, 'shop', 'urls.py'),
			[
				'from django.http import HttpResponse',
				'from django.urls import path',
				'def root(request): return HttpResponse("ok")',
				'def boom(request): raise RuntimeError("disk full")',
				"urlpatterns = [path('', root), path('boom', boom)]",
				'',
			].join('\n'),
		);
		const port = await freePort();
		const entries = await stderrOf({args: ['manage.py', 'runserver', '--noreload', String(port)], cwd, port, done: /"GET \/boom HTTP\/1\.1" 500/});
		expect(levelOf(entries, '"GET / HTTP/1.1" 200')).toBe('info');
		expect(levelOf(entries, '"GET /missing HTTP/1.1" 404')).toBe('warn');
		expect(levelOf(entries, '"GET /boom HTTP/1.1" 500')).toBe('error');
		errorsAreOnly(entries, /^Internal Server Error: \/boom/, /^RuntimeError: disk full/, [/" 500 /]);
	});
});
