// The state's history (newest first): when each snapshot was saved, by which restart, its size
// and the keys it changed. Enter chooses one for the next start to load (a rollback).

import {Box, Text} from 'ink';
import {formatBytes} from '../src/format-bytes.js';
import {formatClock} from '../src/store/format.js';
import type {SnapshotItem, SnapshotList} from '../src/store/state.js';
import {windowStart} from '../src/store/layout.js';
import {glyphs, theme} from './theme.js';

export interface SnapshotBrowserProps {
	list: SnapshotList;
	cursor: number;
	/** The snapshot chosen for the next start (display path). */
	chosen?: string;
	focused: boolean;
	width: number;
	height: number;
}

// Columns: pointer, chosen mark, saved, restart, size, changed keys.
const HEADER = `    ${'saved'.padEnd(8)} ${'run'.padEnd(4)} ${'size'.padStart(7)}  changed keys`;

const Row = ({item, selected, chosen, focused, width}: {item: SnapshotItem; selected: boolean; chosen: boolean; focused: boolean; width: number}) => (
	<Box width={width} height={1}>
		<Text wrap="truncate-end" inverse={selected && focused}>
			{`${selected ? glyphs.cursor : ' '} `}
			<Text color={theme.accent}>{chosen ? glyphs.status : ' '}</Text>
			{` ${formatClock(item.savedAt)} `}
			<Text dimColor>{`#${item.restart}`.padEnd(4)}</Text>
			{` ${formatBytes(item.bytes).padStart(7)}  `}
			{item.valid ? (
				<Text dimColor>{item.changedKeys.length > 0 ? item.changedKeys.join(', ') : 'no key changed'}</Text>
			) : (
				<Text color={theme.status.error}>{`${glyphs.failed} damaged, cannot load`}</Text>
			)}
		</Text>
	</Box>
);

export const SnapshotBrowser = ({list, cursor, chosen, focused, width, height}: SnapshotBrowserProps) => {
	const message =
		list.status === 'loading' && list.items.length === 0
			? 'loading…'
			: list.status === 'error'
				? `cannot list snapshots: ${list.message ?? 'unknown error'}`
				: list.items.length === 0
					? 'no snapshots yet: one is kept after every valid save'
					: undefined;
	const rows = Math.max(0, height - 1);
	const first = windowStart(cursor, list.items.length, rows);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text dimColor wrap="truncate-end">
				{HEADER}
			</Text>
			{message ? (
				<Text wrap="truncate-end" color={list.status === 'error' ? theme.status.error : undefined} dimColor={list.status !== 'error'}>
					{`  ${message}`}
				</Text>
			) : null}
			{list.items.slice(first, first + rows).map((item, index) => (
				<Row key={item.file} item={item} selected={first + index === cursor} chosen={item.file === chosen} focused={focused} width={width} />
			))}
		</Box>
	);
};
