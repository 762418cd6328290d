// The dashboard's commands for a stack: r, k and p act on the focused service, R and P on all,
// through the stack's commands (the contract in src/stack/stack-types.ts). Fire-and-forget, as
// for one app (create-commands.ts): results come back as events; what the stack reports at once
// is drawn at once. The snapshot browser works when the stack hands over its services' state
// keepers (`snapshots`); without them it says so instead of showing an empty list.

import type {DashboardCommands} from '../hooks/dashboard-context.js';
import type {StackCommands} from '../stack/stack-types.js';
import type {StackStore} from '../store/stack-store.js';
import {allHeld} from '../store/stack-view.js';
import type {SnapshotItem} from '../store/state.js';

/** A stack's services' snapshots, by service name (each service's Session's state keeper). */
export interface StackSnapshots {
	list(service: string): Promise<SnapshotItem[]>;
	loadOnNextStart(service: string, file: string | undefined): void;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createStackCommands = ({
	stack,
	store,
	quit,
	snapshots,
}: {
	stack: StackCommands;
	store: StackStore;
	quit: () => void;
	snapshots?: StackSnapshots;
}): DashboardCommands => {
	const andShow = (command: () => unknown) => () => {
		command();
		setImmediate(() => store.flush());
	};
	// The focused service at the moment of the key, not of some earlier render.
	const onFocused = (command: (service: string) => unknown) =>
		andShow(() => {
			const {focused} = store.getState();
			if (focused !== undefined) command(focused);
		});
	return {
		restart: onFocused(service => stack.restart(service)),
		forceKill: onFocused(service => stack.forceKill(service)),
		togglePostpone: onFocused(service => stack.hold(service, !(store.getState().services[service]?.app.held ?? false))),
		restartAll: andShow(() => stack.restartAll()),
		toggleHoldAll: andShow(() => stack.holdAll(!allHeld(store.getState()))),
		quit,
		listSnapshots() {
			const {focused} = store.getState();
			if (focused === undefined) return;
			if (!snapshots) {
				store.dispatch({type: 'snapshots/failed', message: `no snapshots for ${focused}: this stack does not share its state keepers`});
				return;
			}
			store.dispatch({type: 'snapshots/loading'});
			snapshots.list(focused).then(
				items =>
					store.dispatch({
						type: 'snapshots/listed',
						items: items.map(({file, path, restart, bytes, changedKeys, savedAt, valid}) => ({file, path, restart, bytes, changedKeys, savedAt, valid})),
					}),
				(error: unknown) => store.dispatch({type: 'snapshots/failed', message: messageOf(error)}),
			);
		},
		loadSnapshot(file) {
			const {focused} = store.getState();
			if (focused !== undefined) snapshots?.loadOnNextStart(focused, file);
		},
	};
};
