// A stack of services, each one ordinary Session on its own event bus, exactly as a single app:
// its own checks, phases, readiness, state file, --listen sockets, feedback-loop hold and crash
// backoff. What the stack adds is only what lies between services:
// - when each may start (its dependsOn conditions, dependency-status.ts), and `stack/waiting`
//   while it cannot;
// - cascades: a dependent that asked for `restart: true` restarts once its dependency has
//   restarted and the condition holds again (`stack/cascade`);
// - one watcher for every service's trees (stack-watcher.ts);
// - quitting in reverse dependency order (stop-in-order.ts);
// - one stream of all of it, each service's events with its name (stack-stream.ts).
//
//   const stack = await createStack(specs, {color});   // builds every session: sockets, channels
//   stack.subscribe(view);                             // headless lines, the services pane, ctl
//   await stack.start();                               // stack/services, then starts in order
//   ...
//   await stack.close();                               // dependents first, each gracefully

import {createSession, type Session} from '../session/create-session.js';
import {createEventBus} from '../supervisor/event-bus.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import {SpawnError} from '../supervisor/spawn-app.js';
import {UsageError} from '../usage-error.js';
import type {DependencyMap} from './dependency-graph.js';
import {foldStatus, initialStatus, sameWaits, unmetWaits, type DependencyStatus} from './dependency-status.js';
import type {ServiceSpec} from './service-spec.js';
import {createStackStream} from './stack-stream.js';
import type {DependencyWait, ServiceInfo, StackCommands, StackStream} from './stack-types.js';
import {createStackWatcher, type StackWatcher} from './stack-watcher.js';
import {stopInReverseOrder} from './stop-in-order.js';

/** The environment variable that tells each service its name. */
export const SERVICE_ENV = 'DEVTUI_SERVICE';

export interface Stack extends StackCommands, StackStream {
	/** Every service's session, by name, in start order (for views that need more than commands: snapshots). */
	readonly sessions: ReadonlyMap<string, Session>;
	/** Whether the service has been started (false while it waits for its dependencies). */
	started(service: string): boolean;
	/** What the service waits for now (empty when it does not wait). */
	waitingFor(service: string): readonly DependencyWait[];
	/** `stack/services`, then every service whose dependencies allow it; the others as they come. */
	start(): Promise<void>;
	/** Flow control for a slow headless reader: pauses (or resumes) every service's output. */
	setOutputPaused(paused: boolean): void;
	/** Stops every service, dependents first, each with its own signal and deadline; `force` kills at once. Safe twice. */
	close(options?: {force?: boolean; reason?: string}): Promise<void>;
}

interface Member {
	spec: ServiceSpec;
	info: ServiceInfo;
	session: Session;
	status: DependencyStatus;
	started: boolean;
	waiting: DependencyWait[];
	/** A dependency it cascades from restarted: restart it once the conditions hold again. */
	cascadeBecause: string | undefined;
	unsubscribe: () => void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const createStack = async (
	specs: readonly ServiceSpec[],
	{color, env = process.env}: {color: boolean; env?: NodeJS.ProcessEnv},
): Promise<Stack> => {
	const stream = createStackStream();
	const buses = specs.map(spec => ({spec, bus: createEventBus()}));
	let watcher: StackWatcher | undefined;
	const members = new Map<string, Member>();
	const graph: DependencyMap = Object.fromEntries(specs.map(spec => [spec.name, spec.dependsOn]));

	// Built in order; if one cannot be (its --listen port is taken), the ones built already are released.
	try {
		for (const {spec, bus} of buses) {
			const session = await createSession(spec.options, {
				bus,
				color,
				env: {...env, ...spec.env, [SERVICE_ENV]: spec.name},
				// Each line is prefixed with the service's name: devtui reads every stream.
				passStdout: false,
				changes: {connect: (handlers, changedSince) => watcher!.feedFor(spec.name).connect(handlers, changedSince)},
			});
			const info: ServiceInfo = {name: spec.name, command: spec.options.command, cwd: spec.options.cwd, dependsOn: spec.dependsOn};
			const member: Member = {spec, info, session, status: initialStatus, started: false, waiting: [], cascadeBecause: undefined, unsubscribe: () => {}};
			members.set(spec.name, member);
			member.unsubscribe = bus.subscribe(event => onServiceEvent(member, event));
		}
	} catch (error) {
		await Promise.all([...members.values()].map(member => member.session.close({force: true})));
		// A port already taken and the like: one line naming the service, as every config mistake does.
		const failed = specs[members.size];
		if (error instanceof UsageError && failed) throw new UsageError(`service "${failed.name}": ${error.message}`);
		throw error;
	}

	let startedStack = false;
	let closing: Promise<void> | undefined;

	const setWaiting = (member: Member, waiting: DependencyWait[]) => {
		if (sameWaits(member.waiting, waiting)) return;
		member.waiting = waiting;
		stream.emit({type: 'stack/waiting', service: member.spec.name, waitingFor: waiting});
	};

	const startMember = (member: Member) => {
		member.started = true;
		member.cascadeBecause = undefined;
		setWaiting(member, []);
		// "ready" was met only by devtui giving up on a sign: say so, once, where the dependent's lines are.
		for (const [name, {condition}] of Object.entries(member.spec.dependsOn)) {
			if (condition !== 'ready' || !members.get(name)?.status.readyUnknown) continue;
			member.session.bus.emit({
				type: 'devtui/notice',
				message: `starting although ${name} gave no sign of readiness (counted as ready after devtui stopped waiting; a readyPattern or readyPort for ${name} tells devtui when it is)`,
			});
		}
		member.session.start().catch((error: unknown) => {
			// The CLI checked every command before the stack was built: a service that still cannot
			// be spawned (a fork failure) is down, as a crash is, and its dependents wait for it.
			member.status = {spawned: false, ready: false, exit: 'failed'};
			const why = error instanceof SpawnError ? error.message : `unexpected error: ${messageOf(error)}`;
			member.session.bus.emit({type: 'supervisor/error', message: `cannot start: ${why}`});
			evaluate();
		});
	};

	// Every decision between services is taken here, after each service event: who may start now,
	// who cascades now, and what everyone else waits for. Re-entrant calls (a start emits events)
	// run again once the current pass is done.
	let evaluating = false;
	let again = false;
	const evaluate = () => {
		if (!startedStack || closing) return;
		if (evaluating) {
			again = true;
			return;
		}
		evaluating = true;
		try {
			do {
				again = false;
				for (const member of members.values()) {
					if (closing) return;
					if (member.started && member.cascadeBecause === undefined) continue;
					const waiting = unmetWaits(member.spec.dependsOn, name => members.get(name)?.status ?? initialStatus);
					setWaiting(member, waiting);
					if (waiting.length > 0) continue;
					if (!member.started) {
						startMember(member);
						continue;
					}
					const because = member.cascadeBecause!;
					member.cascadeBecause = undefined;
					stream.emit({type: 'stack/cascade', service: member.spec.name, because});
					member.session.supervisor.restart();
				}
			} while (again);
		} finally {
			evaluating = false;
		}
	};

	function onServiceEvent(member: Member, event: SupervisorEvent): void {
		member.status = foldStatus(member.status, event);
		stream.forward({...event, service: member.spec.name});
		// Output moves no dependency condition: during a flood, no evaluation per chunk.
		if (event.type === 'run/output') return;
		// A new instance of this service (not its first): everyone cascading from it restarts after it.
		if (event.type === 'run/spawned' && event.restart > 0) {
			for (const other of members.values()) {
				if (other.started && other.spec.dependsOn[member.spec.name]?.restart) other.cascadeBecause = member.spec.name;
			}
		}
		evaluate();
	}

	const each = (service: string): Member | undefined => members.get(service);

	return {
		services: [...members.values()].map(member => member.info),
		sessions: new Map([...members].map(([name, member]) => [name, member.session])),
		started: service => each(service)?.started ?? false,
		waitingFor: service => each(service)?.waiting ?? [],
		subscribe: listener => stream.subscribe(listener),
		async start() {
			if (startedStack) return;
			startedStack = true;
			stream.emit({type: 'stack/services', services: [...members.values()].map(member => member.info)});
			watcher = createStackWatcher(specs.map(spec => ({name: spec.name, options: spec.options, bus: members.get(spec.name)!.session.bus})));
			evaluate();
		},
		restart(service) {
			const member = each(service);
			if (!member || closing) return;
			// Asked for by name: a service still waiting for its dependencies starts now without them.
			if (!member.started) {
				if (startedStack) startMember(member);
				return;
			}
			member.session.supervisor.restart();
		},
		forceKill(service) {
			each(service)?.session.supervisor.forceKill();
		},
		hold(service, held) {
			each(service)?.session.supervisor.hold(held);
		},
		restartAll() {
			for (const member of members.values()) if (member.started && !closing) member.session.supervisor.restart();
		},
		holdAll(held) {
			for (const member of members.values()) member.session.supervisor.hold(held);
		},
		setOutputPaused(paused) {
			for (const member of members.values()) member.session.supervisor.setOutputPaused(paused);
		},
		close({force = false, reason = 'quit'} = {}) {
			if (closing) {
				if (force) for (const member of members.values()) void member.session.close({force: true});
				return closing;
			}
			closing = (async () => {
				for (const member of members.values()) {
					member.session.bus.emit({type: 'devtui/quitting', force, reason});
					// The last output must be able to drain while it stops.
					member.session.supervisor.setOutputPaused(false);
				}
				await stopInReverseOrder(graph, async name => {
					await members.get(name)!.session.close({force}).catch(() => {});
				});
				await watcher?.close();
				for (const member of members.values()) member.unsubscribe();
			})();
			return closing;
		},
	};
};
