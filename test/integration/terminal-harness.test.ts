import {readFileSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {isAlive} from '../helpers/process-alive.js';
import {startTerminal, type Terminal} from '../helpers/terminal.js';
import {waitFor} from '../helpers/wait-for.js';

const node = process.execPath;

/** The parent pid from /proc: the pane's parent is its tmux server. */
const parentOf = (pid: number): number => {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

/** Prints what the program sees of its terminal, again on every resize. */
const SHOW_TERMINAL = `
const show = () => console.log('tty=' + process.stdout.isTTY + ' stdin-tty=' + process.stdin.isTTY
	+ ' size=' + process.stdout.columns + 'x' + process.stdout.rows
	+ ' ci=' + (process.env.CI ?? 'unset') + ' extra=' + (process.env.DEVTUI_EXTRA ?? 'unset'));
show();
console.log('cwd=' + process.cwd());
process.stdout.on('resize', show);
setInterval(() => {}, 1000);
`;

/** Raw mode, like Ink: appends every byte it receives to a file, as JSON strings, one per read. */
const RECORD_KEYS = `
const fs = require('node:fs');
process.stdin.setRawMode(true);
process.stdin.on('data', data => fs.appendFileSync(process.argv[1], JSON.stringify(data.toString('latin1')) + '\\n'));
console.log('recording');
`;

describe('terminal harness (tmux)', () => {
	let dir: string;
	const terminals: Terminal[] = [];
	const start = async (...args: Parameters<typeof startTerminal>) => {
		const terminal = await startTerminal(...args);
		terminals.push(terminal);
		return terminal;
	};

	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'devtui-terminal-harness-'));
	});
	afterEach(async () => {
		await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
	});
	afterAll(async () => {
		if (dir) await rm(dir, {recursive: true, force: true});
	});

	it('gives the program a TTY of the requested size, the cwd and env, without CI, and passes resizes on', async () => {
		// Two at once: private servers keep them apart.
		const [small, large] = await Promise.all([
			start({command: [node, '-e', SHOW_TERMINAL], columns: 73, rows: 19, cwd: dir, env: {CI: 'true', DEVTUI_EXTRA: 'yes'}}),
			start({command: [node, '-e', SHOW_TERMINAL], columns: 120, rows: 40, cwd: dir}),
		]);
		// The cwd line comes last, so once it shows, everything before it does too.
		const screen = await small.waitForScreen(`cwd=${dir}`);
		expect(screen).toContain('tty=true stdin-tty=true size=73x19 ci=unset extra=yes');
		expect(screen.split('\n')).toHaveLength(19);
		expect(await large.waitForScreen('size=')).toContain('size=120x40 ci=unset extra=unset');

		await small.resize(90, 25);
		expect(await small.waitForScreen('size=90x25')).toContain('size=90x25');
		expect([small.columns, small.rows]).toEqual([90, 25]);
	});

	it('types literal text and named keys into a shell read loop', async () => {
		const loop = 'while IFS= read -r line; do echo "you typed <$line>"; done';
		const terminal = await start({command: ['sh', '-c', loop], columns: 60, rows: 10});
		await terminal.sendKeys({text: 'hello; -x $HOME'}, 'Enter');
		await terminal.type('again;');
		await terminal.sendKeys('Enter');
		const screen = await terminal.waitForScreen('you typed <again;>');
		expect(screen).toContain('you typed <hello; -x $HOME>');
	});

	it('delivers named keys as the bytes a terminal sends, in order', async () => {
		const file = path.join(dir, 'keys.txt');
		const terminal = await start({command: [node, '-e', RECORD_KEYS, file], columns: 80, rows: 10});
		await terminal.waitForScreen('recording');
		await terminal.sendKeys({text: 'ab'}, 'Tab', 'BTab', 'Enter', 'Up', 'PageDown', 'Escape', 'C-c', {text: 'z'});
		const expected = 'ab\t\x1b[Z\r\x1b[A\x1b[6~\x1b\x03z';
		const received = async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(line => JSON.parse(line) as string).join('');
		await waitFor(async () => (await received()).length >= expected.length, {message: 'all the keys'}).catch(() => undefined);
		expect(await received()).toBe(expected);
		// Raw mode: C-c is a byte, not SIGINT.
		expect(await terminal.exitStatus()).toBeUndefined();
	});

	it('reports the exit status and keeps the last screen of a program that ended', async () => {
		const terminal = await start({command: ['sh', '-c', 'echo goodbye; exit 3'], columns: 40, rows: 5});
		expect(await terminal.waitForExit()).toEqual({code: 3, signal: null});
		expect(await terminal.waitForScreen('goodbye')).toContain('goodbye');
	});

	it('says what the screen showed when waitForScreen times out', async () => {
		const terminal = await start({command: ['sh', '-c', 'echo visible text; sleep 60'], columns: 40, rows: 5});
		await terminal.waitForScreen('visible');
		await expect(terminal.waitForScreen(/never there/, {timeout: 300})).rejects.toThrow(/never there.*it shows:\nvisible text/s);
	});

	it('closeTerminal() hangs up on the program as closing the window would', async () => {
		const marker = path.join(dir, 'hup.txt');
		const onHup = `process.on('SIGHUP', () => { require('node:fs').writeFileSync(process.argv[1], 'SIGHUP'); process.exit(0); }); console.log('waiting'); setInterval(() => {}, 1000);`;
		const terminal = await start({command: [node, '-e', onHup, marker], columns: 40, rows: 5});
		await terminal.waitForScreen('waiting');
		await terminal.closeTerminal();
		await waitFor(() => !isAlive(terminal.pid()), {message: 'the program to exit'});
		expect(await readFile(marker, 'utf8')).toBe('SIGHUP');
	});

	it('close() leaves no process behind, even one that ignores SIGHUP, and can be called twice', async () => {
		const stubborn = `trap '' HUP; sleep 1000 & echo "child=$!"; wait`;
		const terminal = await start({command: ['sh', '-c', stubborn], columns: 40, rows: 5});
		const child = Number(/child=(\d+)/.exec(await terminal.waitForScreen(/child=\d+/))![1]);
		const server = parentOf(terminal.pid());
		expect([isAlive(terminal.pid()), isAlive(child), isAlive(server)]).toEqual([true, true, true]);
		await terminal.close();
		await terminal.close();
		expect(isAlive(terminal.pid())).toBe(false);
		await waitFor(() => !isAlive(child) && !isAlive(server), {timeout: 5000, message: `the child ${child} and tmux server ${server} to end`});
	}, 20_000);
});
