// Folds a stack's stream (each service's events, tagged with its name, and the stack's own) and
// the dashboard's actions into the stack's view model. Each service's events go through the very
// reducer one app's do; the lines it adds move to the merged log with the service's name. The
// dashboard's actions go through reduceUi on the focused service's composed view, so scrolling,
// the filter, the inspector and the snapshot browser work exactly as for one app. Pure.

import type {ServiceEvent, StackEvent, StackStreamEvent} from '../stack/stack-types.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import type {DashboardAction, UiAction} from './actions.js';
import {appendEntries, appendLines, type SourceLines} from './log-buffer.js';
import {coalesceOutput} from './reducer.js';
import {reduceSupervisorEvent} from './reduce-events.js';
import {reduceUi} from './reduce-ui.js';
import {createServiceView, STACK_PANES, type ServiceView, type StackAction, type StackState} from './stack-state.js';
import {focusedIndex, focusedService, focusedView, waitsText} from './stack-view.js';
import {LOG_CAP, type DashboardState, type LogEntry} from './state.js';

/** The merged log holds more than one app's: a chatty service must not push a quiet one's lines out at once. */
export const STACK_LOG_CAP = 2 * LOG_CAP;

const isStackEvent = (event: StackStreamEvent): event is StackEvent => event.type.startsWith('stack/');

const serviceOf = (stack: StackState, name: string): ServiceView =>
	stack.services[name] ?? createServiceView({name, command: [], cwd: stack.cwd, dependsOn: {}}, stack.now);

const withService = (stack: StackState, name: string, view: ServiceView): StackState => ({
	...stack,
	order: stack.order.includes(name) ? stack.order : [...stack.order, name],
	services: {...stack.services, [name]: view},
	focused: stack.focused ?? name,
});

/**
 * Where a fold puts the lines it adds: a batch collects them and appends them to the merged log in
 * one go at its end (reduceStackAll), so a batch of interleaved services copies the buffer once.
 */
type Sink = SourceLines[];

const addEntries = (stack: StackState, service: string, entries: readonly LogEntry[], sink: Sink, dropped = 0): StackState => {
	if (entries.length > 0 || dropped > 0) sink.push({service, entries, ...(dropped > 0 ? {dropped} : {})});
	return stack;
};

/** devtui's own line about a service, in the merged log under that service's name. */
const mark = (stack: StackState, service: string, line: string, sink: Sink): StackState =>
	addEntries(stack, service, appendLines({entries: [], nextId: 0, dropped: 0}, 'devtui', [line]).entries, sink);

const reduceServiceEvent = (stack: StackState, event: ServiceEvent, sink: Sink): StackState => {
	const name = event.service;
	const view = serviceOf(stack, name);
	const app = reduceSupervisorEvent(view.app, event as SupervisorEvent);
	const fresh = app.logs.entries;
	// The service keeps only its log's cursor (next id, an open traceback); the lines are the stack's.
	const kept = fresh.length === 0 ? app : {...app, logs: {...app.logs, entries: [], dropped: 0}};
	const next = withService({...stack, now: Math.max(stack.now, event.at)}, name, {...view, app: kept});
	return addEntries(next, name, fresh, sink, app.logs.dropped);
};

const reduceStackEvent = (stack: StackState, event: StackEvent, sink: Sink): StackState => {
	const now = Math.max(stack.now, event.at);
	switch (event.type) {
		case 'stack/services': {
			const named = event.services.map(service => service.name);
			const services = {...stack.services};
			for (const info of event.services) {
				const known = services[info.name];
				services[info.name] = known
					? {...known, info, app: known.app.command.length === 0 ? {...known.app, command: info.command, cwd: info.cwd} : known.app}
					: createServiceView(info, now);
			}
			return {
				...stack,
				now,
				order: [...named, ...stack.order.filter(name => !named.includes(name))],
				services,
				focused: stack.focused ?? named[0],
			};
		}
		case 'stack/waiting': {
			const view = serviceOf(stack, event.service);
			const next = withService({...stack, now}, event.service, {...view, waitingFor: event.waitingFor});
			const text = waitsText(next, event.waitingFor);
			return text === undefined ? next : mark(next, event.service, `◌ ${text}`, sink);
		}
		case 'stack/cascade': {
			const view = serviceOf(stack, event.service);
			const next = withService({...stack, now}, event.service, {...view, cascade: {because: event.because, at: event.at}});
			return mark(next, event.service, `↻ restarts because ${event.because} restarted`, sink);
		}
	}
};

const foldEvent = (stack: StackState, event: StackStreamEvent, sink: Sink): StackState =>
	isStackEvent(event) ? reduceStackEvent(stack, event, sink) : reduceServiceEvent(stack, event, sink);

const flush = (stack: StackState, sink: Sink): StackState => (sink.length === 0 ? stack : {...stack, logs: appendEntries(stack.logs, sink, STACK_LOG_CAP)});

export const reduceStackStreamEvent = (stack: StackState, event: StackStreamEvent): StackState => {
	const sink: Sink = [];
	return flush(foldEvent(stack, event, sink), sink);
};

/** What reduceUi changed on the composed view goes back where it lives: the panes to the stack, the rest to the service. */
const split = (stack: StackState, view: DashboardState, next: DashboardState): StackState => {
	if (next === view) return stack;
	const {logs: _logs, ui, now, ...rest} = next;
	const service = focusedService(stack);
	const base = {...stack, ui, now};
	if (!service || stack.focused === undefined) return base;
	return {...base, services: {...stack.services, [stack.focused]: {...service, app: {...rest, logs: service.app.logs, ui: service.app.ui, now: service.app.now}}}};
};

const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, value));

// Another service's panes: its own rows, tree and snapshots; the log view follows again when it
// shows only the focused service (an anchor in another's lines means nothing there).
const focusService = (stack: StackState, index: number): StackState => {
	if (stack.order.length === 0) return stack;
	const focused = stack.order[clamp(index, 0, stack.order.length - 1)]!;
	if (focused === stack.focused) return stack;
	const ui = {
		...stack.ui,
		changesTop: 0,
		historyTop: 0,
		tree: {expanded: {}, cursor: 0},
		browser: {open: false, cursor: 0},
		...(stack.logScope === 'focused' ? {log: {follow: true}} : {}),
	};
	return {...stack, focused, ui};
};

// The services pane takes tab's turn only when it is shown (more than one service).
const panes = (stack: StackState) => (stack.order.length > 1 ? STACK_PANES : STACK_PANES.filter(pane => pane !== 'services'));

export const reduceStackUi = (stack: StackState, action: UiAction): StackState => {
	switch (action.type) {
		case 'tick':
			return action.now > stack.now ? {...stack, now: action.now} : stack;
		case 'ui/focus': {
			const order = panes(stack);
			const index = order.indexOf(stack.ui.focus);
			const pane = order[(index + action.step + order.length) % order.length]!;
			return reduceStackUi(stack, {type: 'ui/focus-pane', pane});
		}
		case 'ui/service':
			return 'step' in action
				? focusService(stack, (focusedIndex(stack) + action.step + stack.order.length) % Math.max(1, stack.order.length))
				: focusService(stack, action.index);
		case 'ui/log-scope':
			return {...stack, logScope: stack.logScope === 'all' ? 'focused' : 'all', ui: {...stack.ui, log: {follow: true}}};
		case 'ui/scroll':
			if (stack.ui.focus === 'services') return focusService(stack, focusedIndex(stack) + action.by);
			break;
		case 'ui/scroll-to':
			if (stack.ui.focus === 'services') return focusService(stack, action.edge === 'start' ? 0 : stack.order.length - 1);
			break;
		default:
			break;
	}
	const view = focusedView(stack);
	return split(stack, view, reduceUi(view, action));
};

// A loader's result for one service: through the panes when it has the focus (the tree's cursor is
// the stack's), else into its own view model, ready for when it has.
const reduceServiceUi = (stack: StackState, service: string, action: UiAction): StackState => {
	if (service === stack.focused) return reduceStackUi(stack, action);
	const view = stack.services[service];
	if (!view) return stack;
	const app = reduceUi(view.app, action);
	return app === view.app ? stack : {...stack, services: {...stack.services, [service]: {...view, app}}};
};

const isUiAction = (action: DashboardAction | StackStreamEvent): action is UiAction =>
	['tick', 'ui/', 'snapshots/', 'snapshot/', 'preview/'].some(prefix => action.type.startsWith(prefix));

export const reduceStack = (stack: StackState, action: StackAction | StackStreamEvent): StackState => {
	if (action.type === 'stack/service-ui') return reduceServiceUi(stack, action.service, action.action);
	return isUiAction(action) ? reduceStackUi(stack, action) : reduceStackStreamEvent(stack, action as StackStreamEvent);
};

/** Folds a queued batch, joining runs of one process's output first, as for one app. */
// A run of output events (most of a flood) changes only each service's log cursor and clock: its
// services are updated in a scratch map and written back once, before the next other event or at
// the batch's end, instead of copying the stack and its services for every line.
const foldOutputRun = (stack: StackState, events: readonly ServiceEvent[], sink: Sink): StackState => {
	const updated = new Map<string, ServiceView>();
	let now = stack.now;
	for (const event of events) {
		const view = updated.get(event.service) ?? serviceOf(stack, event.service);
		const app = reduceSupervisorEvent(view.app, event as SupervisorEvent);
		const fresh = app.logs.entries;
		updated.set(event.service, {...view, app: fresh.length === 0 ? app : {...app, logs: {...app.logs, entries: [], dropped: 0}}});
		addEntries(stack, event.service, fresh, sink, app.logs.dropped);
		now = Math.max(now, event.at);
	}
	let next: StackState = {...stack, now, services: {...stack.services, ...Object.fromEntries(updated)}};
	for (const name of updated.keys()) {
		if (!next.order.includes(name)) next = {...next, order: [...next.order, name], focused: next.focused ?? name};
	}
	return next;
};

/** Folds a queued batch, joining runs of one process's output first, as for one app. */
export const reduceStackAll = (stack: StackState, events: readonly StackStreamEvent[]): StackState => {
	const sink: Sink = [];
	let state = stack;
	let run: ServiceEvent[] = [];
	const endRun = () => {
		if (run.length > 0) state = foldOutputRun(state, run, sink);
		run = [];
	};
	for (const event of coalesceOutput(events as unknown as DashboardAction[]) as unknown as StackStreamEvent[]) {
		if (event.type === 'run/output') {
			run.push(event as ServiceEvent);
			continue;
		}
		endRun();
		state = foldEvent(state, event, sink);
	}
	endRun();
	return flush(state, sink);
};
