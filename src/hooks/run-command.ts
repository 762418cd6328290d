// What each named command does: a dashboard action for the store, a request to the core through
// the commands, or both. The one place where keys turn into effects.

import type {Resolved} from '../keymap.js';
import type {UiAction} from '../store/actions.js';
import {filterEntries, logViewAtStart, scrollLogView, type LogRows} from '../store/log-view.js';
import {selectedSnapshot} from '../store/selectors.js';
import type {DashboardState} from '../store/state.js';
import type {DashboardCommands} from './dashboard-context.js';

export interface CommandTarget {
	getState(): DashboardState;
	dispatch(action: UiAction): void;
	commands: DashboardCommands;
	/** Rows the focused pane shows, for PgUp/PgDn and Home. */
	page: number;
	/** The log pane's rows per entry at its width (a long line wraps over several), for moving it by rows. */
	logRows: LogRows;
}

type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

// The log view moves by display rows; the other panes by their own rows, in the reducer.
const moveLog = (move: Move, {getState, dispatch, page, logRows}: CommandTarget): void => {
	const {logs, ui} = getState();
	const entries = filterEntries(logs.entries, ui.filter.applied);
	if (move === 'end') return dispatch({type: 'ui/log-view', view: {follow: true}});
	if (move === 'home') return dispatch({type: 'ui/log-view', view: logViewAtStart(entries, page, logRows)});
	const by = move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -page : page;
	return dispatch({type: 'ui/log-view', view: scrollLogView(entries, ui.log, by, page, logRows)});
};

const isMove = (command: Resolved['command']): command is Move =>
	command === 'up' || command === 'down' || command === 'pageUp' || command === 'pageDown' || command === 'home' || command === 'end';

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
	if (isMove(resolved.command) && target.getState().ui.focus === 'logs') return moveLog(resolved.command, target);
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
			return dispatch({type: 'ui/scroll', by: -1});
		case 'down':
			return dispatch({type: 'ui/scroll', by: 1});
		case 'pageUp':
			return dispatch({type: 'ui/scroll', by: -page});
		case 'pageDown':
			return dispatch({type: 'ui/scroll', by: page});
		case 'home':
			return dispatch({type: 'ui/scroll-to', edge: 'start'});
		case 'end':
			return dispatch({type: 'ui/scroll-to', edge: 'end'});
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
		case 'wrap':
			return dispatch({type: 'ui/wrap'});
		case 'help':
			return dispatch({type: 'ui/help'});
		case 'restartAll':
			return commands.restartAll?.();
		case 'holdAll':
			return commands.toggleHoldAll?.();
		case 'servicePrevious':
			return dispatch({type: 'ui/service', step: -1});
		case 'serviceNext':
			return dispatch({type: 'ui/service', step: 1});
		case 'serviceNumber':
			return dispatch({type: 'ui/service', index: resolved.index});
		case 'logScope':
			return dispatch({type: 'ui/log-scope'});
		case 'close': {
			const {ui} = target.getState();
			if (ui.help) return dispatch({type: 'ui/help', open: false});
			if (ui.browser.open && ui.focus === 'inspector') return dispatch({type: 'ui/browser', open: false});
			return dispatch({type: 'ui/filter-clear'});
		}
	}
};
