// One stream of events shared by the watcher and the supervisor. Subscribers are called
// synchronously, in order; a throwing subscriber is isolated so it cannot break the core.

import type {EventInput, SupervisorEvent} from './events.js';

export type Listener = (event: SupervisorEvent) => void;

export interface EventBus {
	emit(event: EventInput): void;
	subscribe(listener: Listener): () => void;
}

export const createEventBus = ({now = Date.now}: {now?: () => number} = {}): EventBus => {
	const listeners = new Set<Listener>();
	return {
		emit(input) {
			const event = {...input, at: now()} as SupervisorEvent;
			for (const listener of listeners) {
				try {
					listener(event);
				} catch {
					// A broken listener (a UI bug) must never stop the supervisor.
				}
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
};
