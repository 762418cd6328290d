// One line for each of the stack's own events in headless mode (the services' events are
// format-event.ts's, under each service's prefix).

import type {DependencyWait, StackEvent} from '../stack/stack-types.js';

const describeWait = (wait: DependencyWait): string => `${wait.service} (${wait.condition}${wait.failed ? `; ${wait.service} is down after a failure` : ''})`;

export const formatStackEvent = (event: StackEvent): string | undefined => {
	switch (event.type) {
		case 'stack/services':
			return `services, in start order: ${event.services.map(service => service.name).join(', ')}`;
		case 'stack/waiting':
			// No longer waiting: the start (or the cascade) line that follows says it.
			return event.waitingFor.length === 0 ? undefined : `waiting for ${event.waitingFor.map(describeWait).join(', ')}`;
		case 'stack/cascade':
			return `restarting because ${event.because} restarted (dependsOn restart: true)`;
	}
};
