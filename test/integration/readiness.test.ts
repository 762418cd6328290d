// devtui's own readiness, end to end: the built CLI with real apps that bind late, a client app
// that says ready after its port is open, an app that never listens, and an app slower than the
// threshold. Boot times must be at least what the apps really took; devtui must never claim one it
// did not see.

import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, freePort, startJson, tempDir, trackRun} from '../fixtures/apps/proto-json-run.js';
import {runCli} from '../helpers/run-cli.js';
import {fixture} from '../helpers/supervise.js';

afterEach(cleanupRuns);

// The threshold after which an instance with no sign counts as "started, readiness unknown".
const UNKNOWN_AFTER_MS = 10_000;

describe('readiness from a listening port (no client, pattern or port option)', () => {
	for (const {lang, command} of [
		{lang: 'node', command: [process.execPath, fixture('bind-late.mjs')]},
		{lang: 'python http.server', command: ['python3', fixture('bind-late.py')]},
	]) {
		it(`${lang}: binding after 300 ms gives bootMs >= 300, on the first start and on a restart`, async () => {
			const devtui = startJson(['--', ...command], {cwd: tempDir(), env: {BIND_DELAY_MS: '300'}});
			await devtui.waitForEvent('watch/ready');
			const first = await devtui.completed(0);
			devtui.touch();
			const restart = await devtui.completed(1);
			const ready = devtui.of('app/ready');
			expect(ready.map(event => [event.restart, event.source, event.address])).toEqual([
				[0, 'listening', '127.0.0.1'],
				[1, 'listening', '127.0.0.1'],
			]);
			const ports = devtui.output().flatMap(line => /^LISTENING .* port=(\d+)$/.exec(line)?.[1] ?? []).map(Number);
			expect(ready.map(event => event.port)).toEqual(ports);
			for (const event of ready) expect(event.bootMs).toBeGreaterThanOrEqual(300);
			for (const timeline of [first, restart]) {
				expect(timeline.outcome).toBe('ready');
				expect(timeline.readiness).toMatchObject({source: 'listening'});
				expect(timeline.phases.find(phase => phase.name === 'boot')!.durationMs).toBeGreaterThanOrEqual(300);
			}
			// Ready came after the app had bound, not before: its own line says when.
			const bound = devtui.of('run/output').filter(event => event.lines.some(line => line.startsWith('LISTENING')));
			for (const [index, event] of ready.entries()) expect(event.at).toBeGreaterThanOrEqual(bound[index]!.at - 50);
		});
	}
});

describe('readiness of a client app', () => {
	it("waits for the client's ready on the first start too, though its port is open 500 ms earlier", async () => {
		const devtui = startJson(['--', process.execPath, fixture('client-late-ready.mjs')], {cwd: tempDir(), env: {READY_DELAY_MS: '500'}});
		await devtui.waitForEvent('watch/ready');
		await devtui.completed(0);
		devtui.touch();
		await devtui.completed(1);
		const ready = devtui.of('app/ready');
		expect(ready.map(event => [event.restart, event.source])).toEqual([
			[0, 'client'],
			[1, 'client'],
		]);
		for (const event of ready) expect(event.bootMs).toBeGreaterThanOrEqual(500);
		expect(devtui.of('app/hello').map(event => event.restart)).toEqual([0, 1]);
	});
});

describe('readiness with --ready-pattern and --ready-port', () => {
	it('a pattern decides even when the port is open long before the line', async () => {
		const devtui = startJson(['--ready-pattern', '^ANNOUNCE$', '--', process.execPath, fixture('bind-late.mjs')], {
			cwd: tempDir(),
			env: {ANNOUNCE_AFTER_MS: '600'},
		});
		const first = await devtui.completed(0);
		expect(devtui.of('app/ready')).toEqual([expect.objectContaining({restart: 0, source: 'pattern'})]);
		expect(devtui.of('app/ready')[0]!.bootMs).toBeGreaterThanOrEqual(600);
		expect(first.readiness).toEqual({source: 'pattern'});
	});

	it('a port decides, and says which', async () => {
		const port = await freePort();
		const devtui = startJson(['--ready-port', String(port), '--', process.execPath, fixture('bind-late.mjs')], {
			cwd: tempDir(),
			env: {PORT: String(port), BIND_DELAY_MS: '400'},
		});
		const first = await devtui.completed(0);
		expect(devtui.of('app/ready')).toEqual([expect.objectContaining({restart: 0, source: 'port', port})]);
		expect(devtui.of('app/ready')[0]!.bootMs).toBeGreaterThanOrEqual(400);
		expect(first.readiness).toEqual({source: 'port', port});
	});
});

describe('an app with no sign of readiness', () => {
	it(
		'never listening: readiness unknown after the threshold, no app/ready, no boot time; one slower than the threshold: ready, late',
		{timeout: 60_000},
		async () => {
			// Both at once: the threshold is the wait.
			const quiet = trackRun(runCli(['--no-tui', '--', process.execPath, fixture('proto-no-client.mjs')], {cwd: tempDir()}));
			const slow = startJson(['--', process.execPath, fixture('bind-late.mjs')], {cwd: tempDir(), env: {BIND_DELAY_MS: String(UNKNOWN_AFTER_MS + 1500)}});

			const unknown = await quiet.waitForLine(/\[devtui\] pid \d+ gave no sign of readiness/, {timeout: UNKNOWN_AFTER_MS + 10_000});
			expect(unknown).toMatch(
				/^\[devtui\] pid \d+ gave no sign of readiness in 10\.0 s \(no TCP port listening, no ready from a client\): counted as started, readiness unknown; if it serves, --ready-pattern or --ready-port can tell devtui how to see it$/,
			);
			const started = await quiet.waitForLine(/\[devtui\] app started in/);
			expect(started).toMatch(/^\[devtui\] app started in \d+ ms; readiness unknown: spawn \d+ ms$/);
			expect(quiet.lines(/ready in|boot /)).toEqual([]);

			const unknownEvent = await slow.waitForEvent('app/readiness-unknown', () => true, {timeout: UNKNOWN_AFTER_MS + 10_000});
			expect(unknownEvent).toMatchObject({restart: 0, waitedFor: ['listening', 'client']});
			expect(unknownEvent.afterMs).toBeGreaterThanOrEqual(UNKNOWN_AFTER_MS);
			expect(slow.of('app/ready')).toEqual([]);
			// The timeline completes on the same sign; its line may come in the next read of devtui's output.
			const completed = await slow.waitForEvent('restart/completed');
			expect([completed.timeline.restart, completed.timeline.outcome]).toEqual([0, 'started']);
			expect(slow.of('app/ready')).toEqual([]);
			const late = await slow.waitForEvent('app/ready', () => true, {timeout: 10_000});
			expect(late).toMatchObject({restart: 0, source: 'listening', late: true});
			expect(late.bootMs).toBeGreaterThanOrEqual(UNKNOWN_AFTER_MS + 1500);
			// The late sign does not rewrite the restart that already completed.
			expect(slow.of('restart/completed')).toHaveLength(1);
		},
	);
});
