// The dashboard's state, read from the store through useSyncExternalStore. The state is immutable,
// so the snapshot is stable between notifications and React re-renders only when it changes.

import {useSyncExternalStore} from 'react';
import type {DashboardState} from '../store/state.js';
import {useStore} from './dashboard-context.js';

export const useDashboard = (): DashboardState => {
	const store = useStore();
	return useSyncExternalStore(store.subscribe, store.getState, store.getState);
};
