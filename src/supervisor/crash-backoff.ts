// How long to wait before restarting a crashed app (--restart-on-crash): exponential, capped, and
// reset once the app has stayed up long enough to count as healthy, so a crash loop never spins
// the CPU but a rare crash restarts quickly.

export interface BackoffPolicy {
	initialMs: number;
	factor: number;
	maxMs: number;
	/** An app that ran at least this long before crashing starts the sequence over. */
	healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {initialMs: 500, factor: 2, maxMs: 30_000, healthyAfterMs: 10_000};

// Returns the delay before the next start and the crash count to carry forward.
export const nextBackoff = (
	previousCrashes: number,
	uptimeMs: number,
	policy: BackoffPolicy = DEFAULT_BACKOFF,
): {delayMs: number; crashes: number} => {
	const crashes = uptimeMs >= policy.healthyAfterMs ? 1 : previousCrashes + 1;
	const delayMs = Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** (crashes - 1)));
	return {delayMs, crashes};
};
