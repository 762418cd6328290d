// devtui ctl's server: binds the control socket first (so a session knows whether the app's
// output must be kept for `logs`), then serves a stack (`serveStack`), or one app's session as a
// stack of one service (`attach`). Another devtui already answering in this directory keeps its
// socket; this one runs without ctl and says so once.

import {bindCtlSocket, type BindResult} from '../ctl/bind-ctl-socket.js';
import {createCtlServer, type CtlServer} from '../ctl/ctl-server.js';
import type {DevtuiOptions} from '../options.js';
import type {Session} from '../session/create-session.js';
import {singleServiceStack} from '../stack/single-service.js';
import type {StackCommands, StackStream} from '../stack/stack-types.js';

/** Time for a save made just before `wait-ready` to reach devtui's watcher (beyond inotify's own delay). */
const EVENT_LATENCY_MS = 20;

export interface CtlStart {
	/** The socket is bound: the app's output is read (and kept for `logs`) in every view. */
	serving: boolean;
	/** One line to show, when devtui runs without ctl. */
	notice: string | undefined;
	/** Serves one app's session, once it is built and before it starts. */
	attach(session: Pick<Session, 'bus' | 'supervisor'>, options: Pick<DevtuiOptions, 'command' | 'cwd' | 'pollMs'>): void;
	/**
	 * Serves a stack of services, before it starts (its `stack/services` and first events are
	 * folded). `pollMs`: the longest --poll interval of its services, if any polls.
	 */
	serveStack(stack: StackStream & StackCommands, options: {cwd: string; pollMs?: number | undefined}): void;
	/** Ends ctl connections and removes the socket. Safe to call twice, and from an exit handler. */
	close(): Promise<void>;
}

const noticeOf = (bound: BindResult | undefined, cwd: string): string | undefined => {
	if (bound?.kind === 'taken') return `another devtui in ${cwd} answers devtui ctl (${bound.path}); this one runs without it`;
	if (bound?.kind === 'failed') return `${bound.message}; running without devtui ctl`;
	return undefined;
};

export const startCtl = async (cwd: string, {enabled = true}: {enabled?: boolean} = {}): Promise<CtlStart> => {
	// --no-ctl: no socket, and nothing to say about it.
	const bound: BindResult | undefined = enabled ? await bindCtlSocket(cwd) : undefined;
	let server: CtlServer | undefined;
	const serveStack: CtlStart['serveStack'] = (stack, options) => {
		if (bound?.kind !== 'listening' || server) return;
		server = createCtlServer({
			stream: stack,
			commands: stack,
			cwd: options.cwd,
			pid: process.pid,
			// With --poll a save is seen at the next poll at the latest.
			settleMs: (options.pollMs ?? 0) + EVENT_LATENCY_MS,
		});
		server.serve(bound);
	};
	return {
		serving: bound?.kind === 'listening',
		notice: noticeOf(bound, cwd),
		attach(session, options) {
			if (bound?.kind !== 'listening' || server) return;
			const stack = singleServiceStack(session, {command: options.command, cwd: options.cwd});
			serveStack(stack, options);
			stack.announce();
		},
		serveStack,
		close: () => (server ? server.close() : bound?.kind === 'listening' ? bound.close() : Promise.resolve()),
	};
};
