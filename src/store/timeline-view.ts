// The shutdown timeline as bars on one time axis (a small Gantt chart): each phase starts where it
// started and is as long as it took, so overlapping phases (the app's own shutdown inside devtui's
// "wait for exit") and the one that ate the time are visible at a glance.

import type {RestartTimeline, TimelinePhase} from '../supervisor/events.js';

export interface PhaseBar {
	name: string;
	source: TimelinePhase['source'];
	outcome: TimelinePhase['outcome'];
	error?: string;
	/** Elapsed so far for a running phase. */
	durationMs: number;
	/** Column where the bar starts, and its length (at least 1). */
	offset: number;
	length: number;
}

/** Time from the start of the restart to its end, or to `now` while it runs. */
export const timelineSpan = (timeline: RestartTimeline, now: number): number => {
	const elapsed = timeline.totalMs ?? Math.max(0, now - timeline.startedAt);
	const ends = timeline.phases.map(phase => phase.startMs + (phase.durationMs ?? Math.max(0, elapsed - phase.startMs)));
	return Math.max(1, elapsed, ...ends);
};

// The signal itself takes no time; its name is in the countdown and the title instead.
const shown = (phase: TimelinePhase): boolean => !(phase.name === 'signal' && phase.source === 'devtui');

export const phaseBars = (timeline: RestartTimeline, now: number, width: number): PhaseBar[] => {
	const span = timelineSpan(timeline, now);
	const elapsed = timeline.totalMs ?? Math.max(0, now - timeline.startedAt);
	const scale = Math.max(1, width) / span;
	return timeline.phases.filter(shown).map(phase => {
		const durationMs = phase.durationMs ?? Math.max(0, elapsed - phase.startMs);
		const offset = Math.min(Math.max(0, width - 1), Math.floor(phase.startMs * scale));
		const length = Math.max(1, Math.min(width - offset, Math.round(durationMs * scale)));
		return {
			name: phase.name,
			source: phase.source,
			outcome: phase.outcome,
			...(phase.error ? {error: phase.error} : {}),
			durationMs,
			offset,
			length,
		};
	});
};

/** Filled cells of a progress bar `width` wide. */
export const filledCells = (fraction: number, width: number): number => Math.max(0, Math.min(width, Math.round(fraction * width)));
