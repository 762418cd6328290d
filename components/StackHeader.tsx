// A stack's top two rows: the stack at a glance ("4 services · 2 ready · 1 waiting", its mark in
// the colour of the worst news) and anything that needs attention, then the focused service (the
// one the panes below show): its status, command, pid, uptime and restarts.

import {Box, Text} from 'ink';
import {formatCoarseSpan} from '../src/store/clock.js';
import type {HeaderMessage} from '../src/store/screen.js';
import type {ServiceStatus, StackSummary} from '../src/store/stack-view.js';
import {glyphs, serviceTone, toneColor} from './theme.js';

export interface StackHeaderProps {
	summary: StackSummary;
	focused?: {name: string; status: ServiceStatus; detail?: string; command: string[]; pid?: number; uptimeMs?: number; restart: number};
	message?: HeaderMessage;
	width: number;
}

// Worst first: the mark takes the first status any service has.
const ORDER: readonly ServiceStatus[] = ['crashed', 'waiting', 'stopping', 'held', 'starting', 'running', 'started', 'ready', 'exited'];

const plural = (count: number, one: string) => `${count} ${count === 1 ? one : `${one}s`}`;

export const StackHeader = ({summary, focused, message, width}: StackHeaderProps) => {
	const present = ORDER.filter(status => (summary.counts[status] ?? 0) > 0);
	const worst = present[0] ?? 'starting';
	// In the order a glance reads them: how many are fine, then what is on its way, then trouble.
	const counts = [...present].reverse();
	const facts = focused
		? [
				focused.pid === undefined ? undefined : `pid ${focused.pid}`,
				focused.uptimeMs === undefined ? undefined : `up ${formatCoarseSpan(focused.uptimeMs)}`,
				focused.restart === 0 ? 'no restarts' : plural(focused.restart, 'restart'),
			].filter(Boolean)
		: [];
	const focusTone = focused ? serviceTone(focused.status) : 'dim';
	return (
		<Box flexDirection="column" width={width} height={2}>
			<Box width={width} height={1}>
				<Box flexShrink={0}>
					<Text color={toneColor(serviceTone(worst))}>{`${glyphs.status} `}</Text>
					<Text bold>{plural(summary.services, 'service')}</Text>
				</Box>
				<Box flexGrow={1} flexShrink={1}>
					<Text wrap="truncate-end">
						{counts.map(status => (
							<Text key={status}>
								<Text dimColor>{' · '}</Text>
								<Text color={toneColor(serviceTone(status))} dimColor={serviceTone(status) === 'dim'}>{`${summary.counts[status]} ${status}`}</Text>
							</Text>
						))}
					</Text>
				</Box>
				{message ? (
					<Box flexShrink={1} marginLeft={2}>
						<Text wrap="truncate-end" color={toneColor(message.tone)}>
							{message.text}
						</Text>
					</Box>
				) : null}
			</Box>
			<Box width={width} height={1}>
				<Box flexShrink={1} flexGrow={1}>
					{focused ? (
						<Text wrap="truncate-end">
							<Text color={toneColor('accent')}>{`${glyphs.cursor} `}</Text>
							<Text bold>{focused.name}</Text>
							<Text color={toneColor(focusTone)} dimColor={focusTone === 'dim'}>{` ${focused.status}${focused.detail ? ` · ${focused.detail}` : ''}`}</Text>
							<Text dimColor>{` · ${focused.command.join(' ')}`}</Text>
						</Text>
					) : (
						<Text dimColor>{'  starting the stack…'}</Text>
					)}
				</Box>
				{focused ? (
					<Box flexShrink={0} marginLeft={2}>
						<Text dimColor>{facts.join(' · ')}</Text>
					</Box>
				) : null}
			</Box>
		</Box>
	);
};
