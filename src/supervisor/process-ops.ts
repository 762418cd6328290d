// How the supervisor touches processes: start an instance, stop one, and tell whether anything of
// an instance that exited by itself lives on. The owner loop only ever goes through these, so its
// rules have fast tests with a fake child (watchexec's TestChild) beside the real-process ones.

import {spawnApp, type AppProcess, type SpawnAppInput} from './spawn-app.js';
import {stopProcess, type StopResult} from './stop-process.js';
import {findStrays, isGone} from './wait-for-gone.js';

export type SpawnInput = SpawnAppInput;

export type StopInput = Parameters<typeof stopProcess>[0];

export interface ProcessOps {
	/** Rejects with a SpawnError when the command cannot start at all. */
	spawn(input: SpawnInput): Promise<AppProcess>;
	/** Signal, wait, force at the deadline: settles once every process of the instance is gone. */
	stop(input: StopInput): Promise<StopResult>;
	/** After the app's own process exited: whether its group or its descendants live on. */
	lingers(app: AppProcess): boolean;
}

export const realProcesses: ProcessOps = {
	spawn: spawnApp,
	stop: stopProcess,
	lingers: app => findStrays(app).length > 0 || !isGone(app, []),
};
