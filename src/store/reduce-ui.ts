// Folds the dashboard's own actions (keys, clock, loaders) into the view model. Pure.

import type {UiAction} from './actions.js';
import {paneFiles} from './listen-check-view.js';
import {flattenPreview} from './state-tree.js';
import {PANES, type DashboardState, type UiState} from './state.js';

const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, value));

const withUi = (state: DashboardState, ui: Partial<UiState>): DashboardState => ({...state, ui: {...state.ui, ...ui}});

const treeRows = (state: DashboardState) => flattenPreview(state.preview.preview, state.ui.tree.expanded, state.persisted.changedKeys);

// The log view moves by display rows, which only the pane knows (a line wraps over several): the
// keys work out the new view (log-view.ts) and send it as ui/log-view.
const scroll = (state: DashboardState, by: number): DashboardState => {
	const {ui} = state;
	switch (ui.focus) {
		// The services pane belongs to a stack, whose reducer moves it (reduce-stack.ts).
		case 'services':
		case 'logs':
			return state;
		case 'changes':
			return withUi(state, {changesTop: clamp(ui.changesTop + by, 0, Math.max(0, paneFiles(state).length - 1))});
		case 'timeline':
			return withUi(state, {historyTop: clamp(ui.historyTop + by, 0, Math.max(0, state.history.length - 1))});
		case 'inspector': {
			if (ui.browser.open) {
				const cursor = clamp(ui.browser.cursor + by, 0, Math.max(0, state.snapshots.items.length - 1));
				return withUi(state, {browser: {...ui.browser, cursor}});
			}
			const cursor = clamp(ui.tree.cursor + by, 0, Math.max(0, treeRows(state).length - 1));
			return withUi(state, {tree: {...ui.tree, cursor}});
		}
	}
};

const scrollTo = (state: DashboardState, edge: 'start' | 'end'): DashboardState =>
	scroll(state, edge === 'start' ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);

const focusPane = (state: DashboardState, pane: UiState['focus']): DashboardState =>
	withUi(state, {focus: pane, bottom: pane === 'logs' || pane === 'inspector' ? pane : state.ui.bottom});

const toggleNode = (state: DashboardState): DashboardState => {
	const row = treeRows(state)[state.ui.tree.cursor];
	if (!row?.expandable) return state;
	const expanded = {...state.ui.tree.expanded};
	if (row.expanded) delete expanded[row.path];
	else expanded[row.path] = true;
	return withUi(state, {tree: {...state.ui.tree, expanded}});
};

export const reduceUi = (state: DashboardState, action: UiAction): DashboardState => {
	const {ui} = state;
	switch (action.type) {
		case 'tick':
			return action.now > state.now ? {...state, now: action.now} : state;
		case 'ui/focus': {
			const index = PANES.indexOf(ui.focus);
			return focusPane(state, PANES[(index + action.step + PANES.length) % PANES.length]!);
		}
		case 'ui/focus-pane':
			return focusPane(state, action.pane);
		case 'ui/help':
			return withUi(state, {help: action.open ?? !ui.help});
		case 'ui/scroll':
			return scroll(state, action.by);
		case 'ui/scroll-to':
			return scrollTo(state, action.edge);
		case 'ui/log-view':
			return withUi(state, {log: action.view});
		case 'ui/wrap':
			return withUi(state, {wrap: !ui.wrap});
		case 'ui/filter-open':
			return withUi(focusPane(state, 'logs'), {filter: {...ui.filter, editing: true, draft: ui.filter.applied}});
		case 'ui/filter-input':
			return withUi(state, {filter: {...ui.filter, draft: ui.filter.draft + action.text}});
		case 'ui/filter-delete':
			return withUi(state, {filter: {...ui.filter, draft: [...ui.filter.draft].slice(0, -1).join('')}});
		case 'ui/filter-apply':
			return withUi(state, {filter: {editing: false, draft: ui.filter.draft, applied: ui.filter.draft.trim()}, log: {follow: true}});
		case 'ui/filter-clear':
			return withUi(state, {filter: {editing: false, draft: '', applied: ''}, log: {follow: true}});
		case 'ui/tree-toggle':
			return toggleNode(state);
		// A stack's own: one app has one service and one log.
		case 'ui/service':
		case 'ui/log-scope':
			return state;
		case 'ui/browser': {
			const open = action.open ?? !ui.browser.open;
			return withUi(focusPane(state, 'inspector'), {browser: {open, cursor: open ? 0 : ui.browser.cursor}});
		}
		case 'snapshots/loading':
			return {...state, snapshots: {...state.snapshots, status: 'loading'}};
		case 'snapshots/listed':
			return {
				...state,
				snapshots: {status: 'ready', items: action.items},
				ui: {...ui, browser: {...ui.browser, cursor: clamp(ui.browser.cursor, 0, Math.max(0, action.items.length - 1))}},
			};
		case 'snapshots/failed':
			return {...state, snapshots: {status: 'error', items: state.snapshots.items, message: action.message}};
		case 'snapshot/chosen': {
			if (action.file !== undefined) return {...state, chosenSnapshot: action.file};
			const {chosenSnapshot: _chosen, ...rest} = state;
			return rest;
		}
		case 'preview/loading':
			return {...state, preview: {...state.preview, status: state.preview.preview ? 'ready' : 'loading'}};
		case 'preview/loaded': {
			const rows = flattenPreview(action.preview, ui.tree.expanded, state.persisted.changedKeys);
			return {
				...state,
				preview: {status: 'ready', preview: action.preview},
				ui: {...ui, tree: {...ui.tree, cursor: clamp(ui.tree.cursor, 0, Math.max(0, rows.length - 1))}},
			};
		}
		case 'preview/failed':
			return {...state, preview: {status: 'error', message: action.message}};
		case 'preview/none':
			return {...state, preview: {status: 'none'}};
	}
};
