// The persisted state as a collapsible tree. Rows come flattened (only through expanded nodes);
// only the window around the cursor is rendered.

import {Box, Text} from 'ink';
import {formatCount} from '../src/store/format.js';
import {windowStart} from '../src/store/layout.js';
import type {TreeRow} from '../src/store/state-tree.js';
import type {PreviewNode} from '../src/state/state-preview-types.js';
import {glyphs, theme} from './theme.js';

export interface StateTreeProps {
	rows: TreeRow[];
	cursor: number;
	focused: boolean;
	width: number;
	height: number;
}

const summary = (node: PreviewNode): string => {
	if (node.type === 'object') return `{${formatCount(node.size ?? 0)}}`;
	if (node.type === 'array') return `[${formatCount(node.size ?? 0)}]`;
	return node.text ?? '';
};

const Row = ({row, selected, focused, width}: {row: TreeRow; selected: boolean; focused: boolean; width: number}) => {
	const indent = '  '.repeat(row.depth);
	const pointer = selected ? glyphs.cursor : ' ';
	if (row.more !== undefined) {
		return (
			<Text wrap="truncate-end" dimColor inverse={selected && focused}>
				{`${pointer} ${indent}  … ${formatCount(row.more)} more`}
			</Text>
		);
	}
	const node = row.node!;
	const glyph = row.expandable ? (row.expanded ? glyphs.expanded : glyphs.collapsed) : ' ';
	const container = node.type === 'object' || node.type === 'array';
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end" inverse={selected && focused}>
				{`${pointer} ${indent}${glyph} `}
				{row.key === '' ? null : (
					<Text color={row.changed ? theme.status.warn : undefined} bold={row.changed}>
						{row.key}
					</Text>
				)}
				{row.key === '' ? null : <Text dimColor>{': '}</Text>}
				<Text dimColor={container}>{summary(node)}</Text>
				{row.changed ? <Text color={theme.status.warn}>{'  changed'}</Text> : null}
			</Text>
		</Box>
	);
};

export const StateTree = ({rows, cursor, focused, width, height}: StateTreeProps) => {
	const first = windowStart(cursor, rows.length, height);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{rows.slice(first, first + height).map((row, index) => (
				<Row key={row.path} row={row} selected={first + index === cursor} focused={focused} width={width} />
			))}
		</Box>
	);
};
