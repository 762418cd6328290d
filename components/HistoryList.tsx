// Earlier restarts, newest first: when, what triggered it, how long the stop and the start took,
// and whether the app had to be force-killed, so a shutdown that slows down over time shows.

import {Box, Text} from 'ink';
import {formatClock, formatMs} from '../src/store/format.js';
import type {HistoryEntry} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, theme} from './theme.js';

export interface HistoryListProps {
	history: HistoryEntry[];
	top: number;
	focused: boolean;
	width: number;
	height: number;
}

const TRIGGER: Record<HistoryEntry['trigger'], string> = {
	start: 'start',
	change: 'change',
	manual: 'manual',
	quit: 'quit',
	'crash-restart': 'crash',
};

const duration = (ms: number | undefined, unknown = false): string => (unknown ? '?' : ms === undefined ? '–' : formatMs(ms)).padStart(6);

// " #12 09:36:14 change  1.60s  339ms": 34 columns, then the mark when something went wrong. The
// clock's 9 go first when a mark would not fit beside it (80 columns): what went wrong matters more
// than the time of day, which the changes pane's title gives for the latest restart.
const ROW_WIDTH = 34;

const problemOf = (entry: HistoryEntry): string | undefined => {
	if (entry.outcome === 'crashed') return 'crashed';
	if (entry.outcome === 'spawn-failed') return 'no start';
	if (entry.outcome === 'check-failed') return 'check';
	return entry.forced ? 'killed' : undefined;
};

const markOf = (entry: HistoryEntry): string => {
	const problem = problemOf(entry);
	return problem === undefined ? '' : ` ${glyphs.failed} ${problem}`;
};

/** Whether the rows keep the clock: every mark fits beside it. */
export const showsClock = (entries: readonly HistoryEntry[], width: number): boolean =>
	entries.every(entry => ROW_WIDTH + [...markOf(entry)].length <= width);

const Row = ({entry, clock, width}: {entry: HistoryEntry; clock: boolean; width: number}) => (
	<Box width={width} height={1}>
		<Text wrap="truncate-end">
			<Text dimColor>{` ${(entry.restart < 0 ? ' –' : `#${entry.restart}`).padEnd(3)}`}</Text>
			{`${clock ? ` ${formatClock(entry.at)}` : ''} ${TRIGGER[entry.trigger].padEnd(6)} ${duration(entry.stopMs)} ${duration(entry.startMs, entry.readinessUnknown)}`}
			<Text color={theme.status.error}>{markOf(entry)}</Text>
		</Text>
	</Box>
);

export const HistoryList = ({history, top, focused, width, height}: HistoryListProps) => {
	const rows = Math.max(0, height - 1);
	const first = Math.min(top, Math.max(0, history.length - rows));
	const shown = history.slice(first, first + rows);
	const clock = showsClock(shown, width);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="History" detail={history.length > 0 ? 'stop / start' : ''} focused={focused} width={width} />
			{history.length === 0 && rows > 0 ? <Text dimColor>{'  no restarts yet'}</Text> : null}
			{shown.map(entry => (
				<Row key={`${entry.restart}:${entry.at}`} entry={entry} clock={clock} width={width} />
			))}
		</Box>
	);
};
