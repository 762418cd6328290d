// Who stops the app in the Node client (src/client/stop-owner.ts): the app's own stop-signal
// listeners count, the client's and signal-exit's do not; the fallback point before the force kill.

import {describe, expect, it} from 'vitest';
import {appListens, fallbackAt, passiveListenerCount} from '../../src/client/stop-owner.js';

describe('who stops the app', () => {
	const ours = () => {};
	const theirs = () => {};

	it("counts the app's listeners, not the client's own", () => {
		expect(appListens([ours], ours, 0)).toBe(false);
		expect(appListens([ours, theirs], ours, 0)).toBe(true);
		expect(appListens([theirs], undefined, 0)).toBe(true);
		expect(appListens([], ours, 0)).toBe(false);
	});

	it("leaves out signal-exit's listeners, v4 and v3 alike, as signal-exit counts itself", () => {
		expect(passiveListenerCount({}, {})).toBe(0);
		expect(passiveListenerCount({[Symbol.for('signal-exit emitter')]: {count: 2}}, {__signal_exit_emitter__: {count: 1}})).toBe(3);
		expect(passiveListenerCount({[Symbol.for('signal-exit emitter')]: {count: 'x'}}, {__signal_exit_emitter__: null})).toBe(0);
		expect(appListens([ours, theirs], ours, 1)).toBe(false);
		expect(appListens([ours, theirs, theirs], ours, 1)).toBe(true);
	});

	it('runs the handler a quarter of the timeout, at least 500 ms, before the force kill', () => {
		expect(fallbackAt(10_000, 10_000)).toBe(7500);
		expect(fallbackAt(10_000, 1000)).toBe(9500);
		expect(fallbackAt(10_000, undefined)).toBe(9500);
	});
});
