// One stream of events shared by the watcher, the supervisor and everything that listens. Every
// subscriber sees every event in the same order: an event emitted by a subscriber while another
// event is being delivered waits until that delivery is complete (a FIFO queue), so no subscriber
// can ever see an effect before its cause. A throwing subscriber is isolated from the core.

import type {EventInput, SupervisorEvent} from './events.js';

export type Listener = (event: SupervisorEvent) => void;

export interface EventBus {
	emit(event: EventInput): void;
	subscribe(listener: Listener): () => void;
}

export const createEventBus = ({now = Date.now}: {now?: () => number} = {}): EventBus => {
	const listeners = new Set<Listener>();
	const queue: SupervisorEvent[] = [];
	let delivering = false;
	return {
		emit(input) {
			queue.push({...input, at: now()} as SupervisorEvent);
			if (delivering) return;
			delivering = true;
			try {
				for (let event = queue.shift(); event; event = queue.shift()) {
					for (const listener of listeners) {
						try {
							listener(event);
						} catch {
							// A broken listener (a UI bug) must never stop the supervisor.
						}
					}
				}
			} finally {
				delivering = false;
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
};
