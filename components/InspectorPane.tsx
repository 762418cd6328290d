// The persisted state: its size and age, the tree (keys changed since the previous snapshot
// highlighted), what happened when the last save was invalid, and the snapshot browser.

import {Box, Text} from 'ink';
import {formatCoarseSpan} from '../src/store/clock.js';
import {formatBytes} from '../src/format-bytes.js';
import {plural} from '../src/store/format.js';
import type {TreeRow} from '../src/store/state-tree.js';
import type {PersistedState, PreviewState, SnapshotList} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {SnapshotBrowser} from './SnapshotBrowser.js';
import {StateTree} from './StateTree.js';
import {glyphs, theme} from './theme.js';

export interface InspectorPaneProps {
	persisted: PersistedState;
	preview: PreviewState;
	ageMs?: number;
	rows: TreeRow[];
	cursor: number;
	browser: {open: boolean; cursor: number};
	snapshots: SnapshotList;
	chosen?: string;
	focused: boolean;
	width: number;
	height: number;
}

const detailOf = ({persisted, preview, ageMs}: Pick<InspectorPaneProps, 'persisted' | 'preview' | 'ageMs'>): string => {
	const bytes = preview.preview?.bytes ?? persisted.bytes;
	const parts = [
		bytes === undefined ? undefined : formatBytes(bytes),
		ageMs === undefined ? undefined : `saved ${formatCoarseSpan(ageMs)} ago`,
		persisted.changedKeys.length > 0 && persisted.validatedAt !== undefined ? `${plural(persisted.changedKeys.length, 'key')} changed` : undefined,
	];
	return parts.filter(Boolean).join(' · ');
};

const Banner = ({persisted, chosen, width}: Pick<InspectorPaneProps, 'persisted' | 'chosen' | 'width'>) => (
	<>
		{persisted.invalid ? (
			<Text wrap="truncate-end" color={theme.status.error}>
				{` ${glyphs.failed} last save invalid (${persisted.invalid.reason}): ${persisted.invalid.message}`}
			</Text>
		) : null}
		{persisted.invalid && persisted.restored ? (
			<Text wrap="truncate-end" color={theme.status.warn}>{` ↺ restored ${persisted.restored.snapshot}`}</Text>
		) : null}
		{chosen ? (
			<Box width={width} height={1}>
				<Text wrap="truncate-end" color={theme.accent}>{` ${glyphs.status} next start loads ${chosen}`}</Text>
			</Box>
		) : null}
	</>
);

const previewMessage = (preview: PreviewState): string | undefined => {
	if (preview.status === 'none') return 'no state file yet';
	if (preview.status === 'loading') return 'loading…';
	if (preview.status === 'error') return preview.message ?? 'cannot preview the state';
	return undefined;
};

export const InspectorPane = (props: InspectorPaneProps) => {
	const {persisted, preview, rows, cursor, browser, snapshots, chosen, focused, width, height} = props;
	const bannerRows = (persisted.invalid ? 1 : 0) + (persisted.invalid && persisted.restored ? 1 : 0) + (chosen ? 1 : 0);
	const bodyHeight = Math.max(0, height - 1 - bannerRows);
	const message = previewMessage(preview);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle
				title={browser.open ? 'Snapshots' : 'State'}
				detail={browser.open ? `${snapshots.items.length} kept · enter loads one on the next start` : detailOf(props)}
				focused={focused}
				width={width}
			/>
			<Banner persisted={persisted} chosen={chosen} width={width} />
			{browser.open ? (
				<SnapshotBrowser list={snapshots} cursor={browser.cursor} chosen={chosen} focused={focused} width={width} height={bodyHeight} />
			) : message ? (
				<Text dimColor wrap="truncate-end">{`  ${message}`}</Text>
			) : (
				<StateTree rows={rows} cursor={cursor} focused={focused} width={width} height={bodyHeight} />
			)}
		</Box>
	);
};
