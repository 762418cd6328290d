// The keys that work right now, as many as fit; "q quit" and "? help" always show: the way out,
// and the list of the rest.

import {Box, Text} from 'ink';
import type {Hint} from '../src/keymap.js';
import {theme} from './theme.js';

export interface FooterProps {
	hints: Hint[];
	width: number;
}

const cellWidth = (hint: Hint): number => hint.label.length + 1 + hint.hint.length + 2;

/** The hints that fit in `width`, in order of relevance, keeping the ones marked `keep` whatever else is dropped. */
export const fitHints = (hints: Hint[], width: number): Hint[] => {
	let room = width - 1 - hints.filter(hint => hint.keep).reduce((sum, hint) => sum + cellWidth(hint), 0);
	const shown = new Set<Hint>();
	for (const hint of hints) {
		if (hint.keep) continue;
		if (cellWidth(hint) > room) break;
		room -= cellWidth(hint);
		shown.add(hint);
	}
	return hints.filter(hint => hint.keep || shown.has(hint));
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
