// The view model of a stack of services: per service the very view model one app has (folded by
// the same reducer, so every pane shows a service exactly as it would show a single app), the
// order the stack announced, what each service waits for, which one has the focus, and one log
// merged from all of them. Plain data only, like DashboardState.

import type {DependencyWait, ServiceInfo} from '../stack/stack-types.js';
import type {UiAction} from './actions.js';
import {createInitialState, type DashboardState, type LogState, type PaneId, type UiState} from './state.js';

/** Focus order for tab / shift+tab in a stack: the services pane first. */
export const STACK_PANES: readonly PaneId[] = ['services', 'changes', 'timeline', 'logs', 'inspector'];

export interface ServiceView {
	info: ServiceInfo;
	/**
	 * The service's own view model. Its `logs` keeps only the cursor (next id, an open traceback):
	 * its lines move to the stack's merged log as they arrive. Its `ui` is unused (the stack has one).
	 */
	app: DashboardState;
	/** What it waits for before it can start; empty when it waits for nothing. */
	waitingFor: DependencyWait[];
	/** The last time it was restarted because a dependency it cascades from restarted. */
	cascade?: {because: string; at: number};
}

export interface StackState {
	now: number;
	cwd: string;
	/** Service names in the stack's dependency order (stack/services), then any first heard of later. */
	order: string[];
	services: Readonly<Record<string, ServiceView>>;
	/** The service the changes, timeline, history and state panes show, and `r`, `k`, `p` act on. */
	focused?: string;
	/** Every service's lines, each with its service's name; ids increase across services. */
	logs: LogState;
	/** The log shows every service, or only the focused one. */
	logScope: 'all' | 'focused';
	/** One set of panes, filter and log view for the whole stack. */
	ui: UiState;
}

/**
 * The dashboard's actions on a stack: the panes' (on the focused service), or a loader's result
 * for one service whichever has the focus (its state preview, loaded when it saved).
 */
export type StackAction = UiAction | {type: 'stack/service-ui'; service: string; action: UiAction};

export interface StackInitialInput {
	cwd: string;
	now: number;
	/** The services known before the stack announces them (StackCommands.services). */
	services?: readonly ServiceInfo[];
}

export const createServiceView = (info: ServiceInfo, now: number): ServiceView => ({
	info,
	app: createInitialState({command: info.command, cwd: info.cwd, watch: [], now}),
	waitingFor: [],
});

export const createStackState = ({cwd, now, services = []}: StackInitialInput): StackState => {
	const base = createInitialState({command: [], cwd, watch: [], now});
	return {
		now,
		cwd,
		order: services.map(service => service.name),
		services: Object.fromEntries(services.map(service => [service.name, createServiceView(service, now)])),
		...(services[0] ? {focused: services[0].name} : {}),
		logs: base.logs,
		logScope: 'all',
		// As for one app the logs have the focus: arrows scroll them; [ ] and 1-9 choose the service.
		ui: base.ui,
	};
};
