// The top two rows: what runs and how it is doing (status, command, pid, uptime, restarts), then
// what is watched, the sockets held for the app (--listen), and anything that needs attention (a
// notice, a chosen snapshot, quitting).

import {Box, Text} from 'ink';
import {formatCoarseSpan} from '../src/store/clock.js';
import type {SocketView} from '../src/store/listen-check-view.js';
import type {AppStatus} from '../src/store/state.js';
import {SocketLine} from './SocketLine.js';
import {glyphs, statusTone, toneColor, type Tone} from './theme.js';

export interface HeaderProps {
	status: AppStatus;
	/** Beside the status: readiness unknown, the app's own status line (sd_notify STATUS=). Cut to a share of the row. */
	detail?: string;
	command: string[];
	pid?: number;
	uptimeMs?: number;
	restart: number;
	/** --warm is on: marked in the facts. */
	warm?: boolean;
	watchPaths: string[];
	polling: boolean;
	/** False until the watcher has scanned its paths. */
	watchReady?: boolean;
	/** The sockets devtui holds for the app (`--listen`), shown on the second row. */
	socket?: SocketView;
	/** The right side of the second row: the most important message, if any. */
	message?: {tone: Tone; text: string};
	width: number;
}

// The detail gets at most this share of the row, so the command stays in view.
const DETAIL_SHARE = 0.25;

const cut = (text: string, columns: number): string => {
	const chars = [...text];
	return chars.length <= columns ? text : `${chars.slice(0, Math.max(0, columns - 1)).join('')}…`;
};

export const Header = ({status, detail, command, pid, uptimeMs, restart, warm = false, watchPaths, polling, watchReady = true, socket, message, width}: HeaderProps) => {
	const facts = [
		warm ? 'warm' : undefined,
		pid === undefined ? undefined : `pid ${pid}`,
		uptimeMs === undefined ? undefined : `up ${formatCoarseSpan(uptimeMs)}`,
		restart === 0 ? 'no restarts' : `${restart} ${restart === 1 ? 'restart' : 'restarts'}`,
	].filter(Boolean);
	const color = toneColor(statusTone(status));
	return (
		<Box flexDirection="column" width={width} height={2}>
			<Box width={width} height={1}>
				<Box flexShrink={0}>
					<Text color={color} dimColor={statusTone(status) === 'dim'}>{`${glyphs.status} `}</Text>
					<Text bold color={color}>
						{status.padEnd(9)}
					</Text>
				</Box>
				{detail ? (
					<Box flexShrink={0}>
						<Text color={color} dimColor>{`${cut(detail, Math.max(8, Math.floor(width * DETAIL_SHARE)))} · `}</Text>
					</Box>
				) : null}
				<Box flexGrow={1} flexShrink={1}>
					<Text wrap="truncate-end">{command.join(' ')}</Text>
				</Box>
				<Box flexShrink={0} marginLeft={2}>
					<Text dimColor>{facts.join(' · ')}</Text>
				</Box>
			</Box>
			<Box width={width} height={1}>
				<Box flexShrink={1} flexGrow={1}>
					<Text dimColor wrap="truncate-end">
						{`  ${watchReady ? 'watching' : 'starting to watch'} ${watchPaths.join(', ') || '.'}${polling ? ' (polling)' : ''}`}
					</Text>
				</Box>
				{socket ? (
					<Box flexShrink={1} marginLeft={2}>
						<SocketLine socket={socket} />
					</Box>
				) : null}
				{message ? (
					<Box flexShrink={1} marginLeft={2}>
						<Text wrap="truncate-end" color={toneColor(message.tone)} dimColor={message.tone === 'dim'}>
							{message.text}
						</Text>
					</Box>
				) : null}
			</Box>
		</Box>
	);
};
