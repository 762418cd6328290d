// The Node client's shutdown handler: when it runs, once, and who ends the process. Whoever ends
// the process decides:
// - Nothing else in the app listens for the stop signal (a plain http or Express server): the
//   client does. It runs the handler on the signal or devtui's message, then exits.
// - The app listens too (its own process.on('SIGTERM'), close-with-grace, a framework's): it stops
//   the app its own way and the client runs the handler after it, from the app's shutdown code
//   (runShutdown(), e.g. a Fastify onClose hook), when the event loop empties ('beforeExit'), or,
//   for its synchronous part, when the app calls process.exit() ('exit'). Exiting right after
//   the handler would cut the app's own graceful close short.
// Either way the handler has run by some time before devtui's force kill (the fallback).
// docs/protocol.md#inside-frameworks explains the choice.

import {MAX_EXTEND_MS} from '../protocol/messages.js';
import type {ShutdownMessage} from '../protocol/messages.js';
import type {ChangedFile, StopReason} from '../supervisor/events.js';
import {appListens, fallbackAt, passiveListenerCount} from './stop-owner.js';

export interface ShutdownInfo {
	/**
	 * What started the shutdown: the stop signal, devtui's `shutdown` message, the app's own shutdown
	 * code calling runShutdown() ('app'), or the process exiting after the app stopped itself ('exit').
	 */
	source: 'signal' | 'message' | 'app' | 'exit';
	signal?: NodeJS.Signals;
	/** From devtui's `shutdown` message, when it arrived. */
	reason?: StopReason;
	files?: ChangedFile[];
	/** Epoch ms of the force kill. */
	deadline?: number;
	timeoutMs?: number;
}

export type ShutdownHandler = (info: ShutdownInfo) => unknown;

export interface ShutdownChannel {
	/** Whether the control channel is open (devtui's message may then be on its way). */
	connected(): boolean;
	/** Lets the last messages and stdout/stderr drain before the client exits. */
	flush(): Promise<void>;
	/** One line on stderr, once per kind. */
	warn(text: string, kind: string): void;
}

export interface Shutdown {
	onShutdown(fn: ShutdownHandler, options?: {signals?: NodeJS.Signals[]}): void;
	runShutdown(): Promise<boolean>;
	/** devtui's `shutdown` message arrived. */
	message(message: ShutdownMessage): void;
	/** The app sent `extend`: devtui moves the deadline, and so does the fallback. */
	extended(ms: number): void;
	/** The app said ready: the moment to check that the handler can still run. */
	ready(): void;
}

type Trigger = {source: 'signal' | 'message'; signal?: NodeJS.Signals};

export const createShutdown = (channel: ShutdownChannel): Shutdown => {
	let handler: ShutdownHandler | undefined;
	let deliverySignal: NodeJS.Signals = 'SIGTERM';
	const listeners = new Map<NodeJS.Signals, () => void>();
	let exitHooked = false;
	let shutdownMessage: ShutdownMessage | undefined;
	/** The handler's run (with the client's own stop around it), once started; never started twice. */
	let running: Promise<number> | undefined;
	let finished = false;
	/** The first stop request seen while the app stops itself. */
	let stopSeen: Trigger | undefined;
	let deadline: number | undefined;
	let fallback: NodeJS.Timeout | undefined;
	/** The client itself is ending the process: the 'exit' hook has nothing to add. */
	let exiting = false;
	let sigints = 0;

	const appHandles = (signal: NodeJS.Signals): boolean =>
		appListens(process.listeners(signal), listeners.get(signal), passiveListenerCount());

	const infoFor = ({source, signal}: {source: ShutdownInfo['source']; signal?: NodeJS.Signals | undefined}): ShutdownInfo => {
		const info: ShutdownInfo = {source, ...(signal ? {signal} : {})};
		if (!shutdownMessage) return info;
		const {reason, files, deadline: killAt, timeoutMs} = shutdownMessage;
		return {...info, reason, files, deadline: killAt, timeoutMs};
	};

	const stopInfo = (otherwise: 'app' | 'exit'): ShutdownInfo => infoFor(stopSeen ?? {source: shutdownMessage ? 'message' : otherwise});

	const reportFailure = (error: unknown): number => {
		process.exitCode = 1;
		try {
			process.stderr.write(`devtui client: shutdown handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		} catch {
			// Nowhere left to say it.
		}
		return 1;
	};

	/** Calls the handler; its synchronous part has run when this returns (all that 'exit' can run). */
	const runHandler = (info: ShutdownInfo): Promise<number> => {
		let result: unknown;
		try {
			result = handler!(info);
		} catch (error) {
			finished = true;
			return Promise.resolve(reportFailure(error));
		}
		if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') {
			finished = true;
			return Promise.resolve(0);
		}
		return Promise.resolve(result).then(
			() => ((finished = true), 0),
			(error: unknown) => ((finished = true), reportFailure(error)),
		);
	};

	const exitWith = async (code: number): Promise<void> => {
		await channel.flush();
		exiting = true;
		process.exit(code);
	};

	/** Nothing else stops the app: run the handler, then exit. */
	const stopApp = (trigger: Trigger): void => {
		if (running) return;
		running = (async () => {
			// devtui writes its message right before the signal: let it land so the handler sees the reason.
			if (trigger.source === 'signal' && channel.connected()) await new Promise(resolve => setImmediate(resolve));
			return runHandler(infoFor(trigger));
		})();
		void running.then(exitWith);
	};

	const armFallback = (): void => {
		if (fallback || deadline === undefined || !handler) return;
		const askedAt = Date.now();
		const fire = (): void => {
			const at = fallbackAt(deadline!, shutdownMessage?.timeoutMs);
			if (Date.now() < at) {
				// extend() moved the deadline.
				fallback = setTimeout(fire, at - Date.now()).unref();
				return;
			}
			if (running) return;
			channel.warn(
				`the app was still stopping ${((Date.now() - askedAt) / 1000).toFixed(1)} s after devtui asked it to; ran the shutdown handler now and exited, before devtui's force kill (its own shutdown never ended, or its own ${deliverySignal} listener does not stop it)`,
				'fallback',
			);
			running = runHandler(stopInfo('exit'));
			void running.then(exitWith);
		};
		fallback = setTimeout(fire, Math.max(0, fallbackAt(deadline, shutdownMessage?.timeoutMs) - askedAt)).unref();
	};

	const noteStop = (trigger: Trigger): void => {
		if (!stopSeen) stopSeen = trigger;
		else if (!stopSeen.signal && trigger.signal) stopSeen = {...stopSeen, signal: trigger.signal};
		armFallback();
	};

	const onSignal = (signal: NodeJS.Signals): void => {
		// A second Ctrl-C forces the exit, as people expect from a terminal.
		if (signal === 'SIGINT' && ++sigints >= 2) {
			exiting = true;
			process.exit(130);
		}
		if (!handler || running) return;
		if (appHandles(signal)) noteStop({source: 'signal', signal});
		else stopApp({source: 'signal', signal});
	};

	const onStopMessage = (): void => {
		if (!handler || running) return;
		// When the app listens for the signal, devtui's own signal (sent right after this message)
		// starts its shutdown; running the handler now would race with it.
		if (appHandles(deliverySignal)) noteStop({source: 'message'});
		else stopApp({source: 'message'});
	};

	const runShutdown = async (): Promise<boolean> => {
		if (!handler) return false;
		if (running) {
			await running;
			return false;
		}
		running = runHandler(stopInfo('app'));
		await running;
		return true;
	};

	const onBeforeExit = (): void => {
		// The app stopped itself and the event loop is empty: the handler can still run to its end.
		if (handler && !running && stopSeen) void runShutdown();
	};

	const onExit = (): void => {
		if (!handler || exiting) return;
		if (!running && stopSeen) running = runHandler(stopInfo('exit'));
		if (running && !finished) {
			channel.warn(
				`the app exited (process.exit) while its shutdown handler was still running, so the state may not have been saved: run the handler to its end first, e.g. call runShutdown() from the app's own shutdown code (Fastify: app.addHook('onClose', runShutdown)) before it exits`,
				'unfinished',
			);
		}
	};

	return {
		onShutdown(fn, {signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as NodeJS.Signals[]} = {}) {
			handler = fn;
			deliverySignal = signals[0] ?? 'SIGTERM';
			for (const signal of signals) {
				if (listeners.has(signal)) continue;
				const listener = (): void => onSignal(signal);
				listeners.set(signal, listener);
				process.on(signal, listener);
			}
			if (!exitHooked) {
				exitHooked = true;
				process.on('beforeExit', onBeforeExit);
				process.on('exit', onExit);
			}
			if (shutdownMessage) onStopMessage();
		},
		runShutdown,
		message(message) {
			shutdownMessage = message;
			deadline = message.deadline;
			onStopMessage();
		},
		extended(ms) {
			// As devtui moves it: never earlier, and at most MAX_EXTEND_MS past the stop's first deadline.
			if (deadline !== undefined && shutdownMessage) deadline = Math.max(deadline, Math.min(Date.now() + ms, shutdownMessage.deadline + MAX_EXTEND_MS));
		},
		ready() {
			const ours = listeners.get(deliverySignal);
			if (!handler || !channel.connected() || (ours && process.listeners(deliverySignal).includes(ours)) || appHandles(deliverySignal)) return;
			channel.warn(
				`the shutdown handler cannot run: the client's ${deliverySignal} listener was removed and nothing else in the app listens for it, so the stop signal ends the process at once and the state is not saved; call onShutdown() after whatever removed it, or call runShutdown() from the app's own shutdown code`,
				'alone',
			);
		},
	};
};
