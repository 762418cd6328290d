// The dashboard's clock: how it shows spans that stay on screen (the uptime, the state's age) and
// when the clock next has to move. Every move costs a frame: Ink lays out and re-encodes the whole
// screen, ~20 ms for 120x40. So long-lived spans are coarse (minutes: "<1m", then "3m"), and the
// clock ticks only when something on screen would change: an idle dashboard draws once a minute
// instead of once a second (seconds in the first minute cost 2.6 % of a core, measured in bench/).
// What happens now (a stop's countdown, a check, a crash's back-off) still moves each second.
// Pure: `now` comes from the caller.

import {isStopping, stateAgeMs, uptimeMs} from './selectors.js';
import type {DashboardState} from './state.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A notice stays in the header this long. */
export const NOTICE_MS = 30_000;
/** While the app is being stopped the force-kill countdown moves: a quick tick. */
export const STOPPING_TICK_MS = 250;
/** Ticks land this long after the moment a shown value changes, so they never round to before it. */
const LATE_MS = 5;

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** An uptime or an age, as coarse as a glance needs: <1m, then 3m, then 1h 02m. */
export const formatCoarseSpan = (ms: number): string => {
	const value = Math.max(0, ms);
	if (value < MINUTE) return '<1m';
	if (value < HOUR) return `${Math.floor(value / MINUTE)}m`;
	return `${Math.floor(value / HOUR)}h ${pad2(Math.floor((value % HOUR) / MINUTE))}m`;
};

/** How long until formatCoarseSpan(ms) shows something else. */
export const coarseSpanStep = (ms: number): number => {
	return MINUTE - (Math.max(0, ms) % MINUTE);
};

/** The next whole second of the wall clock: durations shown to the millisecond move at 1 Hz. */
const nextSecond = (now: number): number => now + SECOND - (now % SECOND) + LATE_MS;

const liveEachSecond = (state: DashboardState): boolean => state.timeline.current !== undefined || state.check?.status === 'running';

/** The crash back-off's countdown moves when a whole second is left less: ticks land on those moments. */
const crashCountdownStep = (state: DashboardState, now: number): number | undefined => {
	const restartAt = state.supervisor === 'crashed' ? state.crash?.restartAt : undefined;
	if (restartAt === undefined || restartAt <= now) return undefined;
	return now + ((restartAt - now) % SECOND) + LATE_MS;
};

/**
 * When the clock must next tick for the screen to stay true, or undefined when nothing shown
 * depends on the time (no tick needed until the next event).
 */
export const nextTickAt = (state: DashboardState, now: number): number | undefined => {
	if (isStopping(state) || state.stop !== undefined) return now + STOPPING_TICK_MS;
	const due: number[] = [];
	if (liveEachSecond(state)) due.push(nextSecond(now));
	const crash = crashCountdownStep(state, now);
	if (crash !== undefined) due.push(crash);
	// Spans are measured to the clock, not to state.now (which lags until the next tick).
	const clock = {...state, now};
	for (const span of [uptimeMs(clock), stateAgeMs(clock)]) {
		if (span !== undefined) due.push(now + coarseSpanStep(span) + LATE_MS);
	}
	if (state.notice && now - state.notice.at < NOTICE_MS) due.push(state.notice.at + NOTICE_MS + LATE_MS);
	return due.length === 0 ? undefined : Math.min(...due);
};
