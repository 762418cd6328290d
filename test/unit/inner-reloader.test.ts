import {describe, expect, it} from 'vitest';
import {appendArgument, appendArguments, splitShellWords, viewCommand} from '../../src/frameworks/command-view.js';
import {detectInnerReloader} from '../../src/frameworks/inner-reloader.js';
import {createReloaderLineWatch, matchReloaderLine} from '../../src/frameworks/reloader-output.js';

const files =
	(contents: Record<string, string>) =>
	(name: string): string | undefined =>
		contents[name];

const packageJson = (scripts: Record<string, string>) => files({'package.json': JSON.stringify({scripts})});

const detect = (command: string[], env: Record<string, string> = {}, readFile = files({})) => detectInnerReloader({command, env, readFile});

describe('viewCommand', () => {
	it.each([
		[['flask', 'run'], 'flask', ['run']],
		[['/usr/bin/python3', '-m', 'flask', '--debug', 'run'], 'flask', ['--debug', 'run']],
		[['python3', '-W', 'ignore', '-u', 'manage.py', 'runserver'], 'manage.py', ['runserver']],
		[['.venv/bin/python', '-mdjango', 'runserver'], 'django', ['runserver']],
		[['./manage.py', 'runserver', '8000'], 'manage.py', ['runserver', '8000']],
		[['env', 'FLASK_DEBUG=1', 'flask', 'run'], 'flask', ['run']],
		[['sh', '-c', "FLASK_DEBUG=1 flask --app 'my app' run"], 'flask', ['--app', 'my app', 'run']],
		[['npx', '--yes', 'nodemon', 'server.js'], 'nodemon', ['server.js']],
		[['uv', 'run', 'uvicorn', 'main:app', '--reload'], 'uvicorn', ['main:app', '--reload']],
		[['poetry', 'run', 'python', 'manage.py', 'runserver'], 'manage.py', ['runserver']],
		[['sh', '-c', 'exec python3 manage.py runserver'], 'manage.py', ['runserver']],
	])('sees %j as %s %j', (command, program, args) => {
		expect(viewCommand(command)).toMatchObject({program, args});
	});

	it('reads npm scripts from package.json, with the arguments after --', () => {
		const readFile = packageJson({dev: 'python3 manage.py runserver 0.0.0.0:8000', start: 'node --watch server.js'});
		expect(viewCommand(['npm', 'run', 'dev', '--', '--verbosity', '2'], readFile)).toMatchObject({
			program: 'manage.py',
			args: ['runserver', '0.0.0.0:8000', '--verbosity', '2'],
			via: ['npm run dev'],
		});
		expect(viewCommand(['npm', 'start'], readFile)).toMatchObject({program: 'node', args: ['--watch', 'server.js']});
		expect(viewCommand(['yarn', 'dev'], readFile)).toMatchObject({program: 'manage.py', appendVia: {kind: 'none'}});
	});

	it('names each wrapper by its program, with the words it runs', () => {
		const readFile = packageJson({dev: "sh -c 'exec node server.js'"});
		expect(viewCommand(['npm', 'run', 'dev', '--', '-v'], readFile)?.wrappers).toEqual([
			{program: 'npm', runs: ['sh', '-c', 'exec node server.js', '-v']},
			{program: 'sh', runs: ['exec', 'node', 'server.js']},
			{program: 'exec', runs: ['node', 'server.js']},
		]);
		expect(viewCommand(['env', 'A=1', 'uv', 'run', 'flask', 'run'])?.wrappers.map(wrapper => wrapper.program)).toEqual(['env', 'uv']);
		expect(viewCommand(['node', 'server.js'])?.wrappers).toEqual([]);
		// `exec -a name` changes more than the process image: left alone.
		expect(viewCommand(['sh', '-c', 'exec -a x node server.js'])).toBeUndefined();
	});

	it('sets the variables a script assigns before its command', () => {
		expect(viewCommand(['npm', 'run', 'dev'], packageJson({dev: 'FLASK_DEBUG=1 flask run'}))?.env).toEqual({FLASK_DEBUG: '1'});
	});

	it.each([
		[['sh', '-c', 'cd src && flask run']],
		[['sh', '-c', 'flask run | tee log']],
		[['sh', '-c', 'flask run --port $PORT']],
		[['python3', '-c', 'import app']],
		[['npm', 'run', 'missing']],
		[['env', '-i', 'flask', 'run']],
	])('does not guess at %j', command => {
		expect(viewCommand(command, packageJson({}))).toBeUndefined();
	});

	it('splits simple shell words, quotes included, and refuses the rest', () => {
		expect(splitShellWords(`a 'b c' "d e"f`)).toEqual(['a', 'b c', 'd ef']);
		expect(splitShellWords('a; b')).toBeUndefined();
		expect(splitShellWords('"$HOME"')).toBeUndefined();
		expect(splitShellWords('  ')).toBeUndefined();
	});

	it('appends an argument where it reaches the program', () => {
		const readFile = packageJson({dev: 'python3 manage.py runserver'});
		const append = (command: string[]) => appendArgument(command, viewCommand(command, readFile)!, '--noreload');
		expect(append(['python3', 'manage.py', 'runserver'])).toEqual(['python3', 'manage.py', 'runserver', '--noreload']);
		expect(append(['sh', '-c', 'python3 manage.py runserver'])).toEqual(['sh', '-c', 'python3 manage.py runserver --noreload']);
		expect(append(['npm', 'run', 'dev'])).toEqual(['npm', 'run', 'dev', '--', '--noreload']);
		expect(append(['npm', 'run', 'dev', '--', '8001'])).toEqual(['npm', 'run', 'dev', '--', '8001', '--noreload']);
		expect(append(['sh', '-c', 'python3 manage.py runserver', 'name'])).toBeUndefined();
		expect(append(['yarn', 'dev'])).toBeUndefined();
	});

	it('appends several words the same way', () => {
		const readFile = packageJson({dev: 'uvicorn main:app'});
		const append = (command: string[]) => appendArguments(command, viewCommand(command, readFile)!, ['--fd', '3']);
		expect(append(['uvicorn', 'main:app'])).toEqual(['uvicorn', 'main:app', '--fd', '3']);
		expect(append(['sh', '-c', 'uvicorn main:app'])).toEqual(['sh', '-c', 'uvicorn main:app --fd 3']);
		expect(append(['npm', 'run', 'dev'])).toEqual(['npm', 'run', 'dev', '--', '--fd', '3']);
	});
});

describe('detectInnerReloader', () => {
	describe('Django', () => {
		it('adds --noreload to runserver, however it is started', () => {
			for (const command of [
				['/usr/bin/python3', 'manage.py', 'runserver', '8000'],
				['django-admin', 'runserver'],
				['python3', '-m', 'django', 'runserver_plus'],
			]) {
				expect(detect(command)).toMatchObject({framework: 'django', action: {kind: 'argument', argument: '--noreload', command: [...command, '--noreload']}, stillActive: false});
			}
			expect(detect(['python3', 'manage.py', 'runserver'])?.message).toMatch(/--noreload/);
		});

		it('leaves runserver --noreload and other commands alone', () => {
			expect(detect(['python3', 'manage.py', 'runserver', '--noreload'])).toBeUndefined();
			expect(detect(['python3', 'manage.py', 'migrate'])).toBeUndefined();
			expect(detect(['python3', 'manage.py', 'shell', 'runserver'])).toBeUndefined();
		});

		it('only advises where the argument would not reach runserver', () => {
			expect(detect(['yarn', 'dev'], {}, packageJson({dev: 'python manage.py runserver'}))).toMatchObject({
				framework: 'django',
				action: {kind: 'advice'},
				stillActive: true,
				message: expect.stringContaining('add --noreload'),
			});
		});
	});

	describe('Flask', () => {
		const off = {framework: 'flask', action: {kind: 'env', env: {FLASK_RUN_RELOAD: 'false'}}, stillActive: false};

		it('turns the reloader of debug mode off with FLASK_RUN_RELOAD=false', () => {
			expect(detect(['flask', '--app', 'app', '--debug', 'run'])).toMatchObject(off);
			expect(detect(['flask', 'run', '--debug'])).toMatchObject(off); // Flask 2.3 takes it there too.
			expect(detect(['flask', 'run'], {FLASK_DEBUG: '1'})).toMatchObject(off);
			expect(detect(['flask', 'run'], {FLASK_ENV: 'development'})).toMatchObject(off);
			expect(detect(['env', 'FLASK_DEBUG=true', 'flask', 'run'])).toMatchObject(off);
			expect(detect(['flask', 'run'], {}, files({'.flaskenv': 'FLASK_APP=app\nFLASK_DEBUG=1\n'}))).toMatchObject(off);
			expect(detect(['flask', 'run'], {FLASK_RUN_RELOAD: 'yes'})).toMatchObject(off);
			expect(detect(['flask', '--debug', 'run'])?.message).toMatch(/FLASK_RUN_RELOAD=false/);
		});

		it('leaves Flask alone without debug mode, or with the reloader off', () => {
			expect(detect(['flask', 'run'])).toBeUndefined();
			expect(detect(['flask', 'run'], {FLASK_DEBUG: '0'})).toBeUndefined();
			expect(detect(['flask', '--debug', 'run', '--no-reload'])).toBeUndefined();
			expect(detect(['flask', '--debug', 'run'], {FLASK_RUN_RELOAD: 'false'})).toBeUndefined();
			expect(detect(['flask', '--debug', 'routes'])).toBeUndefined();
			expect(detect(['python3', 'app.py'], {FLASK_DEBUG: '1'})).toBeUndefined();
		});

		it('only names the flag when the command line asks for the reloader', () => {
			expect(detect(['flask', 'run', '--reload'])).toMatchObject({framework: 'flask', action: {kind: 'advice'}, stillActive: true, message: expect.stringContaining('drop --reload')});
			expect(detect(['env', 'FLASK_RUN_RELOAD=1', 'flask', '--debug', 'run'])).toMatchObject({action: {kind: 'advice'}, message: expect.stringContaining('FLASK_RUN_RELOAD=false')});
		});
	});

	describe('uvicorn, gunicorn, hypercorn', () => {
		it('only advises for --reload on the command line (the command line wins over UVICORN_RELOAD)', () => {
			expect(detect(['uvicorn', 'main:app', '--reload'])).toMatchObject({framework: 'uvicorn', action: {kind: 'advice'}, stillActive: true, message: expect.stringContaining('drop --reload')});
			expect(detect(['python3', '-m', 'uvicorn', '--reload', 'main:app'], {UVICORN_RELOAD: 'false'})).toMatchObject({action: {kind: 'advice'}});
			expect(detect(['gunicorn', '--reload', 'app:app'])).toMatchObject({framework: 'gunicorn', action: {kind: 'advice'}});
			expect(detect(['hypercorn', 'main:app', '--reload'])).toMatchObject({framework: 'hypercorn', action: {kind: 'advice'}});
		});

		it('turns off a reloader switched on from the environment', () => {
			expect(detect(['uvicorn', 'main:app'], {UVICORN_RELOAD: 'true'})).toMatchObject({action: {kind: 'env', env: {UVICORN_RELOAD: 'false'}}, stillActive: false});
			expect(detect(['gunicorn', 'app:app'], {GUNICORN_CMD_ARGS: '--workers 2 --reload --bind :8000'})).toMatchObject({
				action: {kind: 'env', env: {GUNICORN_CMD_ARGS: '--workers 2 --bind :8000'}},
			});
		});

		it('leaves them alone without a reloader', () => {
			expect(detect(['uvicorn', 'main:app'])).toBeUndefined();
			expect(detect(['uvicorn', 'main:app'], {UVICORN_RELOAD: 'false'})).toBeUndefined();
			expect(detect(['gunicorn', 'app:app', '--reload-engine', 'poll'])).toBeUndefined();
			expect(detect(['hypercorn', 'main:app'])).toBeUndefined();
		});
	});

	describe('Node', () => {
		it('names the reloaders of nodemon, node --watch and tsx watch, and the command to run instead', () => {
			expect(detect(['npx', 'nodemon', '--ext', 'js,json', 'server.js', '--port', '3'])).toMatchObject({
				framework: 'nodemon',
				action: {kind: 'advice'},
				message: expect.stringContaining('devtui -- node server.js --port 3'),
			});
			expect(detect(['nodemon', '--exec', 'python3 app.py'])?.message).toContain('devtui -- python3 app.py');
			expect(detect(['node', '--watch', 'server.js'])).toMatchObject({framework: 'node --watch', message: expect.stringContaining('drop --watch')});
			expect(detect(['node', '--watch-path=src', 'server.js'])?.message).toContain('drop --watch-path');
			expect(detect(['npx', 'tsx', 'watch', 'src/index.ts'])).toMatchObject({framework: 'tsx watch', message: expect.stringContaining('`tsx src/index.ts`')});
			expect(detect(['npm', 'run', 'dev'], {}, packageJson({dev: 'tsx watch src/index.ts'}))).toMatchObject({framework: 'tsx watch'});
		});

		it('leaves plain node and tsx alone, and an app argument called --watch', () => {
			expect(detect(['node', 'server.js'])).toBeUndefined();
			expect(detect(['node', 'server.js', '--watch'])).toBeUndefined();
			expect(detect(['tsx', 'src/index.ts'])).toBeUndefined();
		});
	});
});

describe('reloader output lines', () => {
	// As the reloaders print them (Debian's Flask 2.2 / Django 3.2 / uvicorn 0.17.6, gunicorn 20.1).
	it.each([
		[' * Restarting with stat', 'werkzeug'],
		[' * Restarting with watchdog (inotify)', 'werkzeug'],
		[" * Detected change in '/srv/app/app.py', reloading", 'werkzeug'],
		['Watching for file changes with StatReloader', 'django'],
		['/srv/mysite/mysite/views.py changed, reloading.', 'django'],
		["INFO:     Will watch for changes in these directories: ['/srv/app']", 'uvicorn'],
		['\u001B[32mINFO\u001B[0m:     Started reloader process [\u001B[36m\u001B[1m4242\u001B[0m] using \u001B[36m\u001B[1mstatreload\u001B[0m', 'uvicorn'],
		["WARNING:  WatchFiles detected changes in 'main.py'. Reloading...", 'uvicorn'],
		['[2026-12-04 14:00:00 +0000] [42] [INFO] Worker reloading: /srv/app/app.py modified', 'gunicorn'],
		['\u001B[32m[nodemon] starting `node server.js`\u001B[39m', 'nodemon'],
		["Restarting 'server.js'", 'node --watch'],
		['2:34:05 PM [tsx] change in ./src/index.ts Restarting...', 'tsx watch'],
	])('sees %j as %s', (line, framework) => {
		expect(matchReloaderLine(line)?.framework).toBe(framework);
	});

	it.each(['Restarting the worker pool', 'INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)', 'Starting development server at http://127.0.0.1:8000/', ' * Debugger is active!', 'config changed, reloading soon'])(
		'ignores %j',
		line => {
			expect(matchReloaderLine(line)).toBeUndefined();
		},
	);

	it('says each reloader once, and nothing more about one the command showed', () => {
		const watch = createReloaderLineWatch();
		expect(watch(' * Restarting with stat')?.framework).toBe('werkzeug');
		expect(watch(' * Restarting with stat')).toBeUndefined();
		expect(watch('Watching for file changes with StatReloader')?.framework).toBe('django');

		const advised = createReloaderLineWatch({known: {framework: 'uvicorn', stillActive: true}});
		expect(advised('INFO:     Started reloader process [1] using statreload')).toBeUndefined();
	});

	it('says so when a reloader devtui turned off is running anyway', () => {
		const watch = createReloaderLineWatch({known: {framework: 'flask', stillActive: false}});
		expect(watch(' * Restarting with stat')?.message).toMatch(/did not take/);
	});
});
