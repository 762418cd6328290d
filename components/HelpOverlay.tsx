// Every key, from the keymap itself, grouped by what it acts on. Replaces the panes while open.

import {Box, Text} from 'ink';
import {BINDINGS, type Binding} from '../src/keymap.js';
import {PaneTitle} from './PaneTitle.js';
import {theme} from './theme.js';

export interface HelpOverlayProps {
	width: number;
	height: number;
}

const SECTIONS: {id: Binding['section']; title: string}[] = [
	{id: 'app', title: 'The app'},
	{id: 'panes', title: 'Panes'},
	{id: 'logs', title: 'Logs'},
	{id: 'inspector', title: 'State inspector'},
];

const LABEL_WIDTH = 14;

export const HelpOverlay = ({width, height}: HelpOverlayProps) => {
	const listed = BINDINGS.filter(binding => binding.help !== '');
	// Section headings only when there is room for them.
	const withHeadings = listed.length + SECTIONS.length < height;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<PaneTitle title="Keys" detail="esc or ? closes" focused width={width} />
			{SECTIONS.map(section => (
				<Box key={section.id} flexDirection="column">
					{withHeadings ? <Text bold>{` ${section.title}`}</Text> : null}
					{listed
						.filter(binding => binding.section === section.id)
						.map(binding => (
							<Box key={binding.command} width={width} height={1}>
								<Text wrap="truncate-end">
									<Text color={theme.accent}>{`   ${binding.label.padEnd(LABEL_WIDTH)}`}</Text>
									{binding.help}
								</Text>
							</Box>
						))}
				</Box>
			))}
		</Box>
	);
};
