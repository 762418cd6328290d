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

const duration = (ms: number | undefined): string => (ms === undefined ? '–' : formatMs(ms)).padStart(6);

// " #12 09:36:14 change  1.60s  339ms": 34 columns, then the mark when something went wrong.
const ROW_WIDTH = 34;

const problemOf = (entry: HistoryEntry): string | undefined => {
	if (entry.outcome === 'crashed') return 'crashed';
	if (entry.outcome === 'spawn-failed') return 'no start';
	if (entry.outcome === 'check-failed') return 'check';
	return entry.forced ? 'killed' : undefined;
};

const Row = ({entry, width}: {entry: HistoryEntry; width: number}) => {
	const problem = problemOf(entry);
	// The word only where it fits; the mark alone says "something went wrong" on a narrow screen.
	const mark = problem === undefined ? '' : width - ROW_WIDTH >= problem.length + 3 ? ` ${glyphs.failed} ${problem}` : ` ${glyphs.failed}`;
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				<Text dimColor>{` ${(entry.restart < 0 ? ' –' : `#${entry.restart}`).padEnd(3)}`}</Text>
				{` ${formatClock(entry.at)} ${TRIGGER[entry.trigger].padEnd(6)} ${duration(entry.stopMs)} ${duration(entry.startMs)}`}
				<Text color={theme.status.error}>{mark}</Text>
			</Text>
		</Box>
	);
};

export const HistoryList = ({history, top, focused, width, height}: HistoryListProps) => {
	const rows = Math.max(0, height - 1);
	const first = Math.min(top, Math.max(0, history.length - rows));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="History" detail={history.length > 0 ? 'stop / start' : ''} focused={focused} width={width} />
			{history.length === 0 && rows > 0 ? <Text dimColor>{'  no restarts yet'}</Text> : null}
			{history.slice(first, first + rows).map(entry => (
				<Row key={`${entry.restart}:${entry.at}`} entry={entry} width={width} />
			))}
		</Box>
	);
};
