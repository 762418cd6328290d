// Poll a condition until it holds or a deadline passes. Tests wait for events this way, never
// with a fixed sleep, so they are as fast as the machine allows and fail with a clear message.

export const waitFor = async <T>(
	check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
	{timeout = 10_000, interval = 20, message = 'condition'}: {timeout?: number; interval?: number; message?: string | (() => string)} = {},
): Promise<T> => {
	const deadline = Date.now() + timeout;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== false && value !== null) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			const what = typeof message === 'function' ? message() : message;
			throw new Error(`Timed out after ${timeout} ms waiting for ${what}${detail}`);
		}
		await new Promise(resolve => setTimeout(resolve, interval));
	}
};
