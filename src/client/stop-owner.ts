// Who ends the process when the stop signal comes: the client, or the app itself (its own
// process.on('SIGTERM') listener, a framework's, close-with-grace). Node calls every listener, so
// when the app listens too the client lets it stop the app its own way and runs the shutdown
// handler after it; calling process.exit() itself would cut the app's graceful close short. Pure
// apart from the defaults, which read the live process.

/** Share of the timeout (at least FALLBACK_MIN_MS) that the handler keeps before devtui's force kill. */
export const FALLBACK_SHARE = 0.25;
export const FALLBACK_MIN_MS = 500;

const SIGNAL_EXIT_V4 = Symbol.for('signal-exit emitter');

interface SignalExitEmitter {
	count?: unknown;
}

/**
 * Listeners that never stop the app while another listener exists: signal-exit (v3 and v4, which
 * many libraries load) re-raises the signal only when it is alone, and does nothing otherwise.
 * Counted as signal-exit counts itself: one listener per signal for every instance loaded.
 */
export const passiveListenerCount = (
	global: Record<symbol, unknown> = globalThis as unknown as Record<symbol, unknown>,
	proc: {__signal_exit_emitter__?: unknown} = process as unknown as {__signal_exit_emitter__?: unknown},
): number => {
	const count = (emitter: unknown): number => {
		const value = (emitter as SignalExitEmitter | undefined)?.count;
		return typeof emitter === 'object' && emitter !== null && typeof value === 'number' && value > 0 ? value : 0;
	};
	return count(global[SIGNAL_EXIT_V4]) + count(proc.__signal_exit_emitter__);
};

/** Whether the app listens for the signal itself, besides the client's own listener and passive ones. */
export const appListens = (listeners: readonly unknown[], ours: unknown, passive: number): boolean =>
	listeners.filter(listener => listener !== ours).length - passive > 0;

/** When the handler runs at the latest while the app stops itself: some time before the force kill. */
export const fallbackAt = (deadline: number, timeoutMs: number | undefined): number =>
	deadline - Math.max(FALLBACK_MIN_MS, FALLBACK_SHARE * (timeoutMs ?? 0));
