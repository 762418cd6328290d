// --warm: the next instance's interpreter is started ahead of time and parked, and the start that
// follows hands it "go" instead of spawning. It wraps the supervisor's ProcessOps seam, so the
// supervisor's rules (one instance, stop before start, the watchdog, crash reports) stay as they are:
// a start is still one `spawn` call, which returns either the parked process or a cold one.
//
// When: right after the current instance is ready (or readiness is unknown), or once it has exited by
// itself, so a parked interpreter never competes with a booting app. Whether it may be used is
// decided at the start: it must still be parked (alive, preloading did not fail), started for the
// same command, working directory, descriptors and environment (DEVTUI_RESTART and the instance
// marker aside: the go line carries the real ones), and everything it loaded must be unchanged on
// disk. Otherwise it is discarded and the start is cold; the reason is said once.

import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {EventBus} from '../supervisor/event-bus.js';
import {INSTANCE_ENV} from '../supervisor/instance-marker.js';
import type {ProcessOps, SpawnInput} from '../supervisor/process-ops.js';
import type {AppProcess} from '../supervisor/spawn-app.js';
import {NODE_ESM_HOOK, NODE_HOOK, PYTHON_LAUNCHER, warmAsset} from './asset-path.js';
import {firstStale} from './freshness.js';
import {createModuleList, type WatchedTree} from './module-list.js';
import {parkInstance, type ParkedInstance} from './parked-instance.js';
import type {WarmPlan} from './plan-warm.js';
import {describeExit} from '../describe-exit.js';

export interface WarmStarter {
	processes: ProcessOps;
	/** Kills the parked interpreter, if any, and forgets the reports. */
	dispose(): Promise<void>;
}

export interface WarmStarterInput {
	plan: Extract<WarmPlan, {kind: 'node' | 'python'}>;
	bus: EventBus;
	/** What the next instance would be started with now (the supervisor's nextInstanceInput). */
	nextInput: () => SpawnInput;
	tree: WatchedTree;
	/** Python: preload third-party modules while parked (off: the interpreter only). @default true */
	preload?: boolean;
	processes: ProcessOps;
	now?: () => number;
}

/** Parked this long after a start at the latest, whether or not the instance showed it is ready. */
const PARK_AFTER_MS = 2000;

/** The longest a start waits for a parked Python interpreter to finish preloading. */
const PRELOAD_WAIT_MS = 10_000;

const answersWithin = async (instance: ParkedInstance, ms: number): Promise<boolean> => {
	let timer: NodeJS.Timeout | undefined;
	const answered = await Promise.race([instance.replied.then(() => true), new Promise<boolean>(resolve => (timer = setTimeout(() => resolve(false), ms)))]);
	clearTimeout(timer);
	return answered;
};

// Variables that are the instance's own, and only known at the start.
const PER_INSTANCE = new Set(['DEVTUI_RESTART', INSTANCE_ENV]);

const sameEnv = (a: NodeJS.ProcessEnv, b: NodeJS.ProcessEnv): string | undefined => {
	for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
		if (!PER_INSTANCE.has(key) && a[key] !== b[key]) return key;
	}
	return undefined;
};

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) =>
	(a ?? []).length === (b ?? []).length && (a ?? []).every((item, index) => item === (b ?? [])[index]);

/** Why the parked interpreter cannot be this start's instance, or undefined when it can. */
const mismatch = (parked: SpawnInput, wanted: SpawnInput): string | undefined => {
	if (!sameList(parked.command, wanted.command)) return 'the command changed';
	if (parked.cwd !== wanted.cwd) return 'the working directory changed';
	if (!sameList(parked.listenFds, wanted.listenFds) || parked.wrap !== wanted.wrap || !!parked.passStdout !== !!wanted.passStdout) {
		return 'the descriptors changed';
	}
	const key = sameEnv(parked.env, wanted.env);
	return key === undefined ? undefined : `the environment changed (${key})`;
};

export const createWarmStarter = ({plan, bus, nextInput, tree, preload = true, processes, now = Date.now}: WarmStarterInput): WarmStarter => {
	const asset = warmAsset(plan.kind === 'python' ? PYTHON_LAUNCHER : plan.flag === '--import' ? NODE_ESM_HOOK : NODE_HOOK);
	const reports = plan.kind === 'python' ? mkdtempSync(path.join(os.tmpdir(), 'devtui-warm-')) : undefined;
	const modules = createModuleList(tree);
	let parked: ParkedInstance | undefined;
	let parking: Promise<void> | undefined;
	let current: AppProcess | undefined;
	// The instances' reports. The last few are read again at each park: an instance that has stopped
	// since adds what it imported late (a first request's imports); older ones were read to the end.
	const reportFiles: string[] = [];
	let closed = false;
	let reportCount = 0;
	const said = new Set<string>();
	const sayOnce = (kind: string, message: string) => {
		if (said.has(kind)) return;
		said.add(kind);
		bus.emit({type: 'devtui/notice', message: `--warm: ${message}`});
	};

	const parkMessage = () =>
		plan.kind === 'python'
			? {preload: preload ? modules.names() : [], watched: [...tree.roots], allowed: modules.allowed()}
			: undefined;

	const park = () => {
		if (closed || parked || parking) return;
		for (const file of reportFiles.slice(-3)) modules.readReport(file);
		const input = nextInput();
		parking = (async () => {
			try {
				const instance = await parkInstance({processes, input, command: plan.parkedCommand(input.command, asset), park: parkMessage(), now});
				if (closed) {
					await instance.discard();
					return;
				}
				parked = instance;
				// A module that failed to preload is left out from now on, whether or not a start came first.
				void instance.replied.then(reply => {
					if (reply?.kind !== 'failed') return;
					for (const name of [reply.module, ...reply.others]) modules.exclude(name);
				});
			} catch (error) {
				sayOnce('park-failed', `cannot start the next interpreter ahead of time (${(error as Error).message}): starts are cold`);
			} finally {
				parking = undefined;
			}
		})();
	};

	// An app that gives no sign of readiness is told apart only after 10 s (app/readiness-unknown);
	// its next interpreter is parked sooner, once it has had this long to boot undisturbed.
	let settled: NodeJS.Timeout | undefined;
	const unsubscribe = bus.subscribe(event => {
		switch (event.type) {
			case 'run/spawned':
				clearTimeout(settled);
				settled = setTimeout(() => {
					if (current && current.pid === event.pid && current.exit === undefined) park();
				}, PARK_AFTER_MS);
				settled.unref();
				return;
			case 'app/ready':
			case 'app/readiness-unknown':
				if (current && event.pid === current.pid) park();
				return;
			case 'run/exited':
				// Down until a change: the next start can be warm too.
				if (!event.restarting && current && event.pid === current.pid) park();
				return;
			case 'devtui/quitting':
				closed = true;
				clearTimeout(settled);
				void parked?.discard();
				return;
			default:
				return;
		}
	});

	// The reason a parked interpreter cannot serve this start, said once; undefined when it can.
	const refuse = (instance: ParkedInstance, input: SpawnInput): {kind: string; message: string} | undefined => {
		if (instance.reply?.kind === 'failed') {
			const {module, error, others} = instance.reply;
			const also = others.length === 0 ? '' : ` (nor ${others.length} more that failed too)`;
			return {kind: 'preload-failed', message: `preloading ${module} failed (${error}): this start is cold, and ${module} is not preloaded again${also}`};
		}
		if (!instance.usable) {
			const exit = instance.app.exit;
			const how = exit ? describeExit(exit.code, exit.signal) : 'gone';
			return {kind: 'parked-died', message: `the parked interpreter died before it was used (${how}): this start is cold`};
		}
		const different = mismatch(instance.input, input);
		if (different) return {kind: 'mismatch', message: `${different} since the interpreter was parked: this start is cold`};
		const stale = firstStale(instance.baseline);
		if (stale) return {kind: 'stale', message: `${stale} changed after the parked interpreter loaded it (a package install?): this start is cold`};
		return undefined;
	};

	const nextReport = () => (reports ? path.join(reports, `instance-${reportCount++}.txt`) : undefined);

	// A cold start: Node as it is; Python through the launcher with "go" at once, so the instance
	// still reports what it imports.
	const cold = async (input: SpawnInput): Promise<AppProcess> => {
		if (plan.kind === 'node') return processes.spawn(input);
		const report = nextReport();
		const instance = await parkInstance({processes, input, command: plan.parkedCommand(input.command, asset), park: {preload: [], watched: [...tree.roots], allowed: []}, now});
		if (report) reportFiles.push(report);
		const app = instance.go({env: input.env, ...(report ? {report} : {})}, input.onLines, now());
		delete app.warm;
		return app;
	};

	const spawn = async (input: SpawnInput): Promise<AppProcess> => {
		await parking;
		const instance = parked;
		parked = undefined;
		let app: AppProcess | undefined;
		if (instance) {
			// A Python interpreter still preloading: wait for it (what is left of its imports is less
			// than a cold start would do), since only its answer tells whether it can be used.
			const slow = plan.kind === 'python' && !(await answersWithin(instance, PRELOAD_WAIT_MS));
			const refused = slow
				? {kind: 'preload-slow', message: `the parked interpreter was still preloading after ${PRELOAD_WAIT_MS / 1000} s (an import that waits for something?): this start is cold`}
				: refuse(instance, input);
			if (refused) {
				sayOnce(refused.kind, refused.message);
				await instance.discard();
			} else {
				const report = nextReport();
				if (report) reportFiles.push(report);
				// The instance marker is the one the parked process was started with: /proc shows its
				// environment as it was at exec, and the watchdog finds strays by it.
				const env = {...input.env, [INSTANCE_ENV]: instance.input.env[INSTANCE_ENV]};
				app = instance.go({env, ...(report ? {report} : {})}, input.onLines, now());
			}
		}
		app ??= await cold(input);
		current = app;
		return app;
	};

	return {
		processes: {...processes, spawn},
		async dispose() {
			closed = true;
			clearTimeout(settled);
			unsubscribe();
			await parking;
			await parked?.discard();
			parked = undefined;
			if (reports) rmSync(reports, {recursive: true, force: true});
		},
	};
};
