// One parked interpreter: spawned with the next instance's command (through the hook or launcher)
// and a pipe to devtui, it waits before loading any of the app's code. Until "go" its output is
// held back and it is nobody's app: no event names it. `go` hands it over as the instance; `discard`
// kills it (it has run nothing of the app, so there is nothing to stop gracefully).

import type {ProcessOps, SpawnInput} from '../supervisor/process-ops.js';
import type {AppProcess} from '../supervisor/spawn-app.js';
import {trackStrays} from '../supervisor/stray-tracker.js';
import type {OutputStream} from '../supervisor/events.js';
import {takeBaseline, type Baseline} from './freshness.js';
import {encodeGo, encodePark, parseReply, type GoMessage, type LauncherReply, type ParkMessage} from './warm-messages.js';

const WARM_FD_ENV = 'DEVTUI_WARM_FD';

/** The pipe's descriptor in the parked process: high, so it shifts no descriptor the interpreter opens. */
export const warmFdFor = (listenFds: readonly number[] | undefined): number => Math.max(63, 3 + (listenFds?.length ?? 0));

/**
 * What go changes in the parked process's environment: only what differs from the one it was
 * started with, so variables its start added (LISTEN_PID from the --listen wrapper, PWD from sh,
 * node_modules/.bin on PATH) stay as a cold start would have them.
 */
export const envChanges = (parked: NodeJS.ProcessEnv, wanted: NodeJS.ProcessEnv): {set: Record<string, string>; unset: string[]} => {
	const set: Record<string, string> = {};
	for (const [key, value] of Object.entries(wanted)) if (value !== undefined && parked[key] !== value) set[key] = value;
	const unset = [...Object.keys(parked).filter(key => wanted[key] === undefined), WARM_FD_ENV];
	return {set, unset};
};

/** The most output lines held back from a parked interpreter (a preload that warns). */
const MAX_HELD_LINES = 200;

export interface ParkedInstance {
	/** The input it was parked for (the next instance's, as it was then). */
	input: SpawnInput;
	app: AppProcess;
	parkedAt: number;
	/** Python: the launcher's answer, once it has preloaded (undefined until then, and for Node). */
	readonly reply: LauncherReply | undefined;
	/** Settles with the launcher's answer, or undefined if it exits without one. */
	replied: Promise<LauncherReply | undefined>;
	/** Whether it still waits for go (alive, not failed, not used). */
	readonly usable: boolean;
	/** The files it has loaded, to check at go (empty for Node, which loads nothing while parked). */
	readonly baseline: Baseline;
	/** Hands it over: the instance's environment applied, its output now the instance's. */
	go(go: {env: NodeJS.ProcessEnv; report?: string}, onLines: SpawnInput['onLines'], now: number): AppProcess;
	/** Kills it, if it is still parked. */
	discard(): Promise<void>;
}

export const parkInstance = async ({
	processes,
	input,
	command,
	park,
	now,
}: {
	processes: ProcessOps;
	input: SpawnInput;
	/** The parked command: the app's, with the hook or launcher in it. */
	command: string[];
	/** Python: what to preload; undefined for Node (the hook reads only `go`). */
	park: ParkMessage | undefined;
	now: () => number;
}): Promise<ParkedInstance> => {
	let target: SpawnInput['onLines'] | undefined;
	const held: Array<[OutputStream, string[], number]> = [];
	const onLines = (stream: OutputStream, lines: string[], pid: number) => {
		if (target) return target(stream, lines, pid);
		if (held.length < MAX_HELD_LINES) held.push([stream, lines, pid]);
	};
	const app = await processes.spawn({
		...input,
		command,
		env: {...input.env, [WARM_FD_ENV]: String(warmFdFor(input.listenFds))},
		onLines,
		warmFd: warmFdFor(input.listenFds),
		// The first start already looked the program up; a parked one must never be a usage error.
		verifyProgram: false,
	});
	const pipe = app.warmPipe!;
	pipe.on('error', () => {});
	// Nothing of the app runs while parked, so nothing can detach: the early looks for strays belong after go.
	app.strays.stop();
	let reply: LauncherReply | undefined;
	let baseline: Baseline = {files: []};
	let used = false;
	let gone = false;
	const replied = new Promise<LauncherReply | undefined>(resolve => {
		let rest = '';
		pipe.setEncoding('utf8');
		pipe.on('data', (chunk: string) => {
			const lines = (rest + chunk).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines) {
				const parsed = parseReply(line);
				if (parsed && !reply) {
					reply = parsed;
					if (parsed.kind === 'parked') baseline = takeBaseline(parsed.files);
					resolve(parsed);
				}
			}
		});
		pipe.once('close', () => resolve(reply));
		void app.exited.then(() => resolve(reply));
	});
	void app.exited.then(() => {
		gone = true;
	});
	if (park) pipe.write(encodePark(park));
	const parkedAt = now();
	return {
		input,
		app,
		parkedAt,
		get reply() {
			return reply;
		},
		replied,
		get usable() {
			return !used && !gone && app.exit === undefined && reply?.kind !== 'failed';
		},
		get baseline() {
			return baseline;
		},
		go({env, report}, lines, at) {
			used = true;
			const message: GoMessage = {...envChanges(input.env, env), ...(report ? {report} : {})};
			pipe.write(encodeGo(message));
			// The launcher closes its end at go; devtui's end only ever reads its answer.
			pipe.end();
			target = lines;
			for (const [stream, heldLines, pid] of held.splice(0)) lines(stream, heldLines, pid);
			app.startedAt = at;
			app.strays = trackStrays(app.pid, app.pgid);
			app.warm = {parkedMs: Math.max(0, at - parkedAt), preloaded: reply?.kind === 'parked' ? reply.preloaded : 0};
			delete app.warmPipe;
			return app;
		},
		async discard() {
			if (used) return;
			used = true;
			pipe.destroy();
			if (app.exit === undefined) {
				try {
					process.kill(-app.pgid, 'SIGKILL');
				} catch {
					// Already gone.
				}
			}
			await app.exited;
			app.strays.stop();
		},
	};
};
