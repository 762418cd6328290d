// Derived values the components show. Pure functions of the state (time included: `state.now`).

import type {ChangedFile, RestartTimeline} from '../supervisor/events.js';
import type {AppStatus, DashboardState, SnapshotItem} from './state.js';

export const appStatus = (state: DashboardState): AppStatus => {
	if (state.quitting) return 'stopping';
	switch (state.supervisor) {
		case 'stopping':
			return 'stopping';
		case 'crashed':
			return 'crashed';
		case 'exited':
			return 'exited';
		case 'idle':
		case 'starting':
			return 'starting';
		case 'running':
			if (state.held) return 'held';
			if (state.readyPid === undefined || state.readyPid !== state.pid) return 'running';
			return state.readinessUnknown?.pid === state.pid ? 'started' : 'ready';
	}
};

/** What the header adds after the status word: readiness unknown, and the app's own status line (sd_notify STATUS=). */
export const statusDetail = (state: DashboardState): string | undefined => {
	const running = state.supervisor === 'running' || state.supervisor === 'stopping';
	const {statusLine} = state;
	const line = running && statusLine !== undefined && statusLine.pid === state.pid ? statusLine.text.trim() : '';
	const parts = [appStatus(state) === 'started' ? 'readiness unknown' : undefined, line === '' ? undefined : line].filter(Boolean);
	return parts.length > 0 ? parts.join(' · ') : undefined;
};

/** Whether the app has state to inspect: it saved some, a state file exists, or snapshots do. */
export const hasState = (state: DashboardState): boolean =>
	state.persisted.validatedAt !== undefined ||
	state.persisted.invalid !== undefined ||
	state.persisted.restored !== undefined ||
	state.preview.status === 'ready' ||
	state.preview.status === 'error' ||
	state.snapshots.items.length > 0 ||
	state.chosenSnapshot !== undefined;

/** How long the current instance has been up, or undefined when none is. */
export const uptimeMs = (state: DashboardState): number | undefined =>
	state.startedAt !== undefined && state.supervisor === 'running' ? state.now - state.startedAt : undefined;

export interface ChangesView {
	mode: 'held' | 'restart' | 'none';
	files: ChangedFile[];
	at?: number;
	trigger?: RestartTimeline['trigger'];
	restart?: number;
}

/** The files behind the current or last restart, or the pending ones while held. */
export const visibleChanges = (state: DashboardState): ChangesView => {
	if (state.held) return {mode: 'held', files: state.pending};
	// A kill or quit stops the app without a change behind it: the last batch stays the one shown.
	const timeline = [state.timeline.current, state.last].find(
		entry => entry && entry.trigger !== 'start' && entry.trigger !== 'quit' && entry.outcome !== 'stopped',
	);
	if (timeline) {
		return {mode: 'restart', files: timeline.files, at: timeline.startedAt, trigger: timeline.trigger, restart: timeline.restart};
	}
	if (state.batch) return {mode: 'restart', files: state.batch.files, at: state.batch.at, trigger: 'change'};
	return {mode: 'none', files: []};
};

export interface ShownTimeline {
	timeline: RestartTimeline;
	/** Still running: durations grow with the clock. */
	live: boolean;
	/** The app was stopped (killed) and nothing was started after it: the timeline ends there. */
	stopped?: boolean;
	/** The instance started and nothing tells when it serves: the timeline ends at the spawn, no boot time claimed. */
	readinessUnknown?: boolean;
}

// The boot phase of a start whose readiness is unknown measured nothing: it is left out.
const withoutBoot = (timeline: RestartTimeline): RestartTimeline => ({
	...timeline,
	phases: timeline.phases.filter(phase => !(phase.name === 'boot' && phase.source === 'devtui')),
});

/** The restart in progress, else the last one completed. */
export const shownTimeline = (state: DashboardState): ShownTimeline | undefined => {
	const {current} = state.timeline;
	const unknown = (timeline: RestartTimeline) => state.readinessUnknown !== undefined && timeline.restart === state.readinessUnknown.restart;
	// A start devtui gave up waiting on is over, whether or not the core closes its timeline.
	if (current && unknown(current)) return {timeline: withoutBoot(current), live: false, readinessUnknown: true};
	if (current) return {timeline: current, live: true};
	if (!state.last) return undefined;
	if (unknown(state.last) && state.last.outcome !== 'crashed') return {timeline: withoutBoot(state.last), live: false, readinessUnknown: true};
	return {timeline: state.last, live: false, stopped: state.last.outcome === 'stopped'};
};

export interface Countdown {
	signal: string;
	/** Time since the signal was sent. */
	elapsedMs: number;
	/** Time left before the force kill (0 once it is due). */
	remainingMs: number;
	/** Signal to deadline, including any extension the app was granted. */
	totalMs: number;
	extended: boolean;
	forced?: {reason: string; afterMs: number};
}

export const countdown = (state: DashboardState): Countdown | undefined => {
	const {stop} = state;
	if (!stop) return undefined;
	const totalMs = Math.max(0, stop.deadline - stop.signalAt);
	return {
		signal: stop.signal,
		elapsedMs: Math.max(0, state.now - stop.signalAt),
		remainingMs: Math.max(0, stop.deadline - state.now),
		totalMs,
		extended: totalMs > stop.timeoutMs,
		...(stop.forced ? {forced: {reason: stop.forced.reason, afterMs: stop.forced.at - stop.signalAt}} : {}),
	};
};

/** When the state file was last written (the preview's mtime) or validated. */
export const stateAgeMs = (state: DashboardState): number | undefined => {
	const at = state.preview.preview?.mtimeMs ?? state.persisted.validatedAt;
	return at === undefined ? undefined : Math.max(0, state.now - at);
};

export const selectedSnapshot = (state: DashboardState): SnapshotItem | undefined =>
	state.ui.browser.open ? state.snapshots.items[state.ui.browser.cursor] : undefined;

/** Whether the app is being stopped (a countdown runs), which changes what `k` and `q` mean. */
export const isStopping = (state: DashboardState): boolean => state.supervisor === 'stopping' || state.quitting !== undefined;
