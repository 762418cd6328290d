// What each named command does: a dashboard action for the store, a request to the core through
// the commands, or both. The one place where keys turn into effects.

import type {Resolved} from '../keymap.js';
import type {UiAction} from '../store/actions.js';
import {selectedSnapshot} from '../store/selectors.js';
import type {DashboardState} from '../store/state.js';
import type {DashboardCommands} from './dashboard-context.js';

export interface CommandTarget {
	getState(): DashboardState;
	dispatch(action: UiAction): void;
	commands: DashboardCommands;
	/** Rows the focused pane shows, for PgUp/PgDn and Home. */
	page: number;
}

const chooseSnapshot = ({getState, dispatch, commands}: CommandTarget): void => {
	const state = getState();
	const item = selectedSnapshot(state);
	if (!item) return;
	// Choosing the chosen one again cancels the choice.
	const again = state.chosenSnapshot === item.file;
	if (!again && !item.valid) return;
	commands.loadSnapshot(again ? undefined : item.path);
	dispatch({type: 'snapshot/chosen', file: again ? undefined : item.file});
};

export const runCommand = (resolved: Resolved, target: CommandTarget): void => {
	const {dispatch, commands, page} = target;
	switch (resolved.command) {
		case 'restart':
			return commands.restart();
		case 'postpone':
			return commands.togglePostpone();
		case 'forceKill':
			return commands.forceKill();
		case 'quit':
		case 'interrupt':
			return commands.quit();
		case 'focusNext':
			return dispatch({type: 'ui/focus', step: 1});
		case 'focusPrevious':
			return dispatch({type: 'ui/focus', step: -1});
		case 'up':
			return dispatch({type: 'ui/scroll', by: -1, page});
		case 'down':
			return dispatch({type: 'ui/scroll', by: 1, page});
		case 'pageUp':
			return dispatch({type: 'ui/scroll', by: -page, page});
		case 'pageDown':
			return dispatch({type: 'ui/scroll', by: page, page});
		case 'home':
			return dispatch({type: 'ui/scroll-to', edge: 'start', page});
		case 'end':
			return dispatch({type: 'ui/scroll-to', edge: 'end', page});
		case 'toggle':
			if (target.getState().ui.browser.open) return chooseSnapshot(target);
			return dispatch({type: 'ui/tree-toggle'});
		case 'snapshots': {
			const opening = !target.getState().ui.browser.open;
			dispatch({type: 'ui/browser', open: opening});
			if (opening) commands.listSnapshots();
			return;
		}
		case 'filter':
			return dispatch({type: 'ui/filter-open'});
		case 'filterType':
			return dispatch({type: 'ui/filter-input', text: resolved.text});
		case 'filterDelete':
			return dispatch({type: 'ui/filter-delete'});
		case 'filterApply':
			return dispatch({type: 'ui/filter-apply'});
		case 'filterClear':
			return dispatch({type: 'ui/filter-clear'});
		case 'help':
			return dispatch({type: 'ui/help'});
		case 'close': {
			const {ui} = target.getState();
			if (ui.help) return dispatch({type: 'ui/help', open: false});
			if (ui.browser.open && ui.focus === 'inspector') return dispatch({type: 'ui/browser', open: false});
			return dispatch({type: 'ui/filter-clear'});
		}
	}
};
