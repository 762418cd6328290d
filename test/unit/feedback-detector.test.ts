import {describe, expect, it} from 'vitest';
import {createFeedbackDetector} from '../../src/watcher/feedback-detector.js';

describe('feedback loop detector', () => {
	it('names the file when it changes right after each of three spawns', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		let now = 0;
		const cycle = (files: string[], after: number) => {
			detector.spawned(now);
			now += after;
			const result = detector.batch(files, now);
			now += 100;
			return result;
		};
		expect(cycle(['out.log', 'app.py'], 50)).toBeUndefined();
		expect(cycle(['out.log'], 40)).toBeUndefined();
		expect(cycle(['out.log', 'other.txt'], 60)).toBe('out.log');
	});

	it('does not flag a developer who saves a file a few seconds after each restart', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		for (let i = 0; i < 10; i++) {
			detector.spawned(i * 10_000);
			expect(detector.batch(['app.py'], i * 10_000 + 3000)).toBeUndefined();
		}
	});

	it('does not flag a developer saving in a hurry right after each restart, at uneven moments', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		let now = 0;
		for (const delay of [300, 900, 1400, 200, 800, 1300]) {
			detector.spawned(now);
			expect(detector.batch(['app.py'], now + delay)).toBeUndefined();
			now += delay + 100;
		}
	});

	it('catches a loop whose timing is jittery at first, once three starts in a row line up', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		let now = 0;
		const results = [60, 900, 70, 80, 65].map(delay => {
			detector.spawned(now);
			const result = detector.batch(['out.log'], now + delay);
			now += delay + 100;
			return result;
		});
		expect(results).toEqual([undefined, undefined, undefined, undefined, 'out.log']);
	});

	it('needs the same file every time, in a row', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		detector.spawned(0);
		expect(detector.batch(['a'], 10)).toBeUndefined();
		detector.spawned(100);
		expect(detector.batch(['b'], 110)).toBeUndefined();
		detector.spawned(200);
		expect(detector.batch(['b'], 210)).toBeUndefined();
		// A calm batch breaks the streak.
		detector.spawned(300);
		expect(detector.batch(['b'], 5000)).toBeUndefined();
		detector.spawned(6000);
		expect(detector.batch(['b'], 6010)).toBeUndefined();
		detector.spawned(7000);
		expect(detector.batch(['b'], 7010)).toBeUndefined();
		detector.spawned(8000);
		expect(detector.batch(['b'], 8010)).toBe('b');
	});
});

describe('feedback loop detector with readiness', () => {
	it('does not count changes made after the app reported ready', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		for (let i = 0; i < 5; i++) {
			const spawnAt = i * 1000;
			detector.spawned(spawnAt);
			detector.ready(spawnAt + 200);
			expect(detector.batch(['app.py'], spawnAt + 300)).toBeUndefined();
		}
	});

	it('still counts changes made before the app was ready', () => {
		const detector = createFeedbackDetector({withinMs: 1500, batches: 3, spreadMs: 250});
		const results = [0, 1, 2].map(i => {
			detector.spawned(i * 1000);
			const result = detector.batch(['cache.json'], i * 1000 + 50);
			detector.ready(i * 1000 + 200);
			return result;
		});
		expect(results).toEqual([undefined, undefined, 'cache.json']);
	});
});
