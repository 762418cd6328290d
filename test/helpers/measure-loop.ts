// Runs `task` while a 10 ms interval measures the longest gap the main event loop shows: how a
// test proves that heavy work (a 50 MB state) stayed off the thread that handles keys and output.

export const measureLoop = async <T>(task: () => Promise<T>): Promise<{result: T; maxGapMs: number; ms: number}> => {
	let last = performance.now();
	let maxGapMs = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		maxGapMs = Math.max(maxGapMs, now - last);
		last = now;
	}, 10);
	const started = performance.now();
	try {
		const result = await task();
		return {result, maxGapMs: Math.max(maxGapMs, performance.now() - last), ms: performance.now() - started};
	} finally {
		clearInterval(timer);
	}
};
