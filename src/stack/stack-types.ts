// The contract between a stack of services and whatever shows or drives it (the dashboard's
// services pane, headless prefixes, `devtui ctl`). Each service is one ordinary Session on its own
// event bus, exactly as a single app is; the stack re-emits every one of its events with the
// service's name attached, beside a few events of its own about the stack as a whole. A single app
// is a stack of one service named SINGLE_SERVICE, so `devtui ctl` drives both the same way.

import type {SupervisorEvent} from '../supervisor/events.js';

/** The name `devtui ctl` and `--json` give the one service of `devtui -- cmd`. */
export const SINGLE_SERVICE = 'app';

/** When a dependency counts as met (process-compose's conditions). */
export type DependencyCondition = 'started' | 'ready' | 'completed';

export interface Dependency {
	condition: DependencyCondition;
	/** Restart this service whenever the dependency restarts (process-compose's cascade). */
	restart: boolean;
}

export interface ServiceInfo {
	name: string;
	command: string[];
	/** Absolute working directory of the service. */
	cwd: string;
	dependsOn: Readonly<Record<string, Dependency>>;
}

/** One service's event, as the stack re-emits it. */
export type ServiceEvent = SupervisorEvent & {service: string};

/** What a service waits for before its first start (or its next one, after a dependency crashed). */
export interface DependencyWait {
	service: string;
	condition: DependencyCondition;
	/** The dependency is down for a reason the wait cannot outlast by itself (it crashed, or exited non-zero). */
	failed?: boolean;
}

/** Events about the stack itself; `at` is stamped as on every bus. */
export type StackEvent =
	/** Once, before any service starts: every service in dependency order. */
	| {type: 'stack/services'; at: number; services: ServiceInfo[]}
	/** A service cannot start until these hold; an empty list means it no longer waits. */
	| {type: 'stack/waiting'; at: number; service: string; waitingFor: DependencyWait[]}
	/** A service is restarted because a dependency it cascades from restarted. */
	| {type: 'stack/cascade'; at: number; service: string; because: string};

export type StackStreamEvent = ServiceEvent | StackEvent;

/** The commands a view or `devtui ctl` sends to the stack. Fire-and-forget: results come back as events. */
export interface StackCommands {
	readonly services: readonly ServiceInfo[];
	restart(service: string): void;
	forceKill(service: string): void;
	hold(service: string, held: boolean): void;
	restartAll(): void;
	holdAll(held: boolean): void;
}

export interface StackStream {
	subscribe(listener: (event: StackStreamEvent) => void): () => void;
}

/** Tells the stack's own events from its services'. */
export const isStackEvent = (event: StackStreamEvent): event is StackEvent => event.type.startsWith('stack/');
