import {describe, expect, it} from 'vitest';
import type {EventInput, SupervisorEvent} from '../../src/supervisor/events.js';
import {foldTimeline, initialTimelineState, type TimelineState} from '../../src/timeline/restart-timeline.js';
import {formatTimeline} from '../../src/headless/format-timeline.js';

const files = [{path: 'app.py', kind: 'changed' as const}];
const failure = {check: 'python compile', exitCode: 1, signal: null, output: [], blamed: ['app.py']};

const fold = (steps: Array<[number, EventInput]>, state: TimelineState = initialTimelineState) => {
	const completed = [];
	for (const [at, input] of steps) {
		state = foldTimeline(state, {...input, at} as SupervisorEvent);
		if (state.completed) completed.push(state.completed);
	}
	return {state, completed};
};

const spawned = (restart: number, pid = 10 + restart): EventInput => ({type: 'run/spawned', pid, restart, command: ['x'], spawnMs: 5});
// bootMs is from the spawn to the sign, as the readiness tracker measures it: the boot phase ends there.
const ready = (restart: number, bootMs: number, pid = 10 + restart): EventInput => ({type: 'app/ready', pid, restart, source: 'client', bootMs});

describe('the check phase of a restart timeline', () => {
	it('starts the restart at the first change and puts the check before the stop', () => {
		const {completed} = fold([
			[0, spawned(0)],
			[10, ready(0, 10)],
			[1050, {type: 'watch/changed', batch: 1, files, firstChangeAt: 1000}],
			[1060, {type: 'check/started', checks: ['python compile'], files, firstChangeAt: 1000}],
			[1200, {type: 'check/passed', durationMs: 140}],
			[1200, {type: 'run/stop-requested', pid: 10, reason: 'change', files}],
			[1201, {type: 'run/signal-sent', pid: 10, signal: 'SIGTERM', deadline: 11_201, timeoutMs: 10_000}],
			[1230, {type: 'run/exited', pid: 10, restart: 0, code: 0, signal: null, uptimeMs: 1, byDevtui: true, stopMs: 30, forced: false, restarting: true}],
			[1240, spawned(1)],
			[1400, ready(1, 160)],
		]);
		const restart = completed[1]!;
		expect(restart).toMatchObject({restart: 1, trigger: 'change', files, startedAt: 1000, stopMs: 30, totalMs: 400, outcome: 'ready'});
		expect(restart.phases[0]).toEqual({name: 'check', source: 'devtui', startMs: 60, durationMs: 140, outcome: 'ok'});
		expect(restart.phases.map(phase => phase.name)).toEqual(['check', 'signal', 'wait for exit', 'spawn', 'boot']);
		expect(formatTimeline(restart)).toMatch(/^restart #1 ready in 400 ms \(client said ready\): stop 30 ms, check 140 ms, spawn 5 ms, boot 160 ms$/);
	});

	it('a failed check ends the restart as check-failed, with the reason on the phase', () => {
		const {state, completed} = fold([
			[0, spawned(0)],
			[10, ready(0, 10)],
			[1060, {type: 'check/started', checks: ['python compile'], files, firstChangeAt: 1000}],
			[1100, {type: 'check/failed', durationMs: 40, failure, files}],
		]);
		expect(state.current).toBeUndefined();
		const failed = completed[1]!;
		expect(failed).toMatchObject({restart: -1, outcome: 'check-failed', totalMs: 100});
		expect(failed.phases).toEqual([{name: 'check', source: 'devtui', startMs: 60, durationMs: 40, outcome: 'failed', error: 'python compile: exit code 1'}]);
		expect(formatTimeline(failed)).toBe('restart not done: a check failed in 100 ms: check 40 ms FAILED (python compile: exit code 1)');
	});

	it('a cancelled check shows as interrupted beside the one that replaced it', () => {
		const {completed} = fold([
			[0, spawned(0)],
			[10, ready(0, 10)],
			[1000, {type: 'check/started', checks: ['lint'], files, firstChangeAt: 1000}],
			[1500, {type: 'check/cancelled', reason: 'newer change'}],
			[1500, {type: 'check/started', checks: ['lint'], files, firstChangeAt: 1000}],
			[1600, {type: 'check/failed', durationMs: 100, failure: {...failure, check: 'lint'}, files}],
		]);
		expect(completed[1]!.phases.map(phase => [phase.name, phase.startMs, phase.outcome])).toEqual([
			['check', 0, 'interrupted'],
			['check', 500, 'failed'],
		]);
	});

	it('a check that starts while the previous restart still boots waits beside it, then takes over', () => {
		const {state, completed} = fold([
			[0, spawned(0)],
			[300, {type: 'check/started', checks: ['lint'], files, firstChangeAt: 250}],
			[400, ready(0, 400)],
		]);
		// The first start completes on its own terms; the check is now the restart in progress.
		expect(completed[0]).toMatchObject({restart: 0, outcome: 'ready'});
		expect(state.next).toBeUndefined();
		expect(state.current).toMatchObject({restart: -1, startedAt: 250, outcome: 'in-progress'});
		expect(state.current!.phases).toEqual([{name: 'check', source: 'devtui', startMs: 50, durationMs: undefined, outcome: 'running'}]);
		const after = fold(
			[
				[500, {type: 'check/passed', durationMs: 200}],
				[500, {type: 'run/stop-requested', pid: 10, reason: 'change', files}],
			],
			state,
		);
		expect(after.state.current).toMatchObject({startedAt: 250, trigger: 'change'});
		expect(after.state.current!.phases[0]).toMatchObject({name: 'check', durationMs: 200, outcome: 'ok'});
	});
});
