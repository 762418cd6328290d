import {describe, expect, it} from 'vitest';
import {DEFAULT_BACKOFF, nextBackoff} from '../../src/supervisor/crash-backoff.js';

describe('crash backoff', () => {
	it('doubles from 500 ms and caps at 30 s', () => {
		let crashes = 0;
		const delays: number[] = [];
		for (let i = 0; i < 9; i++) {
			const next = nextBackoff(crashes, 100);
			crashes = next.crashes;
			delays.push(next.delayMs);
		}
		expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
	});

	it('starts over after a healthy run', () => {
		expect(nextBackoff(6, DEFAULT_BACKOFF.healthyAfterMs)).toEqual({delayMs: 500, crashes: 1});
		expect(nextBackoff(6, DEFAULT_BACKOFF.healthyAfterMs - 1).delayMs).toBe(30_000);
	});
});
