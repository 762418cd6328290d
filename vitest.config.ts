import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Integration tests start real processes and watch real files; two cores run them best two at a time.
		maxWorkers: 2,
	},
});
