// The stack dashboard end to end in a real pseudo-terminal (tmux): mountStackDashboard over a real
// three-service stack (test/fixtures/apps/stack-dashboard.mjs: a real Session per service), real
// file edits and real key presses, checking the screen and what happened to each process.

import {cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {isAlive} from '../helpers/process-alive.js';
import {fixture} from '../helpers/supervise.js';
import {startTerminal, type Terminal} from '../helpers/terminal.js';
import {waitFor} from '../helpers/wait-for.js';

const SERVICES = ['queue', 'api', 'web'] as const;
type Service = (typeof SERVICES)[number];

const terminals: Terminal[] = [];
afterEach(async () => {
	await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
});

const project = (): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-stack-e2e-'));
	for (const service of SERVICES) {
		mkdirSync(path.join(dir, service));
		cpSync(fixture('ready.mjs'), path.join(dir, service, 'app.mjs'));
	}
	return dir;
};

const edit = (cwd: string, service: Service) => {
	const file = path.join(cwd, service, 'app.mjs');
	writeFileSync(file, `${readFileSync(file, 'utf8')}// edit\n`);
};

interface Row {
	status: string;
	pid: number;
	restarts: number;
}

// A service's row in the services pane: "› ● api    ready      4119 ↻2   981 ms".
const rowOf = (screen: string, service: Service): Row | undefined => {
	const match = new RegExp(`[●○] ${service} +(\\w+)(?: \\+\\d+)? +(\\d+) ↻(\\d+)`).exec(screen);
	return match ? {status: match[1]!, pid: Number(match[2]), restarts: Number(match[3])} : undefined;
};

const waitForRow = async (terminal: Terminal, service: Service, wanted: (row: Row) => boolean, what: string): Promise<Row> => {
	let found: Row | undefined;
	let screen = '';
	await waitFor(
		async () => {
			screen = await terminal.screen();
			found = rowOf(screen, service);
			return found !== undefined && wanted(found);
		},
		{timeout: 20_000, message: () => `${service} ${what}:\n${screen}`},
	);
	return found!;
};

const ready = (restarts: number) => (row: Row) => row.status === 'ready' && row.restarts === restarts;

describe('the stack dashboard in a real terminal', () => {
	it('shows each service, restarts only the one whose files changed, and sends r k p R P to the focused service or all', async () => {
		const cwd = project();
		const terminal = await startTerminal({command: [process.execPath, fixture('stack-dashboard.mjs'), cwd], cwd, columns: 100, rows: 30});
		terminals.push(terminal);
		await terminal.waitForScreen(/3 services · 3 ready/, {timeout: 20_000});
		const first = Object.fromEntries(await Promise.all(SERVICES.map(async service => [service, await waitForRow(terminal, service, ready(0), 'ready')]))) as Record<Service, Row>;
		// web waited for api: the log says so under its name.
		expect(await terminal.screen()).toMatch(/^web +◌ waits for api ready/m);
		expect(await terminal.screen()).toContain('› queue ready');

		// A save under api restarts api only.
		await terminal.sendKeys({text: ']'});
		await terminal.waitForScreen(/› api ready/);
		edit(cwd, 'api');
		const api1 = await waitForRow(terminal, 'api', ready(1), 'restarted after its change');
		expect(api1.pid).not.toBe(first.api.pid);
		await waitFor(() => !isAlive(first.api.pid), {message: 'the old api to be gone'});
		await terminal.waitForScreen(/Restart #1 · change → ready/);
		for (const service of ['queue', 'web'] as const) {
			expect(rowOf(await terminal.screen(), service)).toEqual(first[service]);
			expect(isAlive(first[service].pid)).toBe(true);
		}

		// 3 focuses web; r restarts it, k kills it, r starts it again.
		await terminal.sendKeys({text: '3'});
		await terminal.waitForScreen(/› web ready/);
		await terminal.sendKeys({text: 'r'});
		const web1 = await waitForRow(terminal, 'web', ready(1), 'restarted by r');
		expect(isAlive(first.web.pid)).toBe(false);
		expect(rowOf(await terminal.screen(), 'api')).toEqual(api1);
		await terminal.sendKeys({text: 'k'});
		await waitForRow(terminal, 'web', row => row.status === 'exited', 'killed by k');
		await waitFor(() => !isAlive(web1.pid), {message: 'the killed web to be gone'});
		await terminal.sendKeys({text: 'r'});
		await waitForRow(terminal, 'web', ready(2), 'started again by r');

		// R restarts every service.
		await terminal.sendKeys({text: 'R'});
		await waitForRow(terminal, 'queue', ready(1), 'restarted by R');
		await waitForRow(terminal, 'api', ready(2), 'restarted by R');
		await waitForRow(terminal, 'web', ready(3), 'restarted by R');

		// P holds them all: a change waits; P again releases it.
		await terminal.sendKeys({text: 'P'});
		await terminal.waitForScreen(/3 services · 3 held/);
		edit(cwd, 'queue');
		await terminal.waitForScreen(/● queue +held \+1/);
		const held = rowOf(await terminal.screen(), 'queue')!;
		expect(isAlive(held.pid)).toBe(true);
		await terminal.sendKeys({text: 'P'});
		await waitForRow(terminal, 'queue', ready(2), 'restarted once released');

		// l: only the focused service's lines, then every service's again.
		await terminal.sendKeys({text: 'l'});
		await terminal.waitForScreen(/─ Logs · only web/);
		expect(await terminal.screen()).not.toMatch(/^(queue|api) /m);
		await terminal.sendKeys({text: 'l'});
		await terminal.waitForScreen(/^queue /m);

		// p holds the focused service only.
		await terminal.sendKeys({text: 'p'});
		await waitForRow(terminal, 'web', row => row.status === 'held', 'held by p');
		expect(rowOf(await terminal.screen(), 'api')!.status).toBe('ready');
		await terminal.sendKeys({text: 'p'});
		await waitForRow(terminal, 'web', row => row.status === 'ready', 'released by p');

		await terminal.sendKeys({text: '?'});
		await terminal.waitForScreen(/restart every service, in dependency order/);
		await terminal.sendKeys('Escape');
		await terminal.waitForScreen(/─ Services/);

		const pids = await Promise.all(SERVICES.map(async service => rowOf(await terminal.screen(), service)!.pid));
		await terminal.sendKeys({text: 'q'});
		const status = await terminal.waitForExit({timeout: 20_000});
		expect(status.code).toBe(0);
		for (const pid of pids) await waitFor(() => !isAlive(pid), {message: `pid ${pid} to be gone after quitting`});
	}, 120_000);
});
