// One app as a stack of one service: its events re-emitted with the service's name, the stack's
// commands sent to its supervisor, and stack/services when announced.

import {describe, expect, it} from 'vitest';
import {singleServiceStack} from '../../src/stack/single-service.js';
import {SINGLE_SERVICE, type StackStreamEvent} from '../../src/stack/stack-types.js';
import {createEventBus} from '../../src/supervisor/event-bus.js';

const fakeSupervisor = () => {
	const calls: string[] = [];
	return {
		calls,
		supervisor: {
			restart: () => calls.push('restart'),
			hold: (held: boolean) => calls.push(`hold ${held}`),
			forceKill: () => calls.push('forceKill'),
		} as never,
	};
};

describe('singleServiceStack', () => {
	it('tags every event with the service and announces it', () => {
		const bus = createEventBus({now: () => 5});
		const {supervisor} = fakeSupervisor();
		const stack = singleServiceStack({bus, supervisor}, {command: ['node', 'app.js'], cwd: '/srv'}, () => 7);
		const seen: StackStreamEvent[] = [];
		const stop = stack.subscribe(event => seen.push(event));
		stack.announce();
		bus.emit({type: 'watch/batch', open: true});
		expect(stack.services).toEqual([{name: SINGLE_SERVICE, command: ['node', 'app.js'], cwd: '/srv', dependsOn: {}}]);
		expect(seen).toEqual([
			{type: 'stack/services', at: 7, services: stack.services},
			{type: 'watch/batch', open: true, at: 5, service: 'app'},
		]);
		stop();
		bus.emit({type: 'watch/batch', open: false});
		expect(seen).toHaveLength(2);
	});

	it('sends the commands for its one service to the supervisor, and ignores other names', () => {
		const {supervisor, calls} = fakeSupervisor();
		const stack = singleServiceStack({bus: createEventBus(), supervisor}, {command: ['x'], cwd: '/'});
		stack.restart('app');
		stack.hold('app', true);
		stack.hold('app', false);
		stack.forceKill('app');
		stack.restartAll();
		stack.holdAll(true);
		stack.restart('web');
		stack.hold('web', true);
		expect(calls).toEqual(['restart', 'hold true', 'hold false', 'forceKill', 'restart', 'hold true']);
	});
});
