// The keys that work right now, as many as fit; "? help" always shows, since it lists the rest.

import {Box, Text} from 'ink';
import type {Hint} from '../src/keymap.js';
import {theme} from './theme.js';

export interface FooterProps {
	hints: Hint[];
	width: number;
}

const cellWidth = (hint: Hint): number => hint.label.length + 1 + hint.hint.length + 2;

/** The hints that fit in `width`, keeping the last one (help) whatever else is dropped. */
export const fitHints = (hints: Hint[], width: number): Hint[] => {
	const last = hints.at(-1);
	if (!last) return [];
	let room = width - 1 - cellWidth(last);
	const kept: Hint[] = [];
	for (const hint of hints.slice(0, -1)) {
		if (cellWidth(hint) > room) break;
		room -= cellWidth(hint);
		kept.push(hint);
	}
	return [...kept, last];
};

export const Footer = ({hints, width}: FooterProps) => (
	<Box width={width} height={1} overflow="hidden">
		<Text wrap="truncate-end">
			{' '}
			{fitHints(hints, width).map(hint => (
				<Text key={hint.label}>
					<Text color={theme.accent}>{hint.label}</Text>
					<Text dimColor>{` ${hint.hint}  `}</Text>
				</Text>
			))}
		</Text>
	</Box>
);
