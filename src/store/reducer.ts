// The one reducer: (state, core event | dashboard action) -> state. Pure, no clock, no I/O.
// reduceAll folds a queued batch, joining runs of output from the same stream first so a flood of
// small chunks costs one buffer copy per flush instead of one per chunk.

import type {SupervisorEvent, SupervisorEventOf} from '../supervisor/events.js';
import type {DashboardAction, UiAction} from './actions.js';
import {reduceSupervisorEvent} from './reduce-events.js';
import {reduceUi} from './reduce-ui.js';
import type {DashboardState} from './state.js';

const UI_PREFIXES = ['tick', 'ui/', 'snapshots/', 'snapshot/', 'preview/'];

const isUiAction = (action: DashboardAction): action is UiAction => UI_PREFIXES.some(prefix => action.type.startsWith(prefix));

export const reduce = (state: DashboardState, action: DashboardAction): DashboardState =>
	isUiAction(action) ? reduceUi(state, action) : reduceSupervisorEvent(state, action as SupervisorEvent);

type Output = SupervisorEventOf<'run/output'>;

/** Joins consecutive run/output events of one pid and stream into one (the order of lines is kept). */
export const coalesceOutput = (actions: readonly DashboardAction[]): DashboardAction[] => {
	const result: DashboardAction[] = [];
	let open: Output | undefined;
	for (const action of actions) {
		if (action.type === 'run/output') {
			if (open && open.pid === action.pid && open.stream === action.stream) {
				for (const line of action.lines) open.lines.push(line);
				open.at = action.at;
				continue;
			}
			open = {...action, lines: [...action.lines]};
			result.push(open);
			continue;
		}
		open = undefined;
		result.push(action);
	}
	return result;
};

export const reduceAll = (state: DashboardState, actions: readonly DashboardAction[]): DashboardState =>
	coalesceOutput(actions).reduce(reduce, state);
