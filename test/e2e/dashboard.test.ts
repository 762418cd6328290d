// The dashboard end to end in a real pseudo-terminal (tmux): devtui on a fixture app, real file
// edits and real key presses, checking both the screen and what happened to the processes.

import {cpSync, mkdtempSync, writeFileSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {isAlive, pidsIn} from '../helpers/process-alive.js';
import {cliPath} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';
import {startTerminal, type Terminal} from '../helpers/terminal.js';
import {waitFor} from '../helpers/wait-for.js';

const terminals: Terminal[] = [];
afterEach(async () => {
	await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
});

const project = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-e2e-'));
	cpSync(fixture('ready.mjs'), path.join(dir, 'app.mjs'));
	return dir;
};

const open = async (cwd: string, args: string[] = []): Promise<Terminal> => {
	const terminal = await startTerminal({command: [process.execPath, cliPath, ...args, '--', 'node', 'app.mjs'], cwd, columns: 100, rows: 30});
	terminals.push(terminal);
	return terminal;
};

const edit = (cwd: string) => writeFileSync(path.join(cwd, 'app.mjs'), `${readFileSync(path.join(cwd, 'app.mjs'), 'utf8')}// edit\n`);

// The pid in the newest READY line on screen with this restart number.
const readyPid = async (terminal: Terminal, restart: number): Promise<number> => {
	const screen = await terminal.waitForScreen(new RegExp(`READY pid=\\d+ restart=${restart}\\b`), {timeout: 15_000});
	const line = screen.split('\n').findLast(row => row.includes(`restart=${restart} `) || row.endsWith(`restart=${restart}`))!;
	return pidsIn(line)[0]!;
};

describe('the dashboard in a real terminal', () => {
	it('restarts on a change and on r, holds with p, kills with k, shows help and filters, and quits with q', async () => {
		const cwd = project();
		const terminal = await open(cwd);
		await terminal.waitForScreen(/ready/);
		const first = await readyPid(terminal, 0);
		await terminal.waitForScreen(/watching/);

		edit(cwd);
		await terminal.waitForScreen(/Restart #1/);
		const second = await readyPid(terminal, 1);
		expect(isAlive(first)).toBe(false);
		expect(await terminal.screen()).toMatch(/~ app\.mjs/);

		await terminal.sendKeys({text: 'r'});
		await terminal.waitForScreen(/Restart #2/);
		const third = await readyPid(terminal, 2);
		expect(isAlive(second)).toBe(false);

		// p holds: a change is listed as pending and restarts nothing until p again.
		await terminal.sendKeys({text: 'p'});
		await terminal.waitForScreen(/held/);
		edit(cwd);
		await terminal.waitForScreen(/Held · 1 change pending/);
		expect(isAlive(third)).toBe(true);
		await terminal.sendKeys({text: 'p'});
		await terminal.waitForScreen(/Restart #3/);
		const fourth = await readyPid(terminal, 3);
		expect(isAlive(third)).toBe(false);

		// k kills the running app and nothing starts after it.
		await terminal.sendKeys({text: 'k'});
		await terminal.waitForScreen(/Stopped/);
		await waitFor(() => !isAlive(fourth), {message: 'the killed app to be gone'});
		expect(await terminal.screen()).toMatch(/exited/);
		await terminal.sendKeys({text: 'r'});
		await readyPid(terminal, 4);

		await terminal.sendKeys({text: '?'});
		await terminal.waitForScreen(/force-kill the app now/);
		await terminal.sendKeys('Escape');
		await waitFor(async () => !(await terminal.screen()).includes('force-kill the app now'), {message: 'the help to close'});

		await terminal.sendKeys({text: '/'}, {text: 'restart=2'}, 'Enter');
		await waitFor(async () => {
			const screen = await terminal.screen();
			return screen.includes('restart=2') && !screen.includes('restart=3') && !screen.includes('restart=4');
		}, {message: () => 'the log filter to apply', timeout: 5000}).catch(async error => {
			console.log(await terminal.screen());
			throw error;
		});
		await terminal.sendKeys({text: '/'}, 'Escape');

		const last = await readyPid(terminal, 4);
		await terminal.sendKeys({text: 'q'});
		expect(await terminal.waitForExit({timeout: 15_000})).toEqual({code: 0, signal: null});
		expect(isAlive(last)).toBe(false);
	});

	it('wraps long lines over the whole width of an app without state, cuts them with w, and marks stderr by level', async () => {
		const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-e2e-wrap-'));
		const long = `${'word '.repeat(30)}END-OF-THE-LINE`;
		writeFileSync(
			path.join(cwd, 'app.mjs'),
			[
				`console.log(${JSON.stringify(`OUT ${long}`)});`,
				`console.error('INFO: started fine');`,
				`console.error('ERROR: something broke');`,
				'setInterval(() => {}, 1000);',
				"process.on('SIGTERM', () => process.exit(0));",
			].join('\n'),
		);
		const terminal = await open(cwd);
		// 100 columns, no state pane: the line wraps after about 99 columns and reads whole.
		const screen = await terminal.waitForScreen(/END-OF-THE-LINE/);
		expect(screen).not.toContain('─ State');
		const rows = screen.split('\n');
		const first = rows.findIndex(row => row.includes('OUT word'));
		expect(`${rows[first]!.trim()} ${rows[first + 1]!.trim()}`).toBe(`OUT ${long}`);
		// INFO on stderr is not an error: a gray mark; ERROR a red one.
		const colours = (await terminal.screen({ansi: true})).split('\n');
		const mark = (text: string) => /\u001B\[(\d+)m┃/.exec(colours.find(row => row.includes(text)) ?? '')?.[1];
		expect(mark('INFO: started fine')).toBe('90');
		expect(mark('ERROR: something broke')).toBe('31');

		await terminal.sendKeys({text: 'w'});
		await terminal.waitForScreen(/lines cut/);
		const cut = await terminal.screen();
		expect(cut).not.toContain('END-OF-THE-LINE');
		expect(cut).toMatch(/OUT word .*…/);
		await terminal.sendKeys({text: 'q'});
		expect(await terminal.waitForExit({timeout: 15_000})).toEqual({code: 0, signal: null});
	});

	it('closing the terminal stops the app within 2 s', async () => {
		const cwd = project();
		const terminal = await open(cwd);
		const pid = await readyPid(terminal, 0);
		await terminal.closeTerminal();
		const closedAt = Date.now();
		await waitFor(() => !isAlive(pid), {timeout: 5000, message: 'the app to stop with its terminal'});
		expect(Date.now() - closedAt).toBeLessThan(2000);
	});
});
