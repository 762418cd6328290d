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
}

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = {withinMs: 1500, batches: 3};

export interface FeedbackDetector {
	spawned(at: number): void;
	/** The app itself reported ready (a client, an output pattern or a port; not the spawn). */
	ready(at: number): void;
	/** Returns the looping file, or undefined. */
	batch(files: readonly string[], firstChangeAt: number): string | undefined;
}

export const createFeedbackDetector = (policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): FeedbackDetector => {
	let lastSpawnAt: number | undefined;
	let readyAt: number | undefined;
	let common: Set<string> | undefined;
	let streak = 0;
	return {
		spawned(at) {
			lastSpawnAt = at;
			readyAt = undefined;
		},
		ready(at) {
			readyAt ??= at;
		},
		batch(files, firstChangeAt) {
			const soon = lastSpawnAt !== undefined && firstChangeAt - lastSpawnAt >= 0 && firstChangeAt - lastSpawnAt <= policy.withinMs;
			const suspect = soon && (readyAt === undefined || firstChangeAt < readyAt);
			if (!suspect) {
				common = undefined;
				streak = 0;
				return undefined;
			}
			common = new Set(common ? files.filter(file => common!.has(file)) : files);
			streak = common.size > 0 ? streak + 1 : 0;
			if (common.size === 0) common = undefined;
			if (streak < policy.batches || !common) return undefined;
			const [file] = [...common].sort();
			common = undefined;
			streak = 0;
			return file;
		},
	};
};
