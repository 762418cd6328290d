// Keeps the inspector's tree current: (re)loads the state file's preview at the start and after
// every validation or restore, one load at a time (a request during a load runs once after it).
// A missing file is no error but "no state": most apps never save any, and the dashboard gives
// the state pane room only for an app that has state.

import {isMissing} from '../state/state-preview.js';
import type {StatePreviewSource} from '../state/state-preview-types.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {DashboardStore} from '../store/store.js';

const RELOAD_ON = new Set(['state/validated', 'state/invalid', 'state/restored']);


export const connectPreview = ({
	bus,
	store,
	source,
	stateFile,
}: {
	/** One app's bus, or a stack's stream narrowed to one service. */
	bus: Pick<EventBus, 'subscribe'>;
	store: Pick<DashboardStore, 'dispatch'>;
	source: StatePreviewSource;
	stateFile: string;
}): (() => void) => {
	let loading = false;
	let again = false;
	let stopped = false;
	const load = async (): Promise<void> => {
		if (loading) {
			again = true;
			return;
		}
		loading = true;
		store.dispatch({type: 'preview/loading'});
		try {
			const preview = await source.load(stateFile);
			if (!stopped) store.dispatch({type: 'preview/loaded', preview});
		} catch (error) {
			const missing = await isMissing(stateFile);
			if (!stopped) store.dispatch(missing ? {type: 'preview/none'} : {type: 'preview/failed', message: error instanceof Error ? error.message : String(error)});
		} finally {
			loading = false;
			if (again && !stopped) {
				again = false;
				void load();
			}
		}
	};
	const unsubscribe = bus.subscribe(event => {
		if (RELOAD_ON.has(event.type)) void load();
	});
	void load();
	return () => {
		stopped = true;
		unsubscribe();
	};
};
