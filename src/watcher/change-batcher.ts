// One global debounce over every watched file: a batch opens on the first change, closes once
// `debounceMs` pass with no further change, and closes anyway when it has been open for `maxWaitMs`
// so a process that writes continuously cannot postpone a restart for ever.

export interface ChangeBatcher<T> {
	push(item: T): void;
	/** Drop the open batch, if any, without closing it. */
	cancel(): void;
}

export const maxBatchWaitMs = (debounceMs: number): number => Math.max(2000, 10 * debounceMs);

export const createChangeBatcher = <T>({
	debounceMs,
	maxWaitMs = maxBatchWaitMs(debounceMs),
	now = Date.now,
	onOpen,
	onClose,
}: {
	debounceMs: number;
	maxWaitMs?: number;
	now?: () => number;
	/** Called with the first item of a new batch, before it is added. */
	onOpen?: (item: T, openedAt: number) => void;
	onClose: (items: T[], openedAt: number) => void;
}): ChangeBatcher<T> => {
	let items: T[] = [];
	let openedAt = 0;
	let timer: NodeJS.Timeout | undefined;

	const close = () => {
		const closed = items;
		timer = undefined;
		items = [];
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
			// A single timer: the quiet window, cut short by what is left of the cap.
			const untilCap = openedAt + maxWaitMs - now();
			timer = setTimeout(close, Math.max(0, Math.min(debounceMs, untilCap)));
		},
		cancel() {
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
			items = [];
		},
	};
};
