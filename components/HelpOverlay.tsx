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

export const HelpOverlay = ({width, height, stack = false}: HelpOverlayProps) => {
	const listed = BINDINGS.filter(binding => binding.help !== '' && (stack || !stackOnly(binding)));
	const sections = SECTIONS.filter(section => listed.some(binding => binding.section === section.id));
	// Section headings only when there is room for them.
	const withHeadings = listed.length + sections.length < height;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Keys" detail="esc or ? closes" focused width={width} />
			{sections.map(section => (
				<Box key={section.id} flexDirection="column">
					{withHeadings ? <Text bold>{` ${stack ? (section.stackTitle ?? section.title) : section.title}`}</Text> : null}
					{listed
						.filter(binding => binding.section === section.id)
						.map(binding => (
							<Box key={binding.command} width={width} height={1}>
								<Text wrap="truncate-end">
									<Text color={theme.accent}>{`   ${binding.label.padEnd(LABEL_WIDTH)}`}</Text>
									{stack ? (binding.stackHelp ?? binding.help) : binding.help}
								</Text>
							</Box>
						))}
				</Box>
			))}
		</Box>
	);
};
