// Tells the app's own writes (a log, a database, a cache, a file it rewrites on every start) from
// the developer's edits, so that the first restart nothing and the second are never held. A wrong
// "feedback loop" costs far more than a missed one: it silently stops a developer's edits from
// applying, so every verdict rests on evidence a developer cannot produce by accident.
//
// 1. Open for writing. A change to a file that one of the app's processes has open for writing at
//    that moment is the app's: no editor runs inside the app's process tree. From then on its
//    changes soon after a start are the app's too (a quick writer is not always caught in the act);
//    an edit at any other time, while the app does not hold it, still restarts.
// 2. Timing, proven by an experiment. An app that writes a file as it starts writes it the same time
//    after every start; a developer saving regularly (every second, an auto-save) can line up with
//    constant restart times too. So after two suspect batches in a row (the same file, changed soon
//    after a start and before the app said it was ready, at matching delays), the next start is
//    shifted by a random delay well beyond the tolerance. The app's write moves with the start; a
//    person's does not. Only if the changes after two shifted starts in a row still come at the same
//    delay is the file set aside. A change made while the instance is already stopping is nobody's
//    evidence: it joins the restart under way. And a batch in which files changed while no instance
//    was running at all (a formatter or a generator still writing through the restart) proves the
//    writer is not the app: the streak starts over.
//
// A file set aside restarts nothing while the app writes it: soon after a start, or while it keeps
// changing (a log written every 100 ms). Once the app has gone quiet on it, an edit restarts as
// usual, so a wrong verdict can never stop the developer's changes for long. Nothing is ever held.

import path from 'node:path';
import type {EventBus} from '../supervisor/event-bus.js';
import {createWriterLookup} from '../supervisor/open-for-writing.js';
import type {ChangeFilter} from '../supervisor/supervisor.js';

export interface FeedbackPolicy {
	/** A change this soon after a start (and before the app said it was ready) is suspect. */
	withinMs: number;
	/** Suspect batches in a row, at matching delays, before the experiment. */
	suspects: number;
	/** Shifted starts whose change must still come at the same delay. */
	probes: number;
	/**
	 * How far apart matching delays may be: this, or a twentieth of their median if more (an app's
	 * own timing varies by milliseconds, not by a share of the delay).
	 */
	toleranceMs: number;
	/** A file set aside is still being written while its changes are closer together than this. */
	quietMs: number;
	/**
	 * The least a probe shifts a start by. Longer than a person's quick saves are apart, so such a
	 * save lands while the start is still waiting, which is no one's evidence, instead of at a delay
	 * after it that could match by chance.
	 */
	minShiftMs: number;
}

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = {withinMs: 1500, suspects: 2, probes: 2, toleranceMs: 30, quietMs: 2000, minShiftMs: 300};

const median = (values: readonly number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
};

export interface FeedbackDetectorInput {
	bus: EventBus;
	cwd: string;
	policy?: FeedbackPolicy;
	/** @default Math.random */
	random?: () => number;
	/** Which process among the app's has the file open for writing. @default /proc */
	findWriter?: (file: string, appPid: number) => number | undefined;
}

export const createFeedbackDetector = ({
	bus,
	cwd,
	policy = DEFAULT_FEEDBACK_POLICY,
	random = Math.random,
	findWriter = createWriterLookup(),
}: FeedbackDetectorInput): ChangeFilter & {dispose(): void} => {
	// The latest start, and when devtui began stopping that instance (a change before then may be
	// what made it stop; one after joins the restart already under way).
	let start: {at: number; pid: number; stoppingAt?: number} | undefined;
	let readyAt: number | undefined;
	// Suspect batches in a row: their files and their delays after the start before them.
	let streak: Array<{files: ReadonlySet<string>; delay: number}> = [];
	// The latest start was shifted to test the streak, and how many shifted starts matched so far.
	let probing = false;
	let matched = 0;
	// Files set aside, and when each last changed.
	const setAside = new Map<string, number>();
	const toldOpen = new Set<string>();

	const tolerance = (delays: readonly number[]) => Math.max(policy.toleranceMs, median(delays) / 20);
	const soonAfterStart = (at: number) =>
		start !== undefined &&
		at >= start.at &&
		at - start.at <= policy.withinMs &&
		(readyAt === undefined || at < readyAt) &&
		(start.stoppingAt === undefined || at <= start.stoppingAt);

	const unsubscribe = bus.subscribe(event => {
		if (event.type === 'run/spawned') {
			start = {at: event.at, pid: event.pid};
			readyAt = undefined;
		}
		if (event.type === 'run/stop-requested' && start && start.stoppingAt === undefined) start = {...start, stoppingAt: event.at};
		if (event.type === 'app/ready') readyAt ??= event.at;
	});

	// Well beyond the tolerance, so a person's next save cannot follow the shifted start by chance.
	const shiftFor = (delays: readonly number[]) => Math.round(Math.max(policy.minShiftMs, 4 * tolerance(delays)) * (1 + random() / 2));

	const common = (entries: typeof streak): string[] => {
		const [first, ...rest] = entries;
		return first ? [...first.files].filter(file => rest.every(entry => entry.files.has(file))).sort() : [];
	};

	return {
		appWrite(file, at) {
			const last = setAside.get(file);
			if (last !== undefined) setAside.set(file, at);
			if (last !== undefined && (soonAfterStart(at) || at - last < policy.quietMs)) return true;
			if (!start) return false;
			const pid = findWriter(path.resolve(cwd, file), start.pid);
			if (pid === undefined) return false;
			// Caught in the act once: the app's from now on while it writes the file, even when the
			// next write is over before devtui can look.
			setAside.set(file, at);
			if (!toldOpen.has(file)) {
				toldOpen.add(file);
				bus.emit({type: 'watch/feedback-loop', file, evidence: 'open-for-writing', pid, restarts: 0});
			}
			return true;
		},
		batchClosed(files, firstChangeAt, whileDown) {
			const delay = start === undefined ? -1 : firstChangeAt - start.at;
			const wasProbing = probing;
			probing = false;
			if (!soonAfterStart(firstChangeAt) || delay < 0 || whileDown) {
				streak = [];
				matched = 0;
				return {};
			}
			const entry = {files: new Set(files), delay};
			if (wasProbing) {
				const delays = streak.map(earlier => earlier.delay);
				const looping = common([...streak, entry]).find(file => !setAside.has(file));
				if (looping === undefined || Math.abs(delay - median(delays)) > tolerance(delays)) {
					streak = [entry];
					matched = 0;
					return {};
				}
				if (++matched < policy.probes) {
					probing = true;
					return {probeDelayMs: shiftFor(delays)};
				}
				setAside.set(looping, firstChangeAt);
				bus.emit({type: 'watch/feedback-loop', file: looping, evidence: 'restart-timing', restarts: streak.length + matched});
				streak = [];
				matched = 0;
				return {};
			}
			streak = [...streak, entry].slice(-policy.suspects);
			if (streak.length < policy.suspects || common(streak).length === 0) return {};
			const delays = streak.map(earlier => earlier.delay);
			// A jittery streak slides on: the next batches may still line up (a loaded machine).
			if (Math.max(...delays) - Math.min(...delays) > tolerance(delays)) return {};
			probing = true;
			return {probeDelayMs: shiftFor(delays)};
		},
		dispose: unsubscribe,
	};
};
