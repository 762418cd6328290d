// The app's output: stdout plain, stderr marked in the gutter in the colour of the level the line
// states (red only for errors), devtui's own lines dim, JSON lines pretty-printed, long lines
// wrapped (or cut, with w). Only the rows on screen are formatted and rendered. In a stack's merged
// log each line starts with its service's name, in that service's colour.

import {Box, Text} from 'ink';
import {formatCount, plural} from '../src/store/format.js';
import {visibleLogRows, type LogRow, type LogRows} from '../src/store/log-view.js';
import type {LogEntry, UiState} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, levelColor, theme} from './theme.js';

export interface LogPaneProps {
	/** The entries that pass the filter. */
	entries: readonly LogEntry[];
	/** All entries in the buffer (for the count). */
	total: number;
	view: UiState['log'];
	filter: UiState['filter'];
	/** Each entry's rows at this pane's width. */
	rows: LogRows;
	/** App lines wrap (else they are cut at the edge). */
	wrap: boolean;
	focused: boolean;
	width: number;
	height: number;
	/** A stack's merged log: each entry's first row starts with its service's name, `width` columns (a space included). */
	prefix?: LogPrefix;
	/** What the title says the log shows, when not every line of one app ("only api"). */
	scope?: string;
}

export interface LogPrefix {
	width: number;
	colorOf(service: string): string;
}

const name = (service: string, width: number): string => {
	const chars = [...service];
	return `${chars.length < width ? service.padEnd(width - 1) : `${chars.slice(0, width - 2).join('')}…`} `;
};

// Every row of a stderr line is marked, so a wrapped one shows where it ends.
const Row = ({row, width, prefix}: {row: LogRow; width: number; prefix?: LogPrefix | undefined}) => {
	const {stream, level, service} = row.entry;
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				{prefix ? (
					row.first && service !== undefined ? <Text color={prefix.colorOf(service)}>{name(service, prefix.width)}</Text> : ' '.repeat(prefix.width)
				) : null}
				{stream === 'stderr' ? <Text color={levelColor(level)}>{glyphs.stderr}</Text> : ' '}
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

const detailOf = ({entries, total, view, filter, wrap, scope}: Pick<LogPaneProps, 'entries' | 'total' | 'view' | 'filter' | 'wrap' | 'scope'>): string => {
	if (scope !== undefined) return `${scope} · ${detailOf({entries, total, view, filter, wrap})}`;
	const count = filter.applied ? `${formatCount(entries.length)} of ${plural(total, 'line')}` : plural(total, 'line');
	const mode = `${view.follow ? 'following' : 'paused, End follows'}${wrap ? '' : ' · lines cut'}`;
	return filter.applied ? `filter "${filter.applied}" · ${count} · ${mode}` : `${count} · ${mode}`;
};

export const LogPane = ({entries, total, view, filter, rows: rowsOf, wrap, focused, width, height, prefix, scope}: LogPaneProps) => {
	const rows = visibleLogRows(entries, view, Math.max(0, height - (filter.editing ? 2 : 1)), rowsOf);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Logs" detail={detailOf({entries, total, view, filter, wrap, scope})} focused={focused} width={width} />
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
				<Row key={row.key} row={row} width={width} prefix={prefix} />
			))}
		</Box>
	);
};
