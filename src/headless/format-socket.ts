// Headless lines for the --listen sockets. Waiting connections are normal during a restart, so
// only their drain gets a line (how many waited, and for how long); an app that never takes the
// socket gets one line saying so, with the fix.

import type {SupervisorEvent} from '../supervisor/events.js';
import {formatDuration} from '../format-duration.js';

type SocketEvent = Extract<SupervisorEvent, {type: 'socket/listening' | 'socket/taken' | 'socket/waiting' | 'socket/not-taken'}>;

const connections = (count: number): string => `${count} connection${count === 1 ? '' : 's'}`;

const FIX = "start the app directly (npm run and other launchers do not pass fd 3 on) and serve on the socket with devtui's listen helper (docs/protocol.md)";

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
			if (event.reason === 'bind-conflict') {
				return `the app tried to bind the port devtui holds (EADDRINUSE): ${FIX}, or drop --listen`;
			}
			return `${connections(event.waiting ?? 0)} waited ${formatDuration(event.waitedMs ?? 0)} but pid ${event.pid} has not taken the held socket: ${FIX}`;
	}
};
