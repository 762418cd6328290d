// What the rest of devtui adds to each run of the app, as data the supervisor calls at fixed points
// (execa's optional behaviours spread into one list): the control channel, --listen, the state
// keeper, PYTHONPATH, the watchdog. A participant never drives the supervisor; it only adds to a
// spawn or takes part in a stop.

import type {ChangedFile, StopReason} from './events.js';
import type {SpawnInput} from './process-ops.js';
import type {AppProcess} from './spawn-app.js';

export interface StopInfo {
	pid: number;
	reason: StopReason;
	files: ChangedFile[];
	deadline: number;
	timeoutMs: number;
}

export interface RunParticipant {
	/**
	 * Adjusts an instance's spawn: environment, inherited descriptors, a wrapper. Pure: it may be
	 * asked ahead of time (a warm start prepares the next instance while this one runs).
	 */
	spawnInput?(input: SpawnInput, restart: number): SpawnInput;
	/** Instance `restart` is about to start running the app's code: the moment for side effects. */
	starting?(restart: number): void;
	/** The instance is running. */
	spawned?(app: AppProcess, restart: number): void;
	/** Right before the stop signal goes to the instance devtui is stopping. */
	beforeSignal?(stop: StopInfo): void;
	/** Every process of the instance is gone (its last messages may still be on their way). */
	gone?(app: AppProcess): Promise<void> | void;
	/** devtui stopped the instance (it had the chance to save): runs before the next one starts. */
	afterStop?(info: {stopStartedAt: number; restart: number}): Promise<void>;
}
