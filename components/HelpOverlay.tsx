// Every key, from the keymap itself, grouped by what it acts on. Replaces the panes while open.

import {Box, Text} from 'ink';
import {BINDINGS, type Binding} from '../src/keymap.js';
import {PaneTitle} from './PaneTitle.js';
import {theme} from './theme.js';

export interface HelpOverlayProps {
	width: number;
	height: number;
	/** A stack is shown: its keys are listed, and r, k, p said to act on the focused service. */
	stack?: boolean;
}

const SECTIONS: {id: Binding['section']; title: string; stackTitle?: string}[] = [
	{id: 'app', title: 'The app', stackTitle: 'The focused service'},
	{id: 'services', title: 'Services'},
	{id: 'panes', title: 'Panes'},
	{id: 'logs', title: 'Logs'},
	{id: 'inspector', title: 'State inspector'},
];

const LABEL_WIDTH = 14;

// A stack's own keys exist only in a stack (their `when` asks for one).
const stackOnly = (binding: Binding): boolean => binding.section === 'services';

const Line = ({binding, stack, labelWidth, width}: {binding: Binding; stack: boolean; labelWidth: number; width: number}) => (
	<Box width={width} height={1}>
		<Text wrap="truncate-end">
			<Text color={theme.accent}>{`   ${binding.label.padEnd(labelWidth)}`}</Text>
			{stack ? (binding.stackHelp ?? binding.help) : binding.help}
		</Text>
	</Box>
);

export const HelpOverlay = ({width, height, stack = false}: HelpOverlayProps) => {
	const listed = BINDINGS.filter(binding => binding.help !== '' && (stack || !stackOnly(binding)));
	const sections = SECTIONS.filter(section => listed.some(binding => binding.section === section.id));
	const rows = height - 1;
	// Section headings only when there is room for them.
	const withHeadings = listed.length + sections.length < height;
	// Every key must show: when one column cannot hold them (a stack's at 80x24), two share the width.
	if (listed.length > rows && rows > 0) {
		const ordered = sections.flatMap(section => listed.filter(binding => binding.section === section.id));
		const half = Math.ceil(ordered.length / 2);
		const columnWidth = Math.floor(width / 2);
		const labelWidth = Math.max(...ordered.map(binding => binding.label.length)) + 1;
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<PaneTitle title="Keys" detail="esc or ? closes" focused width={width} />
				<Box width={width} height={rows}>
					{[ordered.slice(0, half), ordered.slice(half)].map((column, index) => (
						<Box key={index} flexDirection="column" width={index === 0 ? columnWidth : width - columnWidth}>
							{column.map(binding => (
								<Line key={binding.command} binding={binding} stack={stack} labelWidth={labelWidth} width={index === 0 ? columnWidth : width - columnWidth} />
							))}
						</Box>
					))}
				</Box>
			</Box>
		);
	}
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Keys" detail="esc or ? closes" focused width={width} />
			{sections.map(section => (
				<Box key={section.id} flexDirection="column">
					{withHeadings ? <Text bold>{` ${stack ? (section.stackTitle ?? section.title) : section.title}`}</Text> : null}
					{listed
						.filter(binding => binding.section === section.id)
						.map(binding => (
							<Line key={binding.command} binding={binding} stack={stack} labelWidth={LABEL_WIDTH} width={width} />
						))}
				</Box>
			))}
		</Box>
	);
};
