// A stack's services, one row each: its status mark, name, pid, restarts (↻), the last
// change→ready time, or what it waits for. The focused service (the one the other panes show and
// r, k, p act on) carries the cursor; its number focuses it, as do [ ] and the arrows here.

import {Box, Text} from 'ink';
import {formatDuration} from '../src/format-duration.js';
import {windowStart} from '../src/store/layout.js';
import type {ServiceRow} from '../src/store/stack-view.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, serviceTone, toneColor} from './theme.js';

export interface ServicesPaneProps {
	rows: readonly ServiceRow[];
	focused: boolean;
	width: number;
	height: number;
}

const cut = (text: string, columns: number): string => {
	const chars = [...text];
	return chars.length <= columns ? text.padEnd(columns) : `${chars.slice(0, Math.max(0, columns - 1)).join('')}…`;
};

// What follows the name: the wait while it waits, else status, pid, restarts and the time.
const detailOf = (row: ServiceRow): string => {
	if (row.waits !== undefined) return row.waits;
	const status = row.status === 'held' && row.pending > 0 ? `held +${row.pending}` : row.status;
	const pid = row.pid === undefined ? '' : String(row.pid);
	const time = row.changeToReadyMs === undefined ? '' : formatDuration(row.changeToReadyMs);
	return `${status.padEnd(8)} ${pid.padStart(6)} ${`↻${row.restarts}`.padEnd(3)} ${time.padStart(7)}`.trimEnd();
};

const Row = ({row, nameWidth, paneFocused, width}: {row: ServiceRow; nameWidth: number; paneFocused: boolean; width: number}) => {
	const tone = serviceTone(row.status);
	const color = toneColor(tone);
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end" inverse={row.focused && paneFocused}>
				<Text color={row.focused ? toneColor('accent') : undefined}>{row.focused ? glyphs.cursor : ' '}</Text>
				<Text color={color} dimColor={tone === 'dim'}>{` ${row.status === 'waiting' ? glyphs.waiting : glyphs.status} `}</Text>
				<Text bold={row.focused}>{cut(row.name, nameWidth)}</Text>
				<Text color={row.waits === undefined ? undefined : color} dimColor={row.waits === undefined && !row.focused}>{` ${detailOf(row)}`}</Text>
			</Text>
		</Box>
	);
};

export const ServicesPane = ({rows, focused, width, height}: ServicesPaneProps) => {
	const inner = Math.max(0, height - 1);
	const cursor = Math.max(0, rows.findIndex(row => row.focused));
	const first = windowStart(cursor, rows.length, inner);
	const nameWidth = Math.min(10, Math.max(4, ...rows.map(row => [...row.name].length)));
	const hidden = rows.length - inner;
	const detail = `${rows.length}${hidden > 0 ? ` (${first + 1}-${first + inner} shown)` : ''} · ↻ restarts · change→ready`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Services" detail={detail} focused={focused} width={width} />
			{rows.slice(first, first + inner).map(row => (
				<Row key={row.name} row={row} nameWidth={nameWidth} paneFocused={focused} width={width} />
			))}
		</Box>
	);
};
