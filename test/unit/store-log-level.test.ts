// The level of each stderr line, as the log buffer reads it: the shapes Python logging, uvicorn,
// gunicorn, Flask/Werkzeug, Django, Node and npm print (copied from their output), and the
// tracebacks and stacks whose lines follow the line that opened them. The frameworks themselves
// are run for real in test/e2e/framework-log-levels.test.ts.

import {describe, expect, it} from 'vitest';
import {appendLines} from '../../src/store/log-buffer.js';
import type {LogLevel} from '../../src/store/log-level.js';
import type {LogState} from '../../src/store/state.js';

const empty: LogState = {entries: [], nextId: 1, dropped: 0};

const levels = (lines: string[], stream: 'stdout' | 'stderr' = 'stderr', logs = empty): Array<LogLevel | undefined> =>
	appendLines(logs, stream, lines).entries.slice(logs.entries.length).map(entry => entry.level);

const levelOf = (line: string): LogLevel | undefined => levels([line])[0];

describe('the level a stderr line states', () => {
	it('Python logging and uvicorn: the level word first', () => {
		expect(levelOf('INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)')).toBe('info');
		expect(levelOf('WARNING:  Invalid HTTP request received.')).toBe('warn');
		expect(levelOf('ERROR:    Exception in ASGI application')).toBe('error');
		expect(levelOf('WARNING:root:disk almost full')).toBe('warn');
		expect(levelOf('DEBUG:asyncio:Using selector: EpollSelector')).toBe('debug');
		expect(levelOf('CRITICAL:app:cannot reach the database')).toBe('error');
		expect(levelOf('info: listening on 3000')).toBe('info');
	});

	it('gunicorn, hypercorn and Flask: the level in brackets after the time', () => {
		expect(levelOf('[2026-12-03 13:40:33 +0000] [123] [INFO] Starting gunicorn 21.2.0')).toBe('info');
		expect(levelOf('[2026-12-03 13:41:13 +0000] [3120] [CRITICAL] WORKER TIMEOUT (pid:3125)')).toBe('error');
		expect(levelOf('[2026-12-03 13:41:14 +0000] [3120] [WARNING] Worker with pid 3125 was terminated due to signal 9')).toBe('warn');
		expect(levelOf('[2026-12-03 13:46:35,120] ERROR in app: Exception on /boom [GET]')).toBe('error');
		expect(levelOf('[2026-12-03 13:46:35,120] INFO in app: hello')).toBe('info');
		expect(levelOf('[INFO] ready')).toBe('info');
	});

	it('request lines (Werkzeug, Django, uvicorn access): by their status', () => {
		expect(levelOf('127.0.0.1 - - [03/Dec/2026 13:46:33] "GET / HTTP/1.1" 200 -')).toBe('info');
		expect(levelOf('127.0.0.1 - - [03/Dec/2026 13:46:34] "GET /x HTTP/1.1" 304 -')).toBe('info');
		expect(levelOf('127.0.0.1 - - [03/Dec/2026 13:46:34] "GET /favicon.ico HTTP/1.1" 404 -')).toBe('warn');
		expect(levelOf('127.0.0.1 - - [03/Dec/2026 13:46:35] "GET /boom HTTP/1.1" 500 -')).toBe('error');
		expect(levelOf('[03/Dec/2026 13:38:12] "GET /missing HTTP/1.1" 404 2277')).toBe('warn');
		expect(levelOf('[03/Dec/2026 13:38:15] "POST /write HTTP/1.1" 500 59436')).toBe('error');
		// The status wins over uvicorn's INFO: it colours a 500 red itself on a terminal.
		expect(levelOf('INFO:     127.0.0.1:51240 - "GET /items/7 HTTP/1.1" 500 Internal Server Error')).toBe('error');
	});

	it('a Python traceback, down to the exception that ends it', () => {
		expect(
			levels([
				'Internal Server Error: /write',
				'Traceback (most recent call last):',
				'  File "/home/dev/site/shop/views.py", line 9, in write',
				'    raise RuntimeError("disk full")',
				'           ^^^^^^^^^^^^^^^^^^^^^^^^',
				'RuntimeError: disk full',
				'[03/Dec/2026 13:38:15] "POST /write HTTP/1.1" 500 59436',
				'Performing system checks...',
			]),
		).toEqual(['error', 'error', 'error', 'error', 'error', 'error', 'error', undefined]);
		expect(levels(['Traceback (most recent call last):', '  File "x.py", line 1, in <module>', 'KeyboardInterrupt', '  next'])).toEqual([
			'error',
			'error',
			'error',
			undefined,
		]);
		// Chained exceptions, and the exception groups of Python 3.11.
		expect(levels(['', 'During handling of the above exception, another exception occurred:', ''])).toEqual([undefined, 'error', undefined]);
		expect(levelOf('  + Exception Group Traceback (most recent call last):')).toBe('error');
	});

	it('a JavaScript exception and its stack, with the location Node prints above an uncaught one', () => {
		expect(
			levels([
				'file:///home/dev/shop/src/routes/cart.ts:41',
				'    const total = cart.items.reduce((sum, item) => sum + item.price * item.qty, 0);',
				'                             ^',
				'',
				"TypeError: Cannot read properties of undefined (reading 'items')",
				'    at handleCart (file:///home/dev/shop/src/routes/cart.ts:41:30)',
				'Node.js v20.19.0',
			]),
		).toEqual(['error', 'error', 'error', 'error', 'error', 'error', undefined]);
		expect(levelOf('Error [ERR_MODULE_NOT_FOUND]: Cannot find package express')).toBe('error');
		expect(levelOf('json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)')).toBe('error');
	});

	it('warnings, with the source line Python prints under them', () => {
		expect(levels(['(node:4242) ExperimentalWarning: Importing JSON modules is an experimental feature'])).toEqual(['warn']);
		expect(levels(['/app/main.py:3: DeprecationWarning: datetime.utcnow() is deprecated', '  now = datetime.utcnow()'])).toEqual(['warn', 'warn']);
		expect(levelOf('npm WARN deprecated inflight@1.0.6')).toBe('warn');
		expect(levelOf('npm ERR! code ELIFECYCLE')).toBe('error');
		expect(levelOf('npm error code 1')).toBe('error');
	});

	it('upper-case level words near the start, and error words anywhere', () => {
		expect(levelOf('2026-12-03 13:40:33,123 - shop.api - WARNING - slow query')).toBe('warn');
		expect(levelOf('[2026-12-03 13:40:33,123: INFO/MainProcess] Connected to redis://localhost:6379//')).toBe('info');
		expect(levelOf('payment failed with a fatal error')).toBe('error');
	});

	it('no level where the line states none: Werkzeug\'s banner, plain messages', () => {
		expect(levels(['WARNING: This is a development server.', ' * Running on http://127.0.0.1:5000', 'Press CTRL+C to quit'])).toEqual([
			'warn',
			undefined,
			undefined,
		]);
		expect(levelOf('Not Found: /missing')).toBeUndefined();
		expect(levelOf('0 errors, 2 warnings')).toBeUndefined();
		expect(levelOf('{"not":"pino","but":"json"}')).toBeUndefined();
	});

	it("pino's JSON on stderr: its own level", () => {
		expect(levelOf(JSON.stringify({level: 50, time: 1, msg: 'boom'}))).toBe('error');
		expect(levelOf(JSON.stringify({level: 30, time: 1, msg: 'hi'}))).toBe('info');
	});

	it('through ANSI colours, and only for stderr', () => {
		expect(levelOf('\u001B[32mINFO\u001B[0m:     Application startup complete.')).toBe('info');
		expect(levels(['ERROR: x'], 'stdout')).toEqual([undefined]);
	});

	it('a traceback split across two reads is still one traceback', () => {
		const first = appendLines(empty, 'stderr', ['Traceback (most recent call last):', '  File "a.py", line 1']);
		// stdout between the two reads does not end it either.
		const between = appendLines(first, 'stdout', ['progress 50%']);
		expect(levels(['    boom()', 'ValueError: no'], 'stderr', between)).toEqual(['error', 'error']);
		expect(appendLines(between, 'stderr', ['    boom()', 'ValueError: no']).trace).toBeUndefined();
	});
});
