// A pre-restart check failed: which check and how it ended, that the old app still serves (the
// restart did not happen) and what to do, the files the check blamed, and the last lines of its
// output with those files picked out, usually enough to fix the mistake without leaving the editor.

import {Box, Text} from 'ink';
import {formatMs} from '../src/store/format.js';
import {checkName, highlightBlamed, outputRows, type CheckView} from '../src/store/listen-check-view.js';
import {PaneTitle} from './PaneTitle.js';
import {glyphs, theme} from './theme.js';

export interface CheckPanelProps {
	check: Extract<CheckView, {status: 'failed'}>;
	focused: boolean;
	width: number;
	height: number;
}

const endText = ({exitCode, signal}: {exitCode: number | null; signal: string | null}): string =>
	signal ? `killed by ${signal}` : `exit ${exitCode ?? '?'}`;

export const CheckPanel = ({check, focused, width, height}: CheckPanelProps) => {
	const {failure} = check;
	const state = !check.serving ? ' no app running' : failure.appReloadsItself ? ` app kept, but ${failure.appReloadsItself} reloads itself` : ' old app still serving';
	const how = ` · ${endText(failure)} · ${formatMs(check.durationMs)}`;
	const next = ` fix and save, or r to ${check.serving ? 'restart' : 'start'} anyway`;
	// The way out must never be cut off: on its own row when both do not fit on one.
	const oneRow = [...`${state}${how} ·${next}`].length <= width;
	const rows = Math.max(0, height - (oneRow ? 2 : 3) - (failure.blamed.length > 0 ? 1 : 0));
	// Three columns go to the gutter.
	const output = outputRows(failure.output, width - 3, rows);
	const nextText = <Text color={theme.accent}>{oneRow ? ` ·${next}` : next}</Text>;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Check failed" detail={checkName(failure)} detailTone="error" focused={focused} width={width} />
			<Text wrap="truncate-end">
				<Text color={check.serving ? theme.status.ok : theme.status.warn}>{state}</Text>
				<Text dimColor>{how}</Text>
				{oneRow ? nextText : null}
			</Text>
			{oneRow ? null : <Text wrap="truncate-end">{nextText}</Text>}
			{failure.blamed.length > 0 ? (
				<Text wrap="truncate-end" bold color={theme.status.error}>
					{` ${failure.blamed.map(file => `${glyphs.failed} ${file}`).join('  ')}`}
				</Text>
			) : null}
			{output.length === 0 && rows > 0 ? <Text dimColor>{' (no output)'}</Text> : null}
			{output.map((line, index) => (
				<Box key={index} width={width} height={1}>
					<Text wrap="truncate-end">
						<Text color={theme.rule}>{` ${glyphs.stderr} `}</Text>
						{highlightBlamed(line, failure.blamed).map((span, part) =>
							span.hit ? (
								<Text key={part} bold color={theme.status.error}>
									{span.text}
								</Text>
							) : (
								span.text
							),
						)}
					</Text>
				</Box>
			))}
		</Box>
	);
};
