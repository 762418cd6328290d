// What the dashboard itself (keys, the clock, loaders) tells the store, beside the core's events.
// Scroll amounts come from the caller, which knows the pane's height (and, for the logs, its rows);
// the reducer knows no layout.

import type {StatePreview} from '../state/state-preview-types.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import type {LogView, PaneId, SnapshotItem} from './state.js';

export type UiAction =
	| {type: 'tick'; now: number}
	| {type: 'ui/focus'; step: 1 | -1}
	| {type: 'ui/focus-pane'; pane: PaneId}
	| {type: 'ui/help'; open?: boolean}
	/** Moves the focused pane's cursor or rows (not the logs: see ui/log-view): negative is up. */
	| {type: 'ui/scroll'; by: number}
	/** Home or End of the focused pane (not the logs). */
	| {type: 'ui/scroll-to'; edge: 'start' | 'end'}
	/** Where the log view is now, worked out in display rows by whoever moved it (log-view.ts). */
	| {type: 'ui/log-view'; view: LogView}
	/** App lines wrap, or take one row each. */
	| {type: 'ui/wrap'}
	| {type: 'ui/filter-open'}
	| {type: 'ui/filter-input'; text: string}
	| {type: 'ui/filter-delete'}
	| {type: 'ui/filter-apply'}
	| {type: 'ui/filter-clear'}
	| {type: 'ui/tree-toggle'}
	/** A stack's focus moves to another service: by a step, to a position (0-based), or to an end. Nothing for a single app. */
	| {type: 'ui/service'; step: 1 | -1}
	| {type: 'ui/service'; index: number}
	/** A stack's log shows every service, or only the focused one. Nothing for a single app. */
	| {type: 'ui/log-scope'}
	| {type: 'ui/browser'; open?: boolean}
	| {type: 'snapshots/loading'}
	| {type: 'snapshots/listed'; items: SnapshotItem[]}
	| {type: 'snapshots/failed'; message: string}
	| {type: 'snapshot/chosen'; file: string | undefined}
	| {type: 'preview/loading'}
	| {type: 'preview/loaded'; preview: StatePreview}
	| {type: 'preview/failed'; message: string}
	| {type: 'preview/none'};

export type DashboardAction = SupervisorEvent | UiAction;
