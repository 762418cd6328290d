// Moves the dashboard's clock: one timer, set for the moment something shown would change
// (nextTickAt), and planned again after every state change, since an event can bring that moment
// closer (a restart puts the uptime back to seconds, a stop starts the countdown). Nothing else
// wakes an idle dashboard.

import {nextTickAt} from '../store/clock.js';
import type {DashboardStore} from '../store/store.js';

export const driveClock = ({store, now = Date.now}: {store: DashboardStore; now?: () => number}): (() => void) => {
	let timer: NodeJS.Timeout | undefined;
	let due: number | undefined;
	let stopped = false;

	const plan = () => {
		if (stopped) return;
		const at = nextTickAt(store.getState(), now());
		// A later or no deadline keeps the timer: the early tick is one cheap frame, while moving the
		// timer on every notification (30 a second in a flood) could put the countdown off for ever.
		if (at === undefined || (timer !== undefined && due !== undefined && at >= due)) return;
		clearTimeout(timer);
		due = at;
		timer = setTimeout(tick, Math.max(0, at - now()));
	};

	function tick() {
		timer = undefined;
		due = undefined;
		store.dispatch({type: 'tick', now: now()});
		plan();
	}

	const unsubscribe = store.subscribe(plan);
	plan();
	return () => {
		stopped = true;
		unsubscribe();
		clearTimeout(timer);
	};
};
