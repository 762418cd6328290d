// Keys -> keymap -> command. The handler reads the store at the moment of the key (not a render's
// copy), so a key pressed between two frames of a flood acts on the newest state, at once.

import {useInput} from 'ink';
import {useCallback, useRef} from 'react';
import {keyContextOf, resolveKey, splitPresses, type KeyFlags} from '../keymap.js';
import {logRowWidth, pageSize, type Layout} from '../store/layout.js';
import {stackKeyContext} from '../store/stack-view.js';
import {useCommands, useLogRows, useStore} from './dashboard-context.js';
import {useStackStore} from './stack-context.js';
import {runCommand} from './run-command.js';

export const useKeymap = (layout: Layout, {isActive = true}: {isActive?: boolean} = {}): void => {
	const store = useStore();
	const commands = useCommands();
	const logRows = useLogRows();
	const stack = useStackStore();
	// The latest layout without re-subscribing to input on every resize.
	const layoutRef = useRef(layout);
	layoutRef.current = layout;
	const handler = useCallback(
		(chunk: string, chunkKey: KeyFlags) => {
			// Each press is resolved against the state the previous one left ("/" then text types a filter).
			for (const [input, key] of splitPresses(chunk, chunkKey)) {
				const state = store.getState();
				const resolved = resolveKey(input, key, keyContextOf(state, stackKeyContext(stack?.getState())));
				if (!resolved) continue;
				runCommand(resolved, {
					getState: store.getState,
					dispatch: store.dispatch,
					commands,
					page: pageSize(layoutRef.current, state.ui.focus),
					// The same rows the pane draws: its width less the gutter (and a stack's service names).
					logRows: logRows(logRowWidth(layoutRef.current), state.ui.wrap),
				});
			}
		},
		[store, commands, logRows, stack],
	);
	useInput(handler, {isActive});
};
