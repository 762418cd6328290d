// Tells a feedback loop (the app writes a watched file, which restarts the app, which writes it
// again) from a developer saving quickly. A developer cannot save the same file within moments of
// every restart several times running; an app that writes on start-up does exactly that. So a
// batch that opens soon after the app was spawned, and before the app said it was ready (when it
// can say so), is suspect, and the same file in several suspect batches in a row is a loop. A
// change after the app reported ready is something a person (or a test) did on purpose.

export interface FeedbackPolicy {
	/** A batch that opens this soon after a spawn is suspect. */
	withinMs: number;
	/** How many suspect batches in a row, sharing a file, make a loop. */
	batches: number;
	/**
	 * How far apart their delays after the spawn may be (or half the median delay, if more). An app
	 * writes on the same code path each start, so its delays match; a developer saving in a hurry
	 * (Ctrl-S, Ctrl-S) saves at whatever moment the typing allows.
	 */
	spreadMs: number;
}

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = {withinMs: 1500, batches: 3, spreadMs: 250};

export interface FeedbackDetector {
	spawned(at: number): void;
	/** The app itself reported ready (a client, an output pattern or a port; not the spawn). */
	ready(at: number): void;
	/** Returns the looping file, or undefined. */
	batch(files: readonly string[], firstChangeAt: number): string | undefined;
}

const spread = (delays: number[]): {spread: number; median: number} => {
	const sorted = [...delays].sort((a, b) => a - b);
	return {spread: sorted.at(-1)! - sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!};
};

export const createFeedbackDetector = (policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): FeedbackDetector => {
	let lastSpawnAt: number | undefined;
	let readyAt: number | undefined;
	// The suspect batches in a row so far (the last `policy.batches` of them).
	let streak: Array<{files: ReadonlySet<string>; delay: number}> = [];
	return {
		spawned(at) {
			lastSpawnAt = at;
			readyAt = undefined;
		},
		ready(at) {
			readyAt ??= at;
		},
		batch(files, firstChangeAt) {
			const delay = lastSpawnAt === undefined ? -1 : firstChangeAt - lastSpawnAt;
			const suspect = delay >= 0 && delay <= policy.withinMs && (readyAt === undefined || firstChangeAt < readyAt);
			if (!suspect) {
				streak = [];
				return undefined;
			}
			streak = [...streak, {files: new Set(files), delay}].slice(-policy.batches);
			if (streak.length < policy.batches) return undefined;
			const [first, ...rest] = streak;
			const common = [...first!.files].filter(file => rest.every(entry => entry.files.has(file))).sort();
			const timing = spread(streak.map(entry => entry.delay));
			// A jittery streak slides on: the next batches may still line up (a loaded machine).
			if (common.length === 0 || timing.spread > Math.max(policy.spreadMs, timing.median / 2)) return undefined;
			streak = [];
			return common[0];
		},
	};
};
