// How --listen reaches the app through its command (src/listen/plan-listen.ts): LISTEN_PID where
// it can name the app, left unset behind a launcher that forks, a usage error behind a Node
// process (which passes no inherited descriptor on), and uvicorn's/hypercorn's own socket option.
// The real launchers and servers are in test/integration/listen-launchers.test.ts.

import {describe, expect, it} from 'vitest';
import {ListenError} from '../../src/listen/hold-sockets.js';
import {planListen} from '../../src/listen/plan-listen.js';
import type {ListenAddress} from '../../src/options.js';

const at = (...ports: number[]): ListenAddress[] => ports.map(port => ({host: '127.0.0.1', port, name: String(port)}));
const scripts = (entries: Record<string, string>) => (name: string) => (name === 'package.json' ? JSON.stringify({scripts: entries}) : undefined);
const plan = (command: string[], {listen = at(8000), noPid = false, readFile = scripts({})} = {}) => planListen({command, listen, noPid, readFile});

describe('LISTEN_PID', () => {
	it.each([
		[['node', 'server.js']],
		[['/usr/bin/python3', 'app.py']],
		[['env', 'A=1', 'python3', 'app.py']],
		[['sh', '-c', 'exec python3 app.py']],
		[['./run-something']],
	])('names the spawned process when it is the app (%j)', command => {
		expect(plan(command)).toEqual({command, setPid: true, notices: []});
	});

	it.each([
		[['sh', '-c', 'python3 app.py'], 'sh -c'],
		[['bash', '-c', 'cd api && python3 app.py'], 'bash -c'],
		[['uv', 'run', 'python', 'app.py'], 'uv run'],
		[['env', 'A=1', 'poetry', 'run', 'python', 'app.py'], 'poetry run'],
	])('is left unset behind a launcher that forks (%j), said once', (command, launcher) => {
		const planned = plan(command);
		expect(planned.setPid).toBe(false);
		expect(planned.command).toEqual(command);
		expect(planned.notices).toHaveLength(1);
		expect(planned.notices[0]).toMatch(new RegExp(`^--listen: ${launcher} runs the app as its child, so devtui leaves LISTEN_PID unset .*gunicorn does not: exec it .* --bind fd://3$`));
	});

	it('is left unset on request, silently (--no-listen-pid)', () => {
		expect(plan(['make', 'dev'], {noPid: true})).toEqual({command: ['make', 'dev'], setPid: false, notices: []});
	});
});

describe('behind a Node process', () => {
	const readFile = scripts({dev: 'node server.js --port 3000', api: 'uvicorn main:app', complex: 'node a.js && node b.js', ts: 'tsx src/index.ts'});

	it.each([
		[['npm', 'run', 'dev'], 'npm run dev', "devtui --listen 8000 -- node server.js --port 3000"],
		[['npm', 'run', 'dev', '--', '--verbose'], 'npm run dev', 'devtui --listen 8000 -- node server.js --port 3000 --verbose'],
		[['yarn', 'api'], 'yarn run api', 'devtui --listen 8000 -- uvicorn main:app'],
		[['npx', 'tsx', 'src/index.ts'], 'tsx', 'devtui --listen 8000 -- node --import tsx src/index.ts'],
		[['tsx', 'watch', 'src/index.ts'], 'tsx watch', 'devtui --listen 8000 -- node --import tsx src/index.ts'],
		[['npm', 'run', 'ts'], 'tsx', 'devtui --listen 8000 -- node --import tsx src/index.ts'],
		[['sh', '-c', 'npm run dev'], 'npm run dev', 'devtui --listen 8000 -- node server.js --port 3000'],
	])('%j is a usage error naming the command to run', (command, name, instead) => {
		let error: unknown;
		try {
			plan(command, {readFile});
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ListenError);
		const message = (error as Error).message;
		expect(message.startsWith(`--listen 8000: ${name} runs the app from a Node process, and Node passes no inherited socket on`)).toBe(true);
		expect(message).toContain(`run the app's own command: ${instead} (or drop --listen)`);
	});

	it('says what to do when the script cannot be read', () => {
		expect(() => plan(['npm', 'run', 'complex'], {readFile})).toThrow(/npm runs the app from a Node process.*put the app's own command after --/);
		expect(() => plan(['pnpm', 'dev'], {readFile: scripts({}), listen: at(8000, 9000)})).toThrow(/^--listen 8000 --listen 9000: pnpm runs the app/);
		expect(() => plan(['corepack', 'pnpm', 'dev'])).toThrow(/^--listen 8000: corepack runs the app from a Node process/);
	});
});

describe("the server's own socket option", () => {
	it('adds --fd 3 for uvicorn, however it is started, and says so', () => {
		expect(plan(['python3', '-m', 'uvicorn', 'main:app'])).toEqual({
			command: ['python3', '-m', 'uvicorn', 'main:app', '--fd', '3'],
			setPid: true,
			notices: ["--listen: devtui adds --fd 3 to uvicorn's command, so that it serves on the held socket instead of binding the port, which devtui holds"],
		});
		expect(plan(['uvicorn', 'main:app', '--port', '8000']).command).toEqual(['uvicorn', 'main:app', '--port', '8000', '--fd', '3']);
		const shell = plan(['sh', '-c', 'uvicorn main:app']);
		expect(shell.command).toEqual(['sh', '-c', 'uvicorn main:app --fd 3']);
		expect(shell.notices).toHaveLength(2);
	});

	it('adds one --bind fd:// per socket for hypercorn', () => {
		expect(plan(['hypercorn', 'main:app'], {listen: at(8000, 8001)}).command).toEqual(['hypercorn', 'main:app', '--bind', 'fd://3', '--bind', 'fd://4']);
	});

	it.each([
		[['uvicorn', '--fd', '3', 'main:app']],
		[['uvicorn', '--uds', '/tmp/s', 'main:app']],
		[['uvicorn', 'main:app', '--port=9000']],
		[['hypercorn', '-b', '127.0.0.1:9000', 'main:app']],
		[['hypercorn', '--bind=fd://3', 'main:app']],
		[['gunicorn', 'app:app']],
	])('leaves a command that says where to serve alone: %j', command => {
		expect(plan(command)).toEqual({command, setPid: true, notices: []});
	});

	it('names the option where it cannot add it, and where uvicorn would have to choose', () => {
		expect(plan(['sh', '-c', 'uvicorn main:app', 'name']).notices[1]).toBe("--listen: add --fd 3 to uvicorn's command (sh -c) so that it serves on the held socket");
		expect(plan(['uvicorn', 'main:app'], {listen: at(8000, 8001)}).notices).toEqual(['--listen: uvicorn serves on one socket: add --fd 3 (or another of 3, 4) to its command']);
	});
});
