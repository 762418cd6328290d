import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createChangeBatcher, LARGE_BATCH_FILES, LARGE_BATCH_QUIET_MS} from '../../src/watcher/change-batcher.js';

// The batcher's timing is pure logic over a clock, so fake timers are the right tool here; the
// real-file behaviour is covered by test/integration/watch-files.test.ts and test/reliability.
describe('change batcher', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	const make = () => {
		const closed: string[][] = [];
		const batcher = createChangeBatcher<string>({debounceMs: 50, keyOf: item => item, now: () => Date.now(), onClose: items => closed.push(items)});
		return {batcher, closed};
	};

	it('closes a small batch after the quiet window', () => {
		const {batcher, closed} = make();
		batcher.push('a.py');
		vi.advanceTimersByTime(30);
		batcher.push('b.py');
		vi.advanceTimersByTime(49);
		expect(closed).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(closed).toEqual([['a.py', 'b.py']]);
	});

	it('waits longer for quiet once a batch has many distinct files, so a slow checkout stays one batch', () => {
		const {batcher, closed} = make();
		for (let i = 0; i < LARGE_BATCH_FILES; i++) batcher.push(`f${i}`);
		// A pause longer than the debounce but shorter than the large-batch window: still one batch.
		vi.advanceTimersByTime(LARGE_BATCH_QUIET_MS - 10);
		batcher.push('late');
		expect(closed).toEqual([]);
		vi.advanceTimersByTime(LARGE_BATCH_QUIET_MS);
		expect(closed).toHaveLength(1);
		expect(closed[0]).toHaveLength(LARGE_BATCH_FILES + 1);
	});

	it('still caps a single file rewritten in a loop', () => {
		const {batcher, closed} = make();
		for (let t = 0; t < 2500; t += 20) {
			batcher.push('app.log');
			vi.advanceTimersByTime(20);
		}
		expect(closed.length).toBeGreaterThanOrEqual(1);
		expect(closed[0]!.length).toBeLessThanOrEqual(101);
	});

	it('re-arms the quiet window when its timer fires late, instead of closing on a quiet it never saw', () => {
		// The clock jumps ahead of the timers, as it does for a process that was not running.
		let skipped = 0;
		const closed: string[][] = [];
		const batcher = createChangeBatcher<string>({debounceMs: 50, now: () => Date.now() + skipped, onClose: items => closed.push(items)});
		batcher.push('a.py');
		skipped = 300;
		vi.advanceTimersByTime(50);
		expect(closed).toEqual([]);
		batcher.push('b.py');
		vi.advanceTimersByTime(50);
		expect(closed).toEqual([['a.py', 'b.py']]);
	});

	it('lets events already under way arrive before closing: a push while settling keeps the batch open', async () => {
		const closed: string[][] = [];
		let release: () => void = () => {};
		let settles = 0;
		const batcher = createChangeBatcher<string>({
			debounceMs: 50,
			onClose: items => closed.push(items),
			settle: () => {
				settles++;
				return new Promise<void>(resolve => (release = resolve));
			},
		});
		batcher.push('a.py');
		vi.advanceTimersByTime(50);
		expect(settles).toBe(1);
		batcher.push('b.py');
		release();
		await vi.advanceTimersByTimeAsync(0);
		expect(closed).toEqual([]);
		vi.advanceTimersByTime(50);
		expect(settles).toBe(2);
		release();
		await vi.advanceTimersByTimeAsync(0);
		expect(closed).toEqual([['a.py', 'b.py']]);
	});

	it('does not settle past the cap', () => {
		const closed: string[][] = [];
		const batcher = createChangeBatcher<string>({debounceMs: 50, maxWaitMs: 100, onClose: items => closed.push(items), settle: () => new Promise<void>(() => {})});
		for (let t = 0; t < 100; t += 20) {
			batcher.push('app.log');
			vi.advanceTimersByTime(20);
		}
		expect(closed).toHaveLength(1);
	});

	it('closes a single quick item after the short window, and anything more after the debounce', () => {
		const closed: string[][] = [];
		const batcher = createChangeBatcher<string>({debounceMs: 50, onClose: items => closed.push(items), quick: {quietMs: 10, test: item => item.endsWith('.py')}});
		batcher.push('app.py');
		vi.advanceTimersByTime(10);
		expect(closed).toEqual([['app.py']]);
		// Two items (once the burst window after the last batch has passed): the whole debounce, from the last one.
		vi.advanceTimersByTime(200);
		batcher.push('a.py');
		vi.advanceTimersByTime(5);
		batcher.push('b.py');
		vi.advanceTimersByTime(49);
		expect(closed).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(closed[1]).toEqual(['a.py', 'b.py']);
		// One item that is not quick (an added file may yet turn out to be a temp file): the debounce.
		vi.advanceTimersByTime(200);
		batcher.push('new.tmp');
		vi.advanceTimersByTime(49);
		expect(closed).toHaveLength(2);
		vi.advanceTimersByTime(1);
		expect(closed[2]).toEqual(['new.tmp']);
	});

	it('waits the whole debounce when the quick window is not confirmed (a file caught between truncation and write)', async () => {
		const closed: string[][] = [];
		const asked: string[] = [];
		const batcher = createChangeBatcher<string>({
			debounceMs: 50,
			onClose: items => closed.push(items),
			settle: async () => {},
			quick: {quietMs: 10, test: () => true, confirm: async item => (asked.push(item), item !== 'empty.py')},
		});
		batcher.push('empty.py');
		await vi.advanceTimersByTimeAsync(10);
		expect(asked).toEqual(['empty.py']);
		expect(closed).toEqual([]);
		// Its second event (the write) arrives within the debounce: one batch.
		batcher.push('empty.py');
		await vi.advanceTimersByTimeAsync(49);
		expect(closed).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(closed).toEqual([['empty.py', 'empty.py']]);
		// The next batch, once the burst window has passed, may close early again.
		await vi.advanceTimersByTimeAsync(200);
		batcher.push('full.py');
		await vi.advanceTimersByTimeAsync(10);
		expect(closed[1]).toEqual(['full.py']);
	});

	it('gives no quick window to a batch that opens soon after the last one, and twice the debounce: a burst is not a save', async () => {
		const closed: string[][] = [];
		const batcher = createChangeBatcher<string>({
			debounceMs: 50,
			onClose: items => closed.push(items),
			quick: {quietMs: 5, test: () => true},
		});
		// A formatter writing ten files 10 ms apart: the first write looks like a save and closes early...
		batcher.push('f0.py');
		await vi.advanceTimersByTimeAsync(5);
		expect(closed).toEqual([['f0.py']]);
		// ...and everything after it is one batch that waits the whole debounce.
		for (let index = 1; index < 10; index++) {
			await vi.advanceTimersByTimeAsync(5);
			batcher.push(`f${index}.py`);
			await vi.advanceTimersByTimeAsync(5);
		}
		expect(closed).toHaveLength(1);
		// A gap longer than the debounce inside the burst (a loaded machine) does not split it...
		await vi.advanceTimersByTimeAsync(70);
		expect(closed).toHaveLength(1);
		batcher.push('f0.py');
		// ...and it closes after twice the debounce of quiet.
		await vi.advanceTimersByTimeAsync(99);
		expect(closed).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(closed).toEqual([['f0.py'], ['f1.py', 'f2.py', 'f3.py', 'f4.py', 'f5.py', 'f6.py', 'f7.py', 'f8.py', 'f9.py', 'f0.py']]);
		// A save once the burst window has passed is a save again.
		await vi.advanceTimersByTimeAsync(200);
		batcher.push('app.py');
		await vi.advanceTimersByTimeAsync(5);
		expect(closed.at(-1)).toEqual(['app.py']);
	});
});
