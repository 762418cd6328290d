// The app crashed (or could not start): how it ended, what happens next, and the last lines it
// wrote to stderr, which is usually all one needs to see why.

import {Box, Text} from 'ink';
import {formatCountdown, formatMs} from '../src/store/format.js';
import type {CrashInfo} from '../src/store/state.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, theme} from './theme.js';

export interface CrashPanelProps {
	crash?: CrashInfo;
	spawnFailure?: {message: string; at: number};
	now: number;
	focused: boolean;
	width: number;
	height: number;
}

const exitText = (crash: CrashInfo): string => (crash.signal ? `killed by ${crash.signal}` : `exit code ${crash.code ?? '?'}`);

export const CrashPanel = ({crash, spawnFailure, now, focused, width, height}: CrashPanelProps) => {
	const detail = crash ? `${exitText(crash)} after ${formatMs(crash.uptimeMs)}` : 'could not start';
	const next =
		crash?.restartAt === undefined
			? 'waiting for a change (r restarts now)'
			: `restarting in ${formatCountdown(crash.restartAt - now)} (r restarts now)`;
	const tail = crash?.stderrTail ?? [];
	const rows = Math.max(0, height - 3);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Crashed" detail={detail} detailTone="error" focused={focused} width={width} />
			{spawnFailure && !crash ? (
				<Text wrap="truncate-end" color={theme.status.error}>{` ${spawnFailure.message}`}</Text>
			) : null}
			<Text wrap="truncate-end" dimColor>{` ${next}`}</Text>
			{tail.length > 0 ? <Text dimColor>{' last lines on stderr:'}</Text> : null}
			{tail.slice(-rows).map((line, index) => (
				<Box key={index} width={width} height={1}>
					<Text wrap="truncate-end">
						<Text color={theme.stderr}>{` ${glyphs.stderr} `}</Text>
						{line}
					</Text>
				</Box>
			))}
		</Box>
	);
};
