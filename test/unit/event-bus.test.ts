import {describe, expect, it} from 'vitest';
import {createEventBus} from '../../src/supervisor/event-bus.js';

describe('event bus', () => {
	it('delivers an event emitted by a subscriber only after the current event reached everyone', () => {
		let clock = 0;
		const bus = createEventBus({now: () => ++clock});
		const seen: string[] = [];
		bus.subscribe(event => {
			seen.push(`a:${event.type}`);
			if (event.type === 'run/spawned') bus.emit({type: 'supervisor/error', message: 'follow-up'});
		});
		bus.subscribe(event => seen.push(`b:${event.type}`));
		bus.emit({type: 'run/spawned', pid: 1, restart: 0, command: ['x'], spawnMs: 1});
		expect(seen).toEqual(['a:run/spawned', 'b:run/spawned', 'a:supervisor/error', 'b:supervisor/error']);
	});

	it('isolates a throwing subscriber and keeps stamping events', () => {
		const bus = createEventBus({now: () => 42});
		const seen: number[] = [];
		bus.subscribe(() => {
			throw new Error('broken view');
		});
		bus.subscribe(event => seen.push(event.at));
		bus.emit({type: 'supervisor/error', message: 'x'});
		bus.emit({type: 'supervisor/error', message: 'y'});
		expect(seen).toEqual([42, 42]);
	});
});
