// The stack's event stream: every service's events with its name, and the stack's own. Delivered
// in order like an EventBus (an event emitted while another is being delivered waits its turn), so
// a view never sees a cascade before the restart that caused it; a throwing listener is isolated.

import type {StackEvent, StackStream, StackStreamEvent} from './stack-types.js';

type StackEventInput = StackEvent extends infer E ? (E extends StackEvent ? Omit<E, 'at'> : never) : never;

export interface StackStreamWriter extends StackStream {
	forward(event: StackStreamEvent): void;
	emit(event: StackEventInput): void;
}

export const createStackStream = ({now = Date.now}: {now?: () => number} = {}): StackStreamWriter => {
	const listeners = new Set<(event: StackStreamEvent) => void>();
	const queue: StackStreamEvent[] = [];
	let delivering = false;
	const deliver = (event: StackStreamEvent) => {
		queue.push(event);
		if (delivering) return;
		delivering = true;
		try {
			for (let next = queue.shift(); next; next = queue.shift()) {
				for (const listener of listeners) {
					try {
						listener(next);
					} catch {
						// A broken view must never stop the stack.
					}
				}
			}
		} finally {
			delivering = false;
		}
	};
	return {
		forward: deliver,
		emit: event => deliver({...event, at: now()} as StackEvent),
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
};
