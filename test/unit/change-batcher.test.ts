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
});
