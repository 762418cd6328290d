// The stack's store, for what only a stack shows (the services pane, the stack's header, its keys).
// Optional by design: one app's dashboard has no stack, and every component asks `useStack()`
// whether there is one; the panes themselves read the focused service through useDashboard.

import {createContext, useContext, useSyncExternalStore, type ReactNode} from 'react';
import type {StackState} from '../store/stack-state.js';
import type {StackStore} from '../store/stack-store.js';

const StackContext = createContext<StackStore | undefined>(undefined);
StackContext.displayName = 'StackStoreContext';

export const StackProvider = ({store, children}: {store: StackStore; children: ReactNode}) => (
	<StackContext.Provider value={store}>{children}</StackContext.Provider>
);

/** The stack's store, or undefined for one app. */
export const useStackStore = (): StackStore | undefined => useContext(StackContext);

const none = () => () => {};
const nothing = () => undefined;

/** The stack's state, or undefined for one app. */
export const useStack = (): StackState | undefined => {
	const store = useStackStore();
	return useSyncExternalStore(store?.subscribe ?? none, store?.getState ?? nothing, store?.getState ?? nothing);
};
