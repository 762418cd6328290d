// Headless lines for the --listen sockets. Waiting connections are normal during a restart, so
// only their drain gets a line (how many waited, and for how long); an app that never takes the
// socket gets one line saying so, with the fixes (src/listen/listen-advice.ts, shared with the dashboard).

import type {SupervisorEvent} from '../supervisor/events.js';
import {formatDuration} from '../format-duration.js';
import {connections, describeNotTaken} from '../listen/listen-advice.js';

type SocketEvent = Extract<SupervisorEvent, {type: 'socket/listening' | 'socket/taken' | 'socket/waiting' | 'socket/not-taken'}>;

export const formatSocketEvent = (event: SocketEvent): string | undefined => {
	switch (event.type) {
		case 'socket/listening':
			return `holding ${event.sockets.map(socket => `${socket.address} (fd ${socket.fd})`).join(', ')} for the app; connections wait there across restarts`;
		case 'socket/taken':
			return event.restart ? undefined : `app pid ${event.pid} serves on the held socket${event.names.length === 1 ? '' : 's'} ${event.names.join(', ')}`;
		case 'socket/waiting':
			if (event.waiting > 0 || !event.peak) return undefined;
			return `${connections(event.peak)} waited up to ${formatDuration(event.waitedMs ?? 0)} in the backlog for the app`;
		case 'socket/not-taken':
			return describeNotTaken(event);
	}
};
