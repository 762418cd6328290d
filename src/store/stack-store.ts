// A stack's store: the same batching as one app's (store.ts), over the stack's stream. The panes
// read it through `paneStore`, a DashboardStore whose state is the focused service's composed view
// (stack-view.ts), so every pane, key and the clock work on a stack as they do on one app.

import type {StackStreamEvent} from '../stack/stack-types.js';
import {reduceStack, reduceStackAll} from './reduce-stack.js';
import type {StackAction, StackState} from './stack-state.js';
import {focusedView} from './stack-view.js';
import {createFoldingStore, type DashboardStore, type FoldingStore, type StoreOptions} from './store.js';

export type StackStore = FoldingStore<StackState, StackStreamEvent, StackAction>;

export const createStackStore = (initial: StackState, options: StoreOptions = {}): StackStore =>
	createFoldingStore(initial, {reduce: reduceStack, reduceAll: reduceStackAll}, options);

/** The stack seen as one app's store: the focused service's view; actions go to the stack. */
export const paneStore = (stack: StackStore): DashboardStore => ({
	getState: () => focusedView(stack.getState()),
	subscribe: stack.subscribe,
	ingest() {
		// The panes never feed events in; a stack's come from its stream, tagged with their service.
		throw new Error('a stack takes its events through its own store (createStackStore)');
	},
	dispatch: stack.dispatch,
	flush: stack.flush,
	dispose: stack.dispose,
});
