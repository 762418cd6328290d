// Derived values of a stack's view model. The focused service's panes are drawn by the same
// components as one app's, from the view `focusedView` composes: that service's view model with
// the stack's clock, log and panes. Pure; results are remembered per state, so the composed view
// is the same object until the stack changes (useSyncExternalStore needs a stable snapshot).

import type {DependencyWait} from '../stack/stack-types.js';
import {appStatus} from './selectors.js';
import type {ServiceView, StackState} from './stack-state.js';
import {createInitialState, type AppStatus, type DashboardState, type LogEntry, type LogState} from './state.js';

/** A service's status: an app's, or waiting for what it depends on. */
export type ServiceStatus = AppStatus | 'waiting';

const byService = new WeakMap<readonly LogEntry[], {service: string; result: readonly LogEntry[]}>();

/** The merged log's entries of one service; remembered for the last service asked on each buffer. */
export const serviceEntries = (entries: readonly LogEntry[], service: string): readonly LogEntry[] => {
	const known = byService.get(entries);
	if (known?.service === service) return known.result;
	const result = entries.filter(entry => entry.service === service);
	byService.set(entries, {service, result});
	return result;
};

/** The log the pane shows: every service's lines, or the focused one's. */
export const shownLogs = (stack: StackState): LogState =>
	stack.logScope === 'focused' && stack.focused !== undefined ? {...stack.logs, entries: serviceEntries(stack.logs.entries, stack.focused)} : stack.logs;

const views = new WeakMap<StackState, DashboardState>();

/** The focused service's view model, with the stack's clock, log and panes: what the panes draw. */
export const focusedView = (stack: StackState): DashboardState => {
	const known = views.get(stack);
	if (known) return known;
	const app = stack.focused === undefined ? undefined : stack.services[stack.focused]?.app;
	const base = app ?? createInitialState({command: [], cwd: stack.cwd, watch: [], now: stack.now});
	const view: DashboardState = {...base, now: stack.now, logs: shownLogs(stack), ui: stack.ui};
	views.set(stack, view);
	return view;
};

export const focusedService = (stack: StackState): ServiceView | undefined =>
	stack.focused === undefined ? undefined : stack.services[stack.focused];

export const serviceStatus = (service: ServiceView): ServiceStatus => {
	const {supervisor} = service.app;
	// A service that runs is shown as it runs, even while the stack still reports a wait (a
	// dependency restarting under it does not stop it).
	if (service.waitingFor.length > 0 && supervisor !== 'running' && supervisor !== 'stopping') return 'waiting';
	return appStatus(service.app);
};

/** The last restart caused by a change (or a request) that reached ready: its change→ready time. */
export const lastChangeToReadyMs = (app: DashboardState): number | undefined =>
	app.history.find(entry => entry.trigger !== 'start' && entry.outcome === 'ready' && entry.readinessUnknown !== true)?.totalMs;

// Why a dependency's wait cannot end by itself, read from the dependency's own state.
const failureOf = (stack: StackState, wait: DependencyWait): string => {
	const app = stack.services[wait.service]?.app;
	if (app?.supervisor === 'crashed') return 'crashed';
	if (app?.supervisor === 'exited' && wait.condition === 'completed') return 'failed';
	if (app?.supervisor === 'exited') return 'exited';
	return 'failed';
};

/** "queue ready", "api (crashed)": one dependency the service waits for. */
export const waitText = (stack: StackState, wait: DependencyWait): string =>
	wait.failed ? `${wait.service} (${failureOf(stack, wait)})` : `${wait.service} ${wait.condition}`;

/** "waits for queue ready, api (crashed)", or undefined when it waits for nothing. */
export const waitsText = (stack: StackState, waits: readonly DependencyWait[]): string | undefined =>
	waits.length === 0 ? undefined : `waits for ${waits.map(wait => waitText(stack, wait)).join(', ')}`;

export interface StackSummary {
	services: number;
	counts: Partial<Record<ServiceStatus, number>>;
}

export const stackSummary = (stack: StackState): StackSummary => {
	const counts: Partial<Record<ServiceStatus, number>> = {};
	for (const name of stack.order) {
		const service = stack.services[name];
		if (!service) continue;
		const status = serviceStatus(service);
		counts[status] = (counts[status] ?? 0) + 1;
	}
	return {services: stack.order.length, counts};
};

/** Whether every service holds its restarts (so P releases them all). */
export const allHeld = (stack: StackState): boolean =>
	stack.order.length > 0 && stack.order.every(name => stack.services[name]?.app.held === true);

/** The position of the focused service in the stack's order (0 when none). */
export const focusedIndex = (stack: StackState): number => Math.max(0, stack.focused === undefined ? 0 : stack.order.indexOf(stack.focused));

/** The key context's stack part, or undefined when fewer than two services make no stack worth showing. */
export const stackKeyContext = (stack: StackState | undefined): {focused?: string; allHeld: boolean; logScope: 'all' | 'focused'} | undefined =>
	stack === undefined || stack.order.length < 2
		? undefined
		: {...(stack.focused === undefined ? {} : {focused: stack.focused}), allHeld: allHeld(stack), logScope: stack.logScope};

export interface ServiceRow {
	name: string;
	/** 1-based: the digit that focuses it. */
	number: number;
	status: ServiceStatus;
	pid?: number;
	restarts: number;
	changeToReadyMs?: number;
	/** "waits for queue ready", while it does. */
	waits?: string;
	/** Changes waiting for the release, while held. */
	pending: number;
	focused: boolean;
}

/** One row per service, in the stack's order. */
export const serviceRows = (stack: StackState): ServiceRow[] =>
	stack.order.flatMap((name, index): ServiceRow[] => {
		const service = stack.services[name];
		if (!service) return [];
		const status = serviceStatus(service);
		const waits = status === 'waiting' ? waitsText(stack, service.waitingFor) : undefined;
		const ms = lastChangeToReadyMs(service.app);
		const running = service.app.supervisor !== 'idle' && status !== 'waiting';
		return [
			{
				name,
				number: index + 1,
				status,
				...(running && service.app.pid !== undefined ? {pid: service.app.pid} : {}),
				restarts: service.app.restart,
				...(ms === undefined ? {} : {changeToReadyMs: ms}),
				...(waits === undefined ? {} : {waits}),
				pending: service.app.held ? service.app.pending.length : 0,
				focused: name === stack.focused,
			},
		];
	});

/** Columns the log's service prefix takes (the longest name, at most 10, and a space); 0 when it shows one service. */
export const logPrefixWidth = (stack: StackState | undefined): number => {
	if (stack === undefined || stack.order.length < 2 || stack.logScope === 'focused') return 0;
	return Math.min(10, Math.max(...stack.order.map(name => [...name].length))) + 1;
};
