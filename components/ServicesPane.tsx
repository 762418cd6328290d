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

// What follows the name, in `columns`: the wait while it waits, else status, pid and restarts,
// and the change→ready time at the right edge when it fits.
const detailOf = (row: ServiceRow, columns: number): string => {
	if (row.waits !== undefined) return row.waits;
	const status = row.status === 'held' && row.pending > 0 ? `held +${row.pending}` : row.status;
	const pid = row.pid === undefined ? '' : String(row.pid);
	const left = `${status.padEnd(8)} ${pid.padStart(5)} ↻${row.restarts}`;
	const time = row.changeToReadyMs === undefined ? '' : formatDuration(row.changeToReadyMs);
	return time !== '' && left.length + 2 + time.length <= columns ? `${left.padEnd(columns - time.length)}${time}` : left;
};

// The legend as long as the title has room for.
const titleDetail = (count: number, room: number, window: string): string =>
	[`${count}${window} · ↻ restarts · change→ready`, `${count}${window} · ↻ · change→ready`, `${count}${window}`].find(text => [...text].length + 3 <= room) ?? '';

const Row = ({row, nameWidth, paneFocused, width}: {row: ServiceRow; nameWidth: number; paneFocused: boolean; width: number}) => {
	const tone = serviceTone(row.status);
	const color = toneColor(tone);
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end" inverse={row.focused && paneFocused}>
				<Text color={row.focused ? toneColor('accent') : undefined}>{row.focused ? glyphs.cursor : ' '}</Text>
				<Text color={color} dimColor={tone === 'dim'}>{` ${row.status === 'waiting' ? glyphs.waiting : glyphs.status} `}</Text>
				<Text bold={row.focused}>{cut(row.name, nameWidth)}</Text>
				<Text color={row.waits === undefined ? undefined : color} dimColor={row.waits === undefined && !row.focused}>{` ${detailOf(row, Math.max(0, width - nameWidth - 5))}`}</Text>
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
	const detail = titleDetail(rows.length, width - 13, hidden > 0 ? ` (${first + 1}-${first + inner} shown)` : '');
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Services" detail={detail} focused={focused} width={width} />
			{rows.slice(first, first + inner).map(row => (
				<Row key={row.name} row={row} nameWidth={nameWidth} paneFocused={focused} width={width} />
			))}
		</Box>
	);
};
