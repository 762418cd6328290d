// Channel: the control socket under abuse from a process that is not the app (this test): garbage,
// a 10 MB line, 10,000 messages a second, a client that connects and never speaks, and a forged
// hello. devtui must stay responsive (a restart still completes quickly) and correct (the app's
// own connection still delivers its phases and readiness).

import {readFileSync} from 'node:fs';
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {fixture} from '../helpers/supervise.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const sockets: net.Socket[] = [];
afterEach(() => {
	for (const socket of sockets.splice(0)) socket.destroy();
});

const connect = async (socketPath: string): Promise<net.Socket> => {
	const socket = net.createConnection(socketPath);
	socket.on('error', () => {});
	sockets.push(socket);
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	return socket;
};

const socketOf = (pid: number): string => {
	const match = /(?:^|\0)DEVTUI_SOCKET=([^\0]+)/.exec(readFileSync(`/proc/${pid}/environ`, 'latin1'));
	if (!match) throw new Error(`pid ${pid} has no DEVTUI_SOCKET`);
	return match[1]!;
};

describe('channel: abuse from a process that is not the app', () => {
	it('garbage, a 10 MB line, a 10,000 msg/s flood, a silent client and a forged hello: restarts stay quick and correct', async () => {
		const run = startJson(['--', process.execPath, fixture('proto-client.mjs')], {cwd: tempDir()});
		await run.waitForEvent('watch/ready');
		await run.waitForOutput(/^UP pid=\d+ restart=0$/);
		const baseline = await run.completed(0);
		const socketPath = socketOf(run.of('run/spawned')[0]!.pid);

		const silent = await connect(socketPath);
		const garbage = await connect(socketPath);
		garbage.write('\u0000\u00ff not json at all }{\n{"type":"nope"}\n[1,2,3]\n');
		const huge = await connect(socketPath);
		huge.write(`{"type":"ready","pad":"${'x'.repeat(10 * 1024 * 1024)}"}\n`);
		const forged = await connect(socketPath);
		forged.write(`${JSON.stringify({type: 'hello', v: 1, pid: process.pid, restart: 0, client: 'forger/1'})}\n`);

		// 10,000 messages a second for 2 s, in 10 ms slices, on one connection that never said hello.
		const flooder = await connect(socketPath);
		const message = `${JSON.stringify({type: 'phase', name: 'forged', event: 'start'})}\n`;
		let sent = 0;
		const floodStart = Date.now();
		while (Date.now() - floodStart < 2000) {
			flooder.write(message.repeat(100));
			sent += 100;
			await new Promise(resolve => setTimeout(resolve, 10));
		}
		const rate = Math.round(sent / ((Date.now() - floodStart) / 1000));

		// Meanwhile devtui must still restart promptly, with the app's real connection intact.
		await waitFor(() => Date.now() - run.of('run/spawned')[0]!.at > 1600);
		run.touch();
		const timeline = await run.completed(1);
		const problems = run.of('channel/problem').map(event => event.message);
		console.log(
			`[reliability] channel/abuse: ${sent} messages at ${rate}/s; restart took ${timeline.totalMs} ms (first start ${baseline.totalMs} ms); ${problems.length} problem line(s): ${problems.join(' | ')}`,
		);
		expect(rate).toBeGreaterThanOrEqual(8000);
		expect(timeline.outcome).toBe('ready');
		expect(timeline.totalMs).toBeLessThan(5000);
		expect(timeline.phases.filter(phase => phase.source === 'app').map(phase => phase.name)).toEqual(['api_server', 'state']);
		expect(run.of('app/ready').at(-1)).toMatchObject({restart: 1, source: 'client'});
		// The forged hello was refused (the app's connection holds the run, or the pid is not the app's).
		expect(problems.some(line => new RegExp(`hello from pid ${process.pid} rejected`).test(line))).toBe(true);
		expect(problems.some(line => /over \d+ bytes was dropped/.test(line))).toBe(true);
		expect(run.of('app/phase').some(event => event.name === 'forged')).toBe(false);
		expect(run.of('app/hello').map(event => event.client)).not.toContain('forger/1');
		// Reported, not flooded: the problem budget holds.
		expect(problems.length).toBeLessThanOrEqual(20);
		expect(silent.destroyed).toBe(false);
	}, 60_000);
});
