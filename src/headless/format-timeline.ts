// One line that sums up a restart: how long it took from the change to "ready" (and how devtui
// knew), and where the time went, devtui's phases and the app's own, so a slow or stuck shutdown
// phase is easy to spot. An instance that gave no sign of readiness "started", readiness unknown,
// with no boot time.

import type {RestartTimeline, TimelinePhase} from '../supervisor/events.js';
import {formatDuration} from '../format-duration.js';
import {describeReadySign} from './format-readiness.js';

const phaseText = (phase: TimelinePhase): string => {
	const duration = phase.durationMs === undefined ? 'running' : formatDuration(phase.durationMs);
	const mark = phase.outcome === 'failed' ? ' FAILED' : phase.outcome === 'interrupted' ? ' INTERRUPTED' : '';
	return `${phase.name} ${duration}${mark}${phase.error ? ` (${phase.error})` : ''}`;
};

export const formatTimeline = (timeline: RestartTimeline): string => {
	const app = timeline.phases.filter(phase => phase.source === 'app');
	const devtui = timeline.phases.filter(
		phase => phase.source === 'devtui' && phase.name !== 'signal' && phase.name !== 'wait for exit' && phase.name !== 'force kill',
	);
	const parts: string[] = [];
	if (timeline.stopMs !== undefined) {
		const appPhases = app.length > 0 ? ` [${app.map(phaseText).join(', ')}]` : '';
		const forced = timeline.forced
			? ` FORCE-KILLED${timeline.interruptedPhase ? ` during ${timeline.interruptedPhase}` : ''}`
			: '';
		parts.push(`stop ${formatDuration(timeline.stopMs)}${forced}${appPhases}`);
	}
	parts.push(...devtui.map(phaseText));
	const what =
		timeline.outcome === 'stopped' || (timeline.outcome === 'started' && timeline.restart === 0)
			? 'app'
			: timeline.restart === 0
				? 'first start'
				: timeline.restart < 0
					? 'restart'
					: `restart #${timeline.restart}`;
	const outcome = {
		ready: 'ready',
		started: 'started',
		crashed: 'crashed',
		'spawn-failed': 'failed to start',
		stopped: 'stopped',
		'check-failed': 'not done: a check failed',
		'in-progress': 'in progress',
	}[timeline.outcome];
	const total = timeline.totalMs === undefined ? '' : ` in ${formatDuration(timeline.totalMs)}`;
	const how =
		timeline.outcome === 'started' ? '; readiness unknown' : timeline.outcome === 'ready' && timeline.readiness ? ` (${describeReadySign(timeline.readiness)})` : '';
	const warm = timeline.warm?.goToReadyMs === undefined
		? ''
		: `; warm start ${formatDuration(timeline.warm.goToReadyMs)}${timeline.warm.coldMs === undefined ? '' : ` (cold: ${formatDuration(timeline.warm.coldMs)})`}${
				timeline.warm.preloaded ? `, ${timeline.warm.preloaded} modules preloaded` : ''
			}`;
	return `${what} ${outcome}${total}${how}: ${parts.join(', ')}${warm}`;
};
