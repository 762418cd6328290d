// `npm run screenshots`: renders the dashboard's key frames to screenshots/*.svg. Not part of the
// test run (its file is not a *.test.tsx); colours are forced on so the frames carry them.

import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/screenshots/render-screenshots.tsx'],
		pool: 'forks',
		env: {FORCE_COLOR: '3'},
		testTimeout: 60_000,
	},
});
