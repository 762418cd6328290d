// A warm interpreter for the built-in Python check: one long-lived Python per session (`-I -S`,
// compile only, never importing app code) that answers compile requests on stdin, so a check costs
// about a millisecond instead of the 10–25 ms of starting Python. Its answers are byte for byte what
// a cold run prints, so blame-files and the panes see no difference.
//
// It never costs more than the cold run it replaces, and never fails a check the cold run would
// pass:
// - it starts on `warm()` (the session calls it once the app is up, so it does not compete with
//   devtui's start) or on the first compile, which then costs what a cold run costs;
// - if it dies, hangs past the per-request timeout or answers garbage, that request (and any
//   queued behind it) runs cold, it is said once, and a new interpreter starts after a backoff;
// - an aborted request just stops being waited for: its answer is dropped when it comes, and the
//   interpreter stays;
// - it exits on EOF of its stdin, so it never outlives devtui, even a SIGKILLed one, and it runs in
//   a session of its own, so a Ctrl-C or a hangup meant for devtui or the app does not reach it.

import {spawn, type ChildProcess} from 'node:child_process';
import type {Socket} from 'node:net';
import path from 'node:path';
import {CHECK_OUTPUT_LINES, runCheck, type CheckRunResult} from './run-check.js';
import {isExecutableFile} from './find-python.js';
import {pythonCheckArgs, pythonWorkerArgs} from './python-compile-check.js';
import {canEncode, createFrameReader, encodeRequest, type WorkerFrame} from './python-checker-protocol.js';
import {createLineSplitter} from '../supervisor/line-splitter.js';

export interface PythonCheckResult extends CheckRunResult {
	/** The interpreter that compiled: the warm one's `sys.executable`, or the one a cold run started. */
	interpreter: string;
	/** Its version (`3.11.2`), once the warm interpreter has told it. */
	version?: string;
	/** The warm interpreter answered; false when a fresh one ran for this request. */
	warm: boolean;
}

export interface PythonChecker {
	/** The interpreter checks use: as found at first, then what the warm one says it is (the real one behind a pyenv shim). */
	readonly interpreter: string;
	/** Its version, once known. */
	readonly version: string | undefined;
	/** The warm interpreter's pid while one runs (for diagnostics and tests). */
	readonly pid: number | undefined;
	/** Starts the warm interpreter if none runs (idempotent; nothing during a respawn backoff). */
	warm(): void;
	/**
	 * Compiles the files (relative to the app's cwd, or absolute). Concurrent calls are fine: they
	 * queue, one at a time, each ~1 ms. An abort resolves the call at once with `cancelled`.
	 */
	compile(files: readonly string[], signal?: AbortSignal): Promise<PythonCheckResult>;
	/** Kills the warm interpreter and cancels what is waiting. Safe to call twice. */
	dispose(): void;
}

export interface PythonCheckerOptions {
	/** The interpreter (check-config's first answer). */
	python: string;
	/** A better answer still being found (behind shims): warm() and compile() wait for it. */
	resolved?: Promise<string>;
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** A warm answer slower than this counts as a hang: the interpreter is replaced and the request runs cold. */
	requestTimeoutMs?: number;
	/** The cold run's own timeout (run-check's default otherwise). */
	coldTimeoutMs?: number;
	/** The first wait before a new interpreter after a failure; doubles per failure in a row, up to a minute. */
	respawnDelayMs?: number;
	/** Told once per session when the warm interpreter fails (devtui's `supervisor/error`). */
	onNotice?: (message: string) => void;
}

export const DEFAULT_WARM_TIMEOUT_MS = 10_000;
const DEFAULT_RESPAWN_DELAY_MS = 1000;
const MAX_RESPAWN_DELAY_MS = 60_000;
const STDERR_KEEP = 400;

interface Request {
	id: number;
	files: readonly string[];
	settled: boolean;
	settle(result: PythonCheckResult): void;
	/** Set while it runs cold: ends that run. */
	cancelCold?: () => void;
}

interface Worker {
	child: ChildProcess;
	hello?: {version: string; executable: string};
	inflight?: {request: Request; timer: NodeJS.Timeout};
	stderr: string;
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1)?.trim() ?? '';

const outputLines = (text: string): string[] => {
	const splitter = createLineSplitter();
	return [...splitter.push(text), ...splitter.flush()].slice(-CHECK_OUTPUT_LINES);
};

export const createPythonChecker = ({
	python,
	resolved,
	cwd,
	env,
	requestTimeoutMs = DEFAULT_WARM_TIMEOUT_MS,
	coldTimeoutMs,
	respawnDelayMs = DEFAULT_RESPAWN_DELAY_MS,
	onNotice,
}: PythonCheckerOptions): PythonChecker => {
	let interpreter = python;
	let version: string | undefined;
	let worker: Worker | undefined;
	let queue: Request[] = [];
	let nextId = 1;
	let failuresInARow = 0;
	let respawnTimer: NodeJS.Timeout | undefined;
	let toldFailure = false;
	let disposed = false;
	// Until the resolution answers, nothing starts: the first answer may be the wrong Python.
	let resolving: Promise<void> | undefined = resolved
		?.then(
			better => {
				interpreter = better;
			},
			() => {},
		)
		.then(() => {
			resolving = undefined;
		});
	let startWaits = false;

	const result = (fields: Pick<CheckRunResult, 'ok' | 'exitCode' | 'output'> & {warm: boolean; cancelled?: boolean; interpreter?: string}): PythonCheckResult => ({
		signal: null,
		cancelled: false,
		interpreter,
		...(version === undefined ? {} : {version}),
		...fields,
	});
	const cancelled = (): PythonCheckResult => result({ok: false, exitCode: null, output: [], cancelled: true, warm: false});

	// An idle interpreter must not keep devtui's event loop alive; one with work must.
	const setBusy = ({child}: Worker, busy: boolean) => {
		// Its pipes are sockets (net.Socket), which the stream types do not say.
		for (const handle of [child, child.stdout as Socket | null, child.stderr as Socket | null]) {
			if (busy) handle?.ref();
			else handle?.unref();
		}
	};

	const runCold = (request: Request) => {
		if (request.settled) return;
		const used = interpreter;
		try {
			const running = runCheck({argv: pythonCheckArgs(used, request.files), cwd, env, ...(coldTimeoutMs === undefined ? {} : {timeoutMs: coldTimeoutMs})});
			request.cancelCold = () => running.cancel();
			void running.result.then(ran => request.settle({...ran, interpreter: used, ...(version === undefined ? {} : {version}), warm: false}));
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			request.settle(result({ok: false, exitCode: null, output: [`devtui: cannot run the check: ${message}`], warm: false, interpreter: used}));
		}
	};

	const scheduleRespawn = () => {
		if (disposed || respawnTimer !== undefined) return;
		const delay = Math.min(respawnDelayMs * 2 ** Math.max(0, failuresInARow - 1), MAX_RESPAWN_DELAY_MS);
		respawnTimer = setTimeout(() => {
			respawnTimer = undefined;
			start();
		}, delay);
		respawnTimer.unref();
	};

	/** The interpreter is no longer trusted: kill it, run its requests cold, and try a new one later. */
	const fail = (failed: Worker, reason: string) => {
		if (failed !== worker) return;
		worker = undefined;
		if (failed.inflight) clearTimeout(failed.inflight.timer);
		failed.child.kill('SIGKILL');
		failed.child.stdin?.destroy();
		const orphans = [...(failed.inflight ? [failed.inflight.request] : []), ...queue];
		queue = [];
		failuresInARow++;
		if (!toldFailure && !disposed) {
			toldFailure = true;
			onNotice?.(`python check: the warm interpreter (${interpreter}) ${reason}; each check starts a new interpreter until it is back`);
		}
		scheduleRespawn();
		for (const request of orphans) runCold(request);
	};

	const pump = (target: Worker) => {
		if (target !== worker || target.inflight) return;
		let next = queue.shift();
		while (next?.settled) next = queue.shift();
		if (next === undefined) {
			setBusy(target, false);
			return;
		}
		setBusy(target, true);
		const files = next.files.map(name => ({name, path: path.resolve(cwd, name)}));
		const timer = setTimeout(() => fail(target, `did not answer within ${requestTimeoutMs} ms`), requestTimeoutMs);
		target.inflight = {request: next, timer};
		target.child.stdin!.write(encodeRequest(next.id, files));
	};

	const received = (target: Worker, frame: WorkerFrame) => {
		if (frame.kind === 'hello') {
			target.hello = frame;
			version = frame.version;
			// The real interpreter behind a pyenv/asdf shim: cold runs and respawns skip the shim.
			if (frame.executable !== '' && isExecutableFile(frame.executable)) interpreter = frame.executable;
			return;
		}
		const inflight = target.inflight;
		if (!inflight || inflight.request.id !== frame.id) {
			fail(target, `answered out of turn (request ${frame.id})`);
			return;
		}
		clearTimeout(inflight.timer);
		target.inflight = undefined;
		failuresInARow = 0;
		const failed = frame.output !== '';
		inflight.request.settle(result({ok: !failed, exitCode: failed ? 1 : 0, output: outputLines(frame.output), warm: true}));
		pump(target);
	};

	const start = () => {
		if (disposed || worker !== undefined || respawnTimer !== undefined) return;
		if (resolving !== undefined) {
			if (!startWaits) void resolving.then(start);
			startWaits = true;
			return;
		}
		const [file, ...args] = pythonWorkerArgs(interpreter);
		let child: ChildProcess;
		try {
			child = spawn(file!, args, {cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe']});
		} catch (error) {
			failuresInARow++;
			if (!toldFailure) {
				toldFailure = true;
				onNotice?.(`python check: cannot start a warm interpreter (${interpreter}): ${error instanceof Error ? error.message : String(error)}; each check starts a new one`);
			}
			scheduleRespawn();
			return;
		}
		const started: Worker = {child, stderr: ''};
		worker = started;
		const reader = createFrameReader();
		// Writing to an interpreter that just died fails with EPIPE; its exit says why.
		child.stdin!.on('error', () => {});
		child.stdout!.on('data', (chunk: Buffer) => {
			const {frames, garbage} = reader.push(chunk);
			for (const frame of frames) {
				if (started !== worker) return;
				received(started, frame);
			}
			if (garbage !== undefined) fail(started, `answered garbage (${garbage})`);
		});
		child.stderr!.setEncoding('utf8');
		child.stderr!.on('data', (text: string) => {
			started.stderr = (started.stderr + text).slice(-STDERR_KEEP);
		});
		child.once('error', error => fail(started, `could not start: ${error.message}`));
		child.once('exit', (code, signal) => {
			const said = lastLine(started.stderr);
			const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
			fail(started, said === '' ? how : `${how}: ${said}`);
		});
		setBusy(started, queue.length > 0);
	};

	return {
		get interpreter() {
			return interpreter;
		},
		get version() {
			return version;
		},
		get pid() {
			return worker?.child.pid;
		},
		warm: start,
		async compile(files, signal) {
			if (resolving !== undefined) await resolving;
			if (disposed || signal?.aborted) return cancelled();
			if (files.length === 0) return result({ok: true, exitCode: 0, output: [], warm: worker?.hello !== undefined});
			return new Promise<PythonCheckResult>(resolve => {
				const onAbort = () => {
					request.cancelCold?.();
					request.settle(cancelled());
				};
				const request: Request = {
					id: nextId++,
					files,
					settled: false,
					settle(done) {
						if (request.settled) return;
						request.settled = true;
						signal?.removeEventListener('abort', onAbort);
						resolve(done);
					},
				};
				signal?.addEventListener('abort', onAbort, {once: true});
				start();
				if (worker === undefined || !canEncode(files)) {
					runCold(request);
					return;
				}
				queue.push(request);
				pump(worker);
			});
		},
		dispose() {
			if (disposed) return;
			disposed = true;
			clearTimeout(respawnTimer);
			const stopping = worker;
			worker = undefined;
			const waiting = [...(stopping?.inflight ? [stopping.inflight.request] : []), ...queue];
			queue = [];
			if (stopping) {
				if (stopping.inflight) clearTimeout(stopping.inflight.timer);
				stopping.child.kill('SIGKILL');
				stopping.child.stdin?.destroy();
			}
			for (const request of waiting) request.settle(cancelled());
		},
	};
};
