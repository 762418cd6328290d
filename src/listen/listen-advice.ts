// What devtui says when the app did not take the held socket, in one place for headless lines and
// the dashboard's log. The fixes are the real ones, each verified against the server it names:
// devtui's listen helpers, uvicorn's --fd, hypercorn's fd:// bind, gunicorn (which takes LISTEN_FDS
// when LISTEN_PID is its own pid, so when it is started directly, and fd:// binds otherwise), and
// the app's own command after `--` rather than a launcher.

import {formatDuration} from '../format-duration.js';
import type {SupervisorEventOf} from '../supervisor/events.js';

/** "1 connection", "2 connections". */
export const connections = (count: number): string => `${count} connection${count === 1 ? '' : 's'}`;

export const LISTEN_FIXES =
	"serve on the held socket (fd 3): devtui's listen helper (Node listen(server, port), Python devtui_client.listen_socket(port)), uvicorn --fd 3, hypercorn --bind fd://3, or gunicorn started directly (it takes LISTEN_FDS; else --bind fd://3); run the app's own command after --, not a launcher";

/** One line: which instance did not take the socket, why devtui thinks so, the fixes, and whether devtui now resets connections. */
export const describeNotTaken = (event: SupervisorEventOf<'socket/not-taken'>): string => {
	if (event.reason === 'bind-conflict') {
		const resetting = event.resetting ? '; until a change restarts it, devtui resets connections to the held port' : '';
		return `pid ${event.pid} tried to bind the port devtui holds (EADDRINUSE): ${LISTEN_FIXES}, or drop --listen${resetting}`;
	}
	const resetting = event.resetting ? '; devtui now resets connections to it until an instance takes it' : '';
	return `${connections(event.waiting ?? 0)} waited ${formatDuration(event.waitedMs ?? 0)} but pid ${event.pid} has not taken the held socket${resetting}: ${LISTEN_FIXES}`;
};
