// A single app (`devtui -- cmd`) as a stack of one service named SINGLE_SERVICE, so whatever drives
// a stack (devtui ctl) drives one app the same way: its session's events re-emitted with the
// service's name, and the stack's commands sent to its supervisor.

import type {Session} from '../session/create-session.js';
import {SINGLE_SERVICE, type ServiceInfo, type StackCommands, type StackStream, type StackStreamEvent} from './stack-types.js';

export interface SingleServiceStack extends StackStream, StackCommands {
	/** Tells subscribers which service there is (`stack/services`); call once, before the session starts. */
	announce(): void;
}

export const singleServiceStack = (
	session: Pick<Session, 'bus' | 'supervisor'>,
	info: Omit<ServiceInfo, 'name' | 'dependsOn'>,
	now: () => number = Date.now,
): SingleServiceStack => {
	const service: ServiceInfo = {name: SINGLE_SERVICE, command: info.command, cwd: info.cwd, dependsOn: {}};
	const listeners = new Set<(event: StackStreamEvent) => void>();
	const tell = (event: StackStreamEvent) => {
		for (const listener of listeners) {
			try {
				listener(event);
			} catch {
				// As on the bus: a broken listener must never stop the app's events reaching the others.
			}
		}
	};
	let unsubscribe: (() => void) | undefined;
	const {supervisor} = session;
	const only = (name: string, action: () => void) => {
		if (name === SINGLE_SERVICE) action();
	};
	return {
		services: [service],
		subscribe(listener) {
			listeners.add(listener);
			unsubscribe ??= session.bus.subscribe(event => tell({...event, service: SINGLE_SERVICE}));
			return () => {
				listeners.delete(listener);
				if (listeners.size > 0) return;
				unsubscribe?.();
				unsubscribe = undefined;
			};
		},
		announce() {
			tell({type: 'stack/services', at: now(), services: [service]});
		},
		restart: name => only(name, () => supervisor.restart()),
		forceKill: name => only(name, () => supervisor.forceKill()),
		hold: (name, held) => only(name, () => supervisor.hold(held)),
		restartAll: () => supervisor.restart(),
		holdAll: held => supervisor.hold(held),
	};
};
