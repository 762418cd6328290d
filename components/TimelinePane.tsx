// The last (or the running) restart: every phase, devtui's and the app's, as a bar on one time
// axis with its duration; the total from change to ready; while stopping, a live countdown to the
// force kill; and a clear mark when a phase failed or a force kill cut one short.

import {Box, Text} from 'ink';
import {formatCountdown, formatMs} from '../src/store/format.js';
import type {Countdown} from '../src/store/selectors.js';
import {filledCells, phaseBars, type PhaseBar} from '../src/store/timeline-view.js';
import type {RestartTimeline} from '../src/supervisor/events.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, theme, toneColor, type Tone} from './theme.js';

export interface TimelinePaneProps {
	timeline?: RestartTimeline;
	live: boolean;
	/** The app was stopped and nothing started after it. */
	stopped?: boolean;
	/** The instance started and nothing tells when it serves: the title says so, and claims no boot time. */
	readinessUnknown?: boolean;
	countdown?: Countdown;
	now: number;
	focused: boolean;
	width: number;
	height: number;
}

// Until the spawn ended: all a start whose readiness is unknown can claim.
const untilSpawned = (timeline: RestartTimeline): number => {
	const spawn = timeline.phases.findLast(phase => phase.name === 'spawn' && phase.source === 'devtui');
	return spawn ? spawn.startMs + (spawn.durationMs ?? 0) : (timeline.totalMs ?? 0);
};

interface TitleInput {
	timeline: RestartTimeline | undefined;
	live: boolean;
	stopped: boolean;
	readinessUnknown: boolean;
	now: number;
}

const titleOf = ({timeline, live, stopped, readinessUnknown, now}: TitleInput): {title: string; detail: string; tone: Tone} => {
	if (!timeline) return {title: 'Shutdown', detail: '', tone: 'dim'};
	if (stopped) return {title: 'Stopped', detail: `${timeline.forced ? 'killed' : 'stopped'} in ${formatMs(timeline.totalMs ?? 0)} · r starts it again`, tone: 'dim'};
	if (live && timeline.trigger === 'start') return {title: 'Starting', detail: `${formatMs(now - timeline.startedAt)} so far`, tone: 'warn'};
	// Quitting stops the app for good: nothing restarts.
	if (live && timeline.trigger === 'quit') return {title: 'Quitting', detail: `${formatMs(now - timeline.startedAt)} so far`, tone: 'warn'};
	// Checks run before the old app is stopped: nothing is restarting yet.
	const checking = timeline.phases.some(phase => phase.name === 'check' && phase.source === 'devtui' && phase.outcome === 'running');
	if (live && checking) return {title: 'Checking', detail: `${timeline.trigger} · ${formatMs(now - timeline.startedAt)} so far`, tone: 'warn'};
	if (live) return {title: 'Restarting', detail: `${timeline.trigger} · ${formatMs(now - timeline.startedAt)} so far`, tone: 'warn'};
	const what = timeline.restart === 0 ? 'Startup' : `Restart #${timeline.restart}`;
	if (readinessUnknown) {
		const from = timeline.trigger === 'start' ? '' : `${timeline.trigger} → `;
		return {title: what, detail: `${from}started in ${formatMs(untilSpawned(timeline))} · readiness unknown`, tone: 'accent'};
	}
	const total = formatMs(timeline.totalMs ?? 0);
	if (timeline.outcome === 'crashed') return {title: what, detail: `crashed after ${total}`, tone: 'error'};
	if (timeline.outcome === 'spawn-failed') return {title: what, detail: 'could not start', tone: 'error'};
	if (timeline.outcome === 'check-failed') return {title: 'Not restarted', detail: `check failed after ${total}`, tone: 'error'};
	// An outcome this dashboard does not know yet still says what it is.
	if (timeline.outcome !== 'ready') return {title: what, detail: `${String(timeline.outcome)} after ${total}`, tone: 'warn'};
	const from = timeline.trigger === 'start' ? '' : `${timeline.trigger} → `;
	// --warm: the go-to-ready beside what the last cold start took from its spawn.
	const warm = timeline.warm?.goToReadyMs === undefined
		? ''
		: ` · warm start ${formatMs(timeline.warm.goToReadyMs)}${timeline.warm.coldMs === undefined ? '' : ` (cold ${formatMs(timeline.warm.coldMs)})`}`;
	return {title: what, detail: `${from}ready in ${total}${warm}`, tone: timeline.forced ? 'warn' : 'ok'};
};

const barTone = (bar: PhaseBar): Tone => {
	if (bar.outcome === 'failed' || bar.outcome === 'interrupted' || bar.name === 'force kill') return 'error';
	if (bar.outcome === 'running') return 'warn';
	return bar.source === 'app' ? 'accent' : 'dim';
};

const MARK: Record<PhaseBar['outcome'], string> = {ok: '', running: '…', failed: glyphs.failed, interrupted: glyphs.failed};

const PhaseRow = ({bar, nameWidth, barWidth}: {bar: PhaseBar; nameWidth: number; barWidth: number}) => {
	const tone = barTone(bar);
	const name = `${bar.source === 'app' ? '  ' : ''}${bar.name}`;
	return (
		<Box height={1}>
			<Text wrap="truncate-end">
				{` ${name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth)} `}
				<Text color={theme.rule}>{glyphs.track.repeat(bar.offset)}</Text>
				<Text color={toneColor(tone)} dimColor={tone === 'dim'}>
					{(bar.outcome === 'running' ? glyphs.barRunning : glyphs.bar).repeat(bar.length)}
				</Text>
				<Text color={theme.rule}>{glyphs.track.repeat(Math.max(0, barWidth - bar.offset - bar.length))}</Text>
				{` ${formatMs(bar.durationMs).padStart(6)} `}
				<Text color={toneColor(bar.outcome === 'running' ? 'warn' : 'error')}>{MARK[bar.outcome]}</Text>
			</Text>
		</Box>
	);
};

// On a short pane the quick, uneventful devtui steps give way first (the total is in the title),
// then the last rows; a row at the bottom says how many were left out, and which.
const EXPENDABLE = ['spawn', 'state check'];
const expendable = (bar: PhaseBar, name: string): boolean => bar.name === name && bar.source === 'devtui' && bar.outcome === 'ok';

export const fitBars = (bars: PhaseBar[], rows: number): {shown: PhaseBar[]; left: PhaseBar[]} => {
	if (bars.length <= rows) return {shown: bars, left: []};
	// One row goes to the "+N more" line.
	const room = Math.max(0, rows - 1);
	let shown = bars;
	for (const name of EXPENDABLE) {
		if (shown.length <= room) break;
		shown = shown.filter(bar => !expendable(bar, name));
	}
	shown = shown.slice(0, room);
	return {shown, left: bars.filter(bar => !shown.includes(bar))};
};

const killText = (afterMs: number | undefined, timeout: boolean, during: string | undefined): string =>
	`${glyphs.failed} killed ${timeout ? `at ${afterMs === undefined ? 'the' : formatMs(afterMs)} timeout` : `by request${afterMs === undefined ? '' : ` after ${formatMs(afterMs)}`}`}${during ? `, in ${during}` : ''}`;

// The line under the title: the countdown while stopping, else what went wrong, if anything.
const statusLine = (timeline: RestartTimeline, live: boolean, countdown: Countdown | undefined): {tone: Tone; text: string} | undefined => {
	if (countdown?.forced) {
		return {tone: 'error', text: killText(countdown.forced.afterMs, countdown.forced.reason === 'timeout', timeline.interruptedPhase)};
	}
	if (live && countdown) {
		const extended = countdown.extended ? ' (extended)' : '';
		return {tone: 'warn', text: `${countdown.signal} sent · force kill in ${formatCountdown(countdown.remainingMs)}${extended} `};
	}
	if (timeline.forced) {
		// A timeout leaves "wait for exit" interrupted; a kill by request ends it normally.
		const wait = timeline.phases.find(phase => phase.name === 'wait for exit');
		return {tone: 'error', text: killText(wait?.durationMs, wait?.outcome === 'interrupted', timeline.interruptedPhase)};
	}
	const failed = timeline.phases.find(phase => phase.outcome === 'failed');
	return failed ? {tone: 'error', text: `${glyphs.failed} ${failed.name} failed${failed.error ? `: ${failed.error}` : ''}`} : undefined;
};

export const TimelinePane = ({timeline, live, stopped = false, readinessUnknown = false, countdown, now, focused, width, height}: TimelinePaneProps) => {
	const {title, detail, tone} = titleOf({timeline, live, stopped, readinessUnknown, now});
	const status = timeline ? statusLine(timeline, live, countdown) : undefined;
	const longest = Math.max(0, ...(timeline?.phases ?? []).map(phase => phase.name.length + (phase.source === 'app' ? 2 : 0)));
	const nameWidth = Math.max(8, Math.min(longest, Math.floor(width * 0.4)));
	const barWidth = Math.max(4, width - nameWidth - 12);
	const rows = Math.max(0, height - 1 - (status ? 1 : 0));
	const {shown, left} = fitBars(timeline ? phaseBars(timeline, now, barWidth) : [], rows);
	const showGauge = live && countdown && !countdown.forced && status;
	const gaugeWidth = showGauge ? Math.max(0, width - status.text.length - 3) : 0;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title={title} detail={detail} detailTone={tone} focused={focused} width={width} />
			{!timeline && height > 1 ? <Text dimColor>{'  no restart yet'}</Text> : null}
			{status ? (
				<Box height={1}>
					<Text wrap="truncate-end" color={toneColor(status.tone)}>{` ${status.text}`}</Text>
					{showGauge && gaugeWidth >= 4 ? (
						<Text color={toneColor('warn')}>
							{glyphs.bar.repeat(filledCells(countdown.elapsedMs / Math.max(1, countdown.totalMs), gaugeWidth))}
							<Text color={theme.rule}>
								{glyphs.track.repeat(gaugeWidth - filledCells(countdown.elapsedMs / Math.max(1, countdown.totalMs), gaugeWidth))}
							</Text>
						</Text>
					) : null}
				</Box>
			) : null}
			{shown.map((bar, index) => (
				<PhaseRow key={`${bar.name}:${index}`} bar={bar} nameWidth={nameWidth} barWidth={barWidth} />
			))}
			{left.length > 0 && rows > 0 ? (
				<Text dimColor wrap="truncate-end">{` +${left.length} more: ${left.map(bar => bar.name).join(', ')}`}</Text>
			) : null}
		</Box>
	);
};
