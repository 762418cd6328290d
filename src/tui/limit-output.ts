// Lets the app's output in only as fast as the dashboard can show it. Past `maxLines` lines of
// output within one frame interval, the app's pipes are paused until the interval ends: the app
// waits (as it would on a slow terminal), and devtui's event loop stays free for keys and frames
// instead of being pinned by a flood that nobody can read at that speed anyway.

import type {EventBus} from '../supervisor/event-bus.js';

export const limitOutput = ({
	bus,
	pause,
	maxLines = 15000,
	intervalMs = 33,
	now = () => performance.now(),
}: {
	bus: Pick<EventBus, 'subscribe'>;
	pause: (paused: boolean) => void;
	maxLines?: number;
	intervalMs?: number;
	now?: () => number;
}): (() => void) => {
	let windowStart = -Infinity;
	let lines = 0;
	let timer: NodeJS.Timeout | undefined;
	const resume = () => {
		timer = undefined;
		windowStart = now();
		lines = 0;
		pause(false);
	};
	const unsubscribe = bus.subscribe(event => {
		if (event.type !== 'run/output') return;
		const at = now();
		if (at - windowStart >= intervalMs) {
			windowStart = at;
			lines = 0;
		}
		lines += event.lines.length;
		if (lines < maxLines || timer) return;
		pause(true);
		timer = setTimeout(resume, Math.max(1, intervalMs - (at - windowStart)));
	});
	return () => {
		unsubscribe();
		if (timer) {
			clearTimeout(timer);
			resume();
		}
	};
};
