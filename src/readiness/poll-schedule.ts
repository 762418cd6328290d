// How often devtui looks in /proc while an instance has not shown what it does yet (listening on a
// port, accepting on a held socket). Fast at first, because most dev servers bind within half a
// second and the boot time shown is only as exact as the sampling; slower as the boot drags on, and
// once a second after the readiness threshold, for apps that are not servers at all.

export interface PollPolicy {
	/** The interval at the start. */
	fastMs: number;
	/** How long the fast interval lasts after the spawn. */
	fastForMs: number;
	/** The interval the schedule slows down to... */
	slowMs: number;
	/** ...over this long after the fast phase. */
	rampMs: number;
	/** After this long since the spawn (the readiness threshold), the interval is `idleMs`. */
	idleAfterMs: number;
	idleMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {fastMs: 10, fastForMs: 500, slowMs: 250, rampMs: 2000, idleAfterMs: 10_000, idleMs: 1000};

/** The wait before the next look, `elapsedMs` after the spawn. */
export const pollDelay = (elapsedMs: number, policy: PollPolicy = DEFAULT_POLL_POLICY): number => {
	if (elapsedMs >= policy.idleAfterMs) return policy.idleMs;
	if (elapsedMs < policy.fastForMs) return policy.fastMs;
	const ramp = Math.min(1, (elapsedMs - policy.fastForMs) / policy.rampMs);
	return Math.round(policy.fastMs + (policy.slowMs - policy.fastMs) * ramp);
};

export interface Poller {
	stop(): void;
}

/**
 * Calls `look` on the schedule, counted from `since`, until it returns true (done) or `stop()`.
 * The first look comes on the next turn of the event loop (an app may already be listening when
 * devtui learns its pid), never inside the caller's own event delivery.
 */
export const startPolling = ({
	look,
	since,
	policy = DEFAULT_POLL_POLICY,
	now = Date.now,
}: {
	look: () => boolean;
	since: number;
	policy?: PollPolicy;
	now?: () => number;
}): Poller => {
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	const tick = () => {
		timer = undefined;
		if (stopped || look() || stopped) return;
		timer = setTimeout(tick, pollDelay(now() - since, policy));
	};
	timer = setTimeout(tick, 0);
	return {
		stop() {
			stopped = true;
			clearTimeout(timer);
		},
	};
};
