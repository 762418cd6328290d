// A pane's title row, which is also its top rule: "─ Logs · 1,234 lines ──────". The focused
// pane's title takes the accent colour, so focus is visible without boxes around every pane.

import {Text} from 'ink';
import {glyphs, theme, toneColor, type Tone} from './theme.js';

export interface PaneTitleProps {
	title: string;
	/** Secondary text after the title, dim unless a tone is given; cut to fit. */
	detail?: string;
	detailTone?: Tone;
	focused: boolean;
	width: number;
}

const columns = (text: string): number => [...text].length;

export const PaneTitle = ({title, detail = '', detailTone = 'dim', focused, width}: PaneTitleProps) => {
	const head = `${glyphs.rule} `;
	const room = width - columns(head) - columns(title) - 3;
	const shownDetail = detail === '' || room < 6 ? '' : columns(` · ${detail}`) > room ? ` · ${[...detail].slice(0, room - 4).join('')}…` : ` · ${detail}`;
	const rule = Math.max(0, width - columns(head) - columns(title) - columns(shownDetail));
	return (
		<Text wrap="truncate-end">
			<Text color={theme.rule}>{head}</Text>
			<Text bold color={focused ? theme.accent : undefined}>
				{title}
			</Text>
			<Text color={toneColor(detailTone)} dimColor={detailTone === 'dim'}>
				{shownDetail}
			</Text>
			<Text color={theme.rule}>{rule > 0 ? ` ${glyphs.rule.repeat(rule - 1)}` : ''}</Text>
		</Text>
	);
};
