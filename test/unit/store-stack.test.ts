// The stack's view model: each service folded by the one-app reducer, the order and waits the stack
// announces, the focus, and one log merged from every service, with the filter across them and a
// scope of the focused one only. Built from real event sequences (test/fixtures/stack-script.ts).

import {describe, expect, it} from 'vitest';
import {filterEntries} from '../../src/store/log-view.js';
import {reduceAll} from '../../src/store/reducer.js';
import {reduceStack, reduceStackAll, reduceStackStreamEvent, STACK_LOG_CAP} from '../../src/store/reduce-stack.js';
import {createStackState, type StackState} from '../../src/store/stack-state.js';
import {createStackStore, paneStore} from '../../src/store/stack-store.js';
import {allHeld, focusedView, lastChangeToReadyMs, serviceStatus, stackSummary, waitsText} from '../../src/store/stack-view.js';
import {createInitialState, LOG_CAP} from '../../src/store/state.js';
import type {UiAction} from '../../src/store/actions.js';
import {output, ready, setState, spawn, stopForChange, T0} from '../fixtures/dashboard-script.js';
import {createStackScript, serviceInfo, waiting} from '../fixtures/stack-script.js';
import {STACK_STATES} from '../fixtures/states-stack.js';

const SERVICES = [serviceInfo('queue', ['python3', 'q.py']), serviceInfo('api', ['uvicorn', 'main:app'], {queue: 'ready'})];

const fold = (events: Parameters<typeof reduceStackAll>[1], actions: UiAction[] = []): StackState =>
	actions.reduce(reduceStack, reduceStackAll(createStackState({cwd: '/shop', now: T0, services: SERVICES}), events));

const twoServices = () => {
	const script = createStackScript();
	script.emit({type: 'stack/services', services: SERVICES});
	waiting(script, 'api', [{service: 'queue', condition: 'ready'}]);
	const queue = script.service('queue');
	const api = script.service('api');
	spawn(queue, 100, 0);
	output(queue, 100, 'stdout', ['queue up']);
	ready(queue, 100, 0, 50);
	waiting(script, 'api', []);
	spawn(api, 200, 0);
	output(api, 200, 'stdout', ['api up', 'GET /cart 200']);
	output(queue, 100, 'stderr', ['error: queue lost a message']);
	ready(api, 200, 0, 80);
	return {script, queue, api};
};

describe('the stack view model', () => {
	it('folds each service with the one-app reducer: its view model is the one the app alone would have', () => {
		const {script} = twoServices();
		const stack = fold(script.events);
		const alone = reduceAll(
			createInitialState({command: SERVICES[1]!.command, cwd: SERVICES[1]!.cwd, watch: [], now: T0}),
			script.events.filter(event => 'service' in event && event.service === 'api') as never,
		);
		const {logs: _a, now: _n, ...service} = stack.services['api']!.app;
		const {logs: _b, now: _m, ...single} = alone;
		expect(service).toEqual(single);
		expect(stack.services['api']!.app.readyPid).toBe(200);
		expect(serviceStatus(stack.services['api']!)).toBe('ready');
	});

	it('keeps the order the stack announced, and what each service waits for', () => {
		const script = createStackScript();
		script.emit({type: 'stack/services', services: SERVICES});
		waiting(script, 'api', [{service: 'queue', condition: 'ready'}]);
		const stack = fold(script.events);
		expect(stack.order).toEqual(['queue', 'api']);
		expect(stack.focused).toBe('queue');
		expect(stack.services['api']!.waitingFor).toEqual([{service: 'queue', condition: 'ready'}]);
		expect(serviceStatus(stack.services['api']!)).toBe('waiting');
		expect(waitsText(stack, stack.services['api']!.waitingFor)).toBe('waits for queue ready');
		expect(stackSummary(stack)).toEqual({services: 2, counts: {starting: 1, waiting: 1}});
	});

	it('says a dependency crashed when the wait cannot end by itself', () => {
		const state = STACK_STATES.stackCrashed();
		expect(serviceStatus(state.services['api']!)).toBe('crashed');
		expect(waitsText(state, state.services['web']!.waitingFor)).toBe('waits for api (crashed)');
		expect(stackSummary(state).counts).toEqual({ready: 2, crashed: 1, waiting: 1});
	});

	it('merges every service\'s lines, with its name, ids increasing across services', () => {
		const {script} = twoServices();
		const stack = fold(script.events);
		const lines = stack.logs.entries.map(entry => `${entry.service}: ${entry.text}`);
		expect(lines).toEqual([
			'api: ◌ waits for queue ready',
			'queue: ▶ started pid 100: node server.mjs --port 3000',
			'queue: queue up',
			'queue: ⇆ pid 100 connected (node client)',
			'api: ▶ started pid 200: node server.mjs --port 3000',
			'api: api up',
			'api: GET /cart 200',
			'queue: error: queue lost a message',
			'api: ⇆ pid 200 connected (node client)',
		]);
		const ids = stack.logs.entries.map(entry => entry.id);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		expect(new Set(ids).size).toBe(ids.length);
		// The level of a stderr line is classified as for one app.
		expect(stack.logs.entries.find(entry => entry.stream === 'stderr')?.level).toBe('error');
		// The services keep no copy of the lines.
		expect(stack.services['api']!.app.logs.entries).toEqual([]);
	});

	it('filters across services, and shows only the focused one when asked', () => {
		const {script} = twoServices();
		const typed = [...'up'].map(text => ({type: 'ui/filter-input', text}) as UiAction);
		const filtered = fold(script.events, [{type: 'ui/filter-open'}, ...typed, {type: 'ui/filter-apply'}]);
		const view = focusedView(filtered);
		expect(filterEntries(view.logs.entries, view.ui.filter.applied).map(entry => `${entry.service}: ${entry.text}`)).toEqual(['queue: queue up', 'api: api up']);
		const scoped = reduceStack(filtered, {type: 'ui/log-scope'});
		expect(scoped.logScope).toBe('focused');
		expect(filterEntries(focusedView(scoped).logs.entries, 'up').map(entry => entry.service)).toEqual(['queue']);
		const api = reduceStack(scoped, {type: 'ui/service', step: 1});
		expect(focusedView(api).logs.entries.every(entry => entry.service === 'api')).toBe(true);
		expect(reduceStack(api, {type: 'ui/log-scope'}).logScope).toBe('all');
	});

	it('moves the focus by step (wrapping), by position, and with the arrows in the services pane', () => {
		const stack = STACK_STATES.stackRunning();
		expect(stack.focused).toBe('api');
		expect(reduceStack(stack, {type: 'ui/service', step: 1}).focused).toBe('worker');
		expect(reduceStack(stack, {type: 'ui/service', step: -1}).focused).toBe('queue');
		expect(reduceStack(reduceStack(stack, {type: 'ui/service', index: 3}), {type: 'ui/service', step: 1}).focused).toBe('queue');
		expect(reduceStack(stack, {type: 'ui/service', index: 99}).focused).toBe('web');
		// Arrows move between services only while the services pane has the focus.
		expect(reduceStack(stack, {type: 'ui/scroll', by: 1}).focused).toBe('api');
		const pane = reduceStack(stack, {type: 'ui/focus-pane', pane: 'services'});
		expect(reduceStack(pane, {type: 'ui/scroll', by: 1}).focused).toBe('worker');
		expect(reduceStack(pane, {type: 'ui/scroll-to', edge: 'start'}).focused).toBe('queue');
		expect(reduceStack(pane, {type: 'ui/scroll-to', edge: 'end'}).focused).toBe('web');
		// Tab reaches the services pane (logs, state, then services).
		const tabbed = [1, 1].reduce((state: StackState) => reduceStack(state, {type: 'ui/focus', step: 1}), stack);
		expect(tabbed.ui.focus).toBe('services');
	});

	it('shows the focused service in the panes: its history, its restarts, its own snapshots', () => {
		const stack = STACK_STATES.stackRunning();
		const view = focusedView(stack);
		expect(view.restart).toBe(2);
		expect(view.history.map(entry => entry.trigger)).toEqual(['change', 'change', 'start']);
		expect(lastChangeToReadyMs(view)).toBe(view.history[0]!.totalMs);
		expect(focusedView(reduceStack(stack, {type: 'ui/service', index: 0})).restart).toBe(0);
		// The view is the same object until the stack changes (a stable snapshot for React).
		expect(focusedView(stack)).toBe(view);
		const items = [{file: 'a.json', path: '/a.json', restart: 1, bytes: 10, changedKeys: [], savedAt: T0, valid: true}];
		const listed = reduceStack(stack, {type: 'snapshots/listed', items});
		expect(listed.services['api']!.app.snapshots.items).toEqual(items);
		expect(listed.services['queue']!.app.snapshots.items).toEqual([]);
	});

	it('knows when every service holds its restarts', () => {
		const script = createStackScript();
		script.emit({type: 'stack/services', services: SERVICES});
		script.service('queue').emit({type: 'supervisor/held', held: true, pending: []});
		expect(allHeld(fold(script.events))).toBe(false);
		script.service('api').emit({type: 'supervisor/held', held: true, pending: []});
		const stack = fold(script.events);
		expect(allHeld(stack)).toBe(true);
		expect(serviceStatus(stack.services['api']!)).toBe('starting');
	});

	it('notes a cascade in the merged log, and a service first heard of after the announcement', () => {
		const script = createStackScript();
		script.emit({type: 'stack/services', services: SERVICES});
		const api = script.service('api');
		spawn(api, 200, 0);
		ready(api, 200, 0, 10);
		script.emit({type: 'stack/cascade', service: 'api', because: 'queue'});
		stopForChange(api, {pid: 200, files: [], batch: 1, phases: []});
		setState(script.service('extra'), 'starting');
		const stack = fold(script.events);
		expect(stack.services['api']!.cascade).toEqual({because: 'queue', at: expect.any(Number)});
		expect(stack.logs.entries.map(entry => entry.text)).toContain('↻ restarts because queue restarted');
		expect(stack.order).toEqual(['queue', 'api', 'extra']);
	});

	it('batches a stream in its store and shows it through a one-app store of the focused service', () => {
		const {script} = twoServices();
		const store = createStackStore(createStackState({cwd: '/shop', now: T0, services: SERVICES}));
		const panes = paneStore(store);
		let notified = 0;
		panes.subscribe(() => notified++);
		for (const event of script.events) store.ingest(event);
		store.flush();
		expect(notified).toBe(1);
		expect(panes.getState().pid).toBe(100);
		panes.dispatch({type: 'ui/service', step: 1});
		expect(panes.getState().pid).toBe(200);
		expect(panes.getState()).toBe(panes.getState());
		store.dispose();
	});

	it("applies a loader's result to its own service, whether or not it has the focus", () => {
		const stack = STACK_STATES.stackRunning();
		const preview = {file: '/q.json', bytes: 2, mtimeMs: T0, root: {type: 'object' as const, size: 0, children: []}};
		const queue = reduceStack(stack, {type: 'stack/service-ui', service: 'queue', action: {type: 'preview/loaded', preview: preview as never}});
		expect(queue.focused).toBe('api');
		expect(queue.services['queue']!.app.preview.status).toBe('ready');
		expect(queue.services['api']!.app.preview.status).toBe('none');
		expect(queue.ui).toBe(stack.ui);
		const api = reduceStack(stack, {type: 'stack/service-ui', service: 'api', action: {type: 'preview/failed', message: 'broken'}});
		expect(focusedView(api).preview).toEqual({status: 'error', message: 'broken'});
		expect(reduceStack(stack, {type: 'stack/service-ui', service: 'nobody', action: {type: 'preview/none'}})).toBe(stack);
	});

	it('folds a batch exactly as event by event, interleaved output and all', () => {
		const {script, queue, api} = twoServices();
		for (let index = 0; index < 30; index++) output(index % 2 ? queue : api, index % 2 ? 100 : 200, index % 3 ? 'stdout' : 'stderr', [`line ${index}`, `  at frame ${index}`]);
		script.emit({type: 'stack/cascade', service: 'api', because: 'queue'});
		output(api, 200, 'stdout', ['after the cascade']);
		const initial = createStackState({cwd: '/shop', now: T0, services: SERVICES});
		const batched = reduceStackAll(initial, script.events);
		const single = script.events.reduce(reduceStackStreamEvent, initial);
		expect(batched).toEqual(single);
		expect(batched.logs.entries.at(-1)).toMatchObject({service: 'api', text: 'after the cascade'});
	});

	it('bounds the merged log, dropping the oldest lines of any service, ids still increasing', () => {
		// One service's burst is bounded first by its own log (LOG_CAP, as one app's), then the merged log by STACK_LOG_CAP.
		const script = createStackScript();
		script.emit({type: 'stack/services', services: SERVICES});
		const lines = (prefix: string, count: number) => Array.from({length: count}, (_, index) => `${prefix} ${index}`);
		output(script.service('queue'), 100, 'stdout', lines('queue', 3000));
		output(script.service('api'), 200, 'stdout', lines('api', LOG_CAP));
		output(script.service('web'), 300, 'stdout', lines('web', LOG_CAP + 500));
		output(script.service('queue'), 100, 'stdout', ['queue last']);
		const stack = fold(script.events);
		expect(stack.logs.entries).toHaveLength(STACK_LOG_CAP);
		// 500 of web's never entered; then the oldest 3,001 went: every queue line but the last, and api's first.
		expect(stack.logs.dropped).toBe(500 + 3001);
		expect(stack.logs.entries[0]!.text).toBe('api 1');
		expect(stack.logs.entries.at(-2)).toMatchObject({service: 'web', text: `web ${LOG_CAP + 499}`});
		expect(stack.logs.entries.at(-1)).toMatchObject({service: 'queue', text: 'queue last'});
		const ids = stack.logs.entries.map(entry => entry.id);
		expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
	});
});

