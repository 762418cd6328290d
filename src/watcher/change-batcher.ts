// One global debounce over every watched file: a batch opens on the first change, closes once
// `debounceMs` pass with no further change, and closes anyway when it has been open for `maxWaitMs`
// so a process that writes continuously cannot postpone a restart for ever.
//
// A batch of many distinct files (a branch switch, a code generator, 10,000 files at once) is
// written over seconds, with pauses on a busy machine longer than a save's: once it reaches
// LARGE_BATCH_FILES files its quiet window grows to LARGE_BATCH_QUIET_MS and its cap grows by a
// millisecond per file, so it stays one restart. A single file rewritten in a loop stays small, so
// the cap still bounds it.
//
// A burst is not a save. A formatter, a generator or a save-all on a slow disk writes files 5-30 ms
// apart: each write alone looks like a single save, and closing on the short quick window would
// restart once per write. So a batch that opens soon after the previous one closed (within
// BURST_WINDOW debounces) is the same burst going on: it gets no quick window, and waits twice the
// debounce, since a loaded machine stretches a writer's gaps past the debounce now and then. At most
// two restarts for a burst, then: the first write's, and one for everything after it (only one when
// the old app takes longer to stop than the gap: the first start waits for the second batch).
//
// Quiet must be seen, not assumed. A timer that fires late means devtui was not running (a loaded
// machine, a CPU quota, a long garbage collection): the writer may have been frozen with it, or its
// events may be waiting in the kernel, and Node runs due timers before it reads them. So a late
// timer re-arms the window instead of closing; and an on-time one first lets `settle` drain what
// is already on its way (the watcher's own stat calls) before the batch closes.

export interface ChangeBatcher<T> {
	push(item: T): void;
	/** Drop the open batch, if any, without closing it. */
	cancel(): void;
}

export const maxBatchWaitMs = (debounceMs: number): number => Math.max(2000, 10 * debounceMs);

/** A batch that opens within this many debounces of the previous one's close is part of a burst. */
export const BURST_WINDOW = 4;

export const LARGE_BATCH_FILES = 100;
export const LARGE_BATCH_QUIET_MS = 300;
const MAX_CAP_MS = 30_000;

/** How late a timer may fire before devtui counts itself as having been stalled. */
export const stallToleranceMs = (quietMs: number): number => Math.max(20, quietMs / 2);

export const createChangeBatcher = <T>({
	debounceMs,
	maxWaitMs = maxBatchWaitMs(debounceMs),
	now = Date.now,
	keyOf,
	onClose,
	settle,
	quick,
}: {
	debounceMs: number;
	maxWaitMs?: number;
	/** Names the file an item is about, so a batch can count distinct files. */
	keyOf?: (item: T) => string;
	now?: () => number;
	onClose: (items: T[], openedAt: number) => void;
	/**
	 * Resolves once events already under way have arrived (they call `push` meanwhile, which
	 * keeps the batch open). Without it a batch closes as soon as its quiet window ends.
	 */
	settle?: () => Promise<void>;
	/**
	 * A batch of one item that passes `test` closes after `quietMs` instead of the debounce: a
	 * single save. `confirm`, when given, is asked before such a batch closes early; false lets the
	 * batch wait the whole debounce instead (a file caught between its truncation and its write).
	 */
	quick?: {quietMs: number; test: (item: T) => boolean; confirm?: (item: T) => Promise<boolean>};
}): ChangeBatcher<T> => {
	let items: T[] = [];
	const keys = new Set<string>();
	let openedAt = 0;
	let timer: NodeJS.Timeout | undefined;
	let dueAt = 0;
	// Bumped by every push and cancel: a settle that sees it changed leaves the batch to the new timer.
	let generation = 0;
	// The open batch was refused the quick window (a burst, an event that fails its test, or its
	// confirm said no): it waits the whole debounce.
	let quickDenied = false;
	// The open batch continues a burst: it waits twice the debounce.
	let inBurst = false;
	let lastClosedAt = Number.NEGATIVE_INFINITY;

	const close = () => {
		const closed = items;
		items = [];
		keys.clear();
		quickDenied = false;
		lastClosedAt = now();
		if (closed.length > 0) onClose(closed, openedAt);
	};

	const isLarge = () => keys.size >= LARGE_BATCH_FILES;
	// One file, however many events it had (vim's write, then its fchmod): still a single save.
	const single = () => (keyOf ? keys.size === 1 : items.length === 1);
	const isQuick = () => quick !== undefined && !quickDenied && single() && quick.quietMs < debounceMs;
	const quietMs = () => {
		if (isLarge()) return Math.max(debounceMs * (inBurst ? 2 : 1), LARGE_BATCH_QUIET_MS);
		if (isQuick()) return quick!.quietMs;
		return inBurst ? 2 * debounceMs : debounceMs;
	};
	const capAt = () => openedAt + (isLarge() ? Math.min(MAX_CAP_MS, maxWaitMs + keys.size) : maxWaitMs);

	const arm = () => {
		// A single timer: the quiet window, cut short by what is left of the cap.
		const delay = Math.max(0, Math.min(quietMs(), capAt() - now()));
		dueAt = now() + delay;
		timer = setTimeout(onTimer, delay);
	};

	function onTimer() {
		timer = undefined;
		const capped = now() >= capAt();
		if (!capped && now() - dueAt > stallToleranceMs(quietMs())) {
			arm();
			return;
		}
		if (!settle || capped) {
			close();
			return;
		}
		const seen = generation;
		const confirm = isQuick() ? quick!.confirm : undefined;
		const first = items[0]!;
		settle()
			.catch(() => undefined)
			.then(async () => (generation === seen && confirm ? confirm(first).catch(() => true) : true))
			.then(confirmed => {
				if (generation !== seen) return;
				if (confirmed) {
					close();
					return;
				}
				quickDenied = true;
				arm();
			});
	}

	return {
		push(item) {
			generation++;
			if (items.length === 0) {
				openedAt = now();
				// Still the burst the last batch came from: no quick window for this one, and a longer quiet.
				inBurst = openedAt - lastClosedAt < BURST_WINDOW * debounceMs;
				quickDenied = inBurst;
			}
			// Every event of a quick batch must pass the test: one that fails denies it, once, here.
			if (quick && !quick.test(item)) quickDenied = true;
			if (timer !== undefined) clearTimeout(timer);
			items.push(item);
			if (keyOf) keys.add(keyOf(item));
			arm();
		},
		cancel() {
			generation++;
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
			items = [];
			keys.clear();
			quickDenied = false;
		},
	};
};
