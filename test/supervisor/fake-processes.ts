// A fake child for the supervisor's rules (watchexec's TestChild): spawning, stopping and exiting
// are instant or take a few milliseconds, and a test says how each instance behaves, so the owner
// loop's edge cases run in milliseconds. The same rules are also tested with real processes in
// test/integration/supervisor.test.ts.

import type {EventInput} from '../../src/supervisor/events.js';
import type {ProcessOps, SpawnInput, StopInput} from '../../src/supervisor/process-ops.js';
import {SpawnError, type AppExit, type AppProcess} from '../../src/supervisor/spawn-app.js';

export interface FakeBehaviour {
	/** How long it takes to exit after the stop signal; 'never' ignores it (only SIGKILL ends it). */
	stopsAfterMs?: number | 'never';
	/** The spawn fails with this message instead. */
	spawnError?: string;
}

export interface FakeChild {
	pid: number;
	input: SpawnInput;
	app: AppProcess;
	signals: string[];
	/** The app exits by itself (a crash, a clean exit). */
	exit(code: number | null, signal?: NodeJS.Signals | null): void;
	/** Writes lines as the app would. */
	print(stream: 'stdout' | 'stderr', ...lines: string[]): void;
}

export const fakeProcesses = (behaviour: (restart: number) => FakeBehaviour = () => ({})) => {
	const children: FakeChild[] = [];
	let nextPid = 1000;

	const spawn = async (input: SpawnInput): Promise<AppProcess> => {
		const restart = Number(input.env.DEVTUI_RESTART ?? children.length);
		const wanted = behaviour(restart);
		await Promise.resolve();
		if (wanted.spawnError) throw new SpawnError(wanted.spawnError, 'ENOENT');
		const pid = nextPid++;
		let settle!: (exit: AppExit) => void;
		const app: AppProcess = {
			pid,
			pgid: pid,
			startedAt: Date.now(),
			exited: new Promise(resolve => {
				settle = resolve;
			}),
			exit: undefined,
			outputDone: Promise.resolve(),
			strays: {alive: () => [], stop() {}} as unknown as AppProcess['strays'],
			setOutputPaused() {},
			marker: undefined,
			startTime: 0,
		};
		const child: FakeChild = {
			pid,
			input,
			app,
			signals: [],
			exit(code, signal = null) {
				if (app.exit) return;
				app.exit = {code, signal};
				settle(app.exit);
			},
			print(stream, ...lines) {
				input.onLines(stream, lines, pid);
			},
		};
		children.push(child);
		return app;
	};

	// The stop as stopProcess does it: the message, the signal, a wait that a force or the deadline
	// ends, then SIGKILL.
	const stop = async ({app, signal, timeoutMs, control, emit, beforeSignal}: StopInput) => {
		const child = children.find(candidate => candidate.app === app)!;
		const startedAt = Date.now();
		control.deadline = startedAt + timeoutMs;
		const {stopsAfterMs = 2} = behaviour(children.indexOf(child));
		if (control.forceReason === undefined && !app.exit) {
			beforeSignal?.(control.deadline);
			child.signals.push(signal);
			emit({type: 'run/signal-sent', pid: app.pid, signal, deadline: control.deadline, timeoutMs} as EventInput);
			if (stopsAfterMs !== 'never') setTimeout(() => child.exit(null, signal), stopsAfterMs);
		}
		for (;;) {
			if (app.exit) return {stopMs: Date.now() - startedAt, forced: false, forceReason: undefined};
			if (control.forceReason !== undefined || Date.now() >= control.deadline) break;
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, Math.max(0, Math.min(5, control.deadline - Date.now())));
				control.onWake(() => {
					clearTimeout(timer);
					resolve();
				});
			});
			control.onWake(undefined);
		}
		const reason = (control.forceReason ??= 'timeout');
		child.signals.push('SIGKILL');
		emit({type: 'run/force-killed', pid: app.pid, reason, afterMs: Date.now() - startedAt});
		child.exit(null, 'SIGKILL');
		return {stopMs: Date.now() - startedAt, forced: true, forceReason: reason};
	};

	const ops: ProcessOps = {spawn, stop, lingers: () => false};
	return {ops, children, latest: () => children.at(-1)!};
};
