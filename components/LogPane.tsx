// The app's output: stdout plain, stderr marked in the gutter, devtui's own markers dim, JSON
// lines pretty-printed. Only the rows on screen are formatted and rendered.

import {Box, Text} from 'ink';
import {formatCount, plural} from '../src/store/format.js';
import {visibleLogRows, type LogFormatter, type LogRow} from '../src/store/log-view.js';
import type {LogEntry, UiState} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, theme} from './theme.js';

export interface LogPaneProps {
	/** The entries that pass the filter. */
	entries: readonly LogEntry[];
	/** All entries in the buffer (for the count). */
	total: number;
	view: UiState['log'];
	filter: UiState['filter'];
	format: LogFormatter;
	focused: boolean;
	width: number;
	height: number;
}

const Row = ({row, width}: {row: LogRow; width: number}) => {
	const {stream} = row.entry;
	const gutter = stream === 'stderr' && row.first ? glyphs.stderr : ' ';
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				<Text color={theme.stderr}>{gutter}</Text>
				{stream === 'devtui' ? (
					<Text color={theme.accent} dimColor>
						{row.text}
					</Text>
				) : (
					row.text
				)}
			</Text>
		</Box>
	);
};

const detailOf = ({entries, total, view, filter}: Pick<LogPaneProps, 'entries' | 'total' | 'view' | 'filter'>): string => {
	const count = filter.applied ? `${formatCount(entries.length)} of ${plural(total, 'line')}` : plural(total, 'line');
	const mode = view.follow ? 'following' : 'paused, End follows';
	return filter.applied ? `filter "${filter.applied}" · ${count} · ${mode}` : `${count} · ${mode}`;
};

export const LogPane = ({entries, total, view, filter, format, focused, width, height}: LogPaneProps) => {
	const rows = visibleLogRows(entries, view, Math.max(0, height - (filter.editing ? 2 : 1)), format);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Logs" detail={detailOf({entries, total, view, filter})} focused={focused} width={width} />
			{filter.editing ? (
				<Box width={width} height={1}>
					<Text wrap="truncate-end">
						<Text color={theme.accent}>{' / '}</Text>
						{filter.draft}
						<Text inverse> </Text>
						<Text dimColor>{'  enter applies · esc clears'}</Text>
					</Text>
				</Box>
			) : null}
			{total === 0 && height > 1 ? <Text dimColor>{'  no output yet'}</Text> : null}
			{total > 0 && entries.length === 0 && height > 1 ? <Text dimColor>{'  no line matches the filter'}</Text> : null}
			{rows.map(row => (
				<Row key={row.key} row={row} width={width} />
			))}
		</Box>
	);
};
