// Log flood: the app writes N lines (plain or pino JSON) as fast as stdout takes them. Its own
// elapsed time under each tool vs. writing to /dev/null; the tool's peak RSS; and in the dashboard,
// how long a key press (p: hold) takes to show on screen while the flood runs.
import {spawn} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {APPS, startPeer} from '../lib/peers.mjs';
import {startNotify} from '../lib/notify.mjs';
import {peakRssMb, rssMb, toolProcesses} from '../lib/proc.mjs';

const isFloodApp = pid => {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1]?.endsWith('apps/flood.mjs') ?? false;
	} catch {
		return false;
	}
};

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

const devNullRun = async env => {
	const notify = await startNotify();
	const out = openSync('/dev/null', 'w');
	const child = spawn(APPS.flood[0], APPS.flood.slice(1), {env: {...process.env, ...env, BENCH_PORT: String(notify.port)}, stdio: ['ignore', out, 'inherit']});
	closeSync(out);
	const line = await notify.waitFor(found => found.kind === 'FLOOD', {timeout: 120_000});
	child.kill('SIGKILL');
	notify.close();
	return Number(line?.rest);
};

const keyDuringFlood = async handle => {
	// Press once the dashboard is drawn and the app is flooding (a press during devtui's own start-up
	// would time the start-up, not the key), then poll the screen for the hold to show.
	for (let polls = 0; polls < 2000 && !/Logs/.test(handle.term.screen()); polls++) await sleep(5);
	await sleep(100);
	if (handle.notify.lines.some(line => line.kind === 'FLOOD')) return {keyMs: NaN, late: true};
	const pressed = performance.now();
	handle.term.keys('p');
	for (let polls = 0; polls < 2000; polls++) {
		if (/release|Held/.test(handle.term.screen())) return {keyMs: performance.now() - pressed, floodStillRunning: !handle.notify.lines.some(line => line.kind === 'FLOOD')};
		await sleep(5);
	}
	return {keyMs: NaN};
};

export const measureFlood = async ({peers, lines, reps, formats}) => {
	const results = {};
	for (const format of formats) {
		const env = {BENCH_LINES: String(lines), BENCH_FORMAT: format};
		const row = (results[format] = {devnull: {label: '/dev/null (no tool)', ms: []}});
		for (let rep = 0; rep < reps; rep++) {
			row.devnull.ms.push(await devNullRun(env));
			for (const name of peers) {
				const result = (row[name] ??= {label: name, ms: [], peakRssMb: [], keyMs: []});
				// Every tool's own terminal is /dev/null, like the baseline's: the cost measured is the tool's.
				const handle = await startPeer(name, 'flood', {env, waitFirst: false, stdout: 'null'});
				try {
					const toolPids = () => toolProcesses(handle.rootPid(), () => false).filter(pid => !handle.appPids().has(pid) && !isFloodApp(pid));
					const key = handle.term ? keyDuringFlood(handle) : undefined;
					let peak = 0;
					const sampler = setInterval(() => (peak = Math.max(peak, rssMb(toolPids()))), 50);
					const done = await handle.notify.waitFor(found => found.kind === 'FLOOD', {timeout: 300_000});
					clearInterval(sampler);
					peak = Math.max(peak, peakRssMb(toolPids()));
					result.label = handle.label;
					if (done) result.ms.push(Number(done.rest));
					else result.timeouts = (result.timeouts ?? 0) + 1;
					result.peakRssMb.push(peak);
					if (key) result.keyMs.push(await key);
				} finally {
					await handle.stop();
				}
			}
		}
	}
	return results;
};
