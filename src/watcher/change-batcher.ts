// One global debounce over every watched file: a batch opens on the first change, closes once
// `debounceMs` pass with no further change, and closes anyway when it has been open for `maxWaitMs`
// so a process that writes continuously cannot postpone a restart for ever.
//
// A batch of many distinct files (a branch switch, a code generator, 10,000 files at once) is
// written over seconds, with pauses on a busy machine longer than a save's: once it reaches
// LARGE_BATCH_FILES files its quiet window grows to LARGE_BATCH_QUIET_MS and its cap grows by a
// millisecond per file, so it stays one restart. A single file rewritten in a loop stays small, so
// the cap still bounds it.

export interface ChangeBatcher<T> {
	push(item: T): void;
	/** Drop the open batch, if any, without closing it. */
	cancel(): void;
}

export const maxBatchWaitMs = (debounceMs: number): number => Math.max(2000, 10 * debounceMs);

export const LARGE_BATCH_FILES = 100;
export const LARGE_BATCH_QUIET_MS = 300;
const MAX_CAP_MS = 30_000;

export const createChangeBatcher = <T>({
	debounceMs,
	maxWaitMs = maxBatchWaitMs(debounceMs),
	now = Date.now,
	keyOf,
	onOpen,
	onClose,
}: {
	debounceMs: number;
	maxWaitMs?: number;
	/** Names the file an item is about, so a batch can count distinct files. */
	keyOf?: (item: T) => string;
	now?: () => number;
	/** Called with the first item of a new batch, before it is added. */
	onOpen?: (item: T, openedAt: number) => void;
	onClose: (items: T[], openedAt: number) => void;
}): ChangeBatcher<T> => {
	let items: T[] = [];
	const keys = new Set<string>();
	let openedAt = 0;
	let timer: NodeJS.Timeout | undefined;

	const close = () => {
		const closed = items;
		timer = undefined;
		items = [];
		keys.clear();
		onClose(closed, openedAt);
	};

	return {
		push(item) {
			if (timer === undefined) {
				openedAt = now();
				onOpen?.(item, openedAt);
			} else {
				clearTimeout(timer);
			}
			items.push(item);
			if (keyOf) keys.add(keyOf(item));
			const large = keys.size >= LARGE_BATCH_FILES;
			const quiet = large ? Math.max(debounceMs, LARGE_BATCH_QUIET_MS) : debounceMs;
			const cap = large ? Math.min(MAX_CAP_MS, maxWaitMs + keys.size) : maxWaitMs;
			// A single timer: the quiet window, cut short by what is left of the cap.
			const untilCap = openedAt + cap - now();
			timer = setTimeout(close, Math.max(0, Math.min(quiet, untilCap)));
		},
		cancel() {
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
			items = [];
			keys.clear();
		},
	};
};
