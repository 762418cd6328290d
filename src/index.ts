// The programmatic surface, for tools that embed devtui without its UI: a whole session (the
// supervisor with the watcher, checks, control channel and state, as the CLI runs it), or the
// supervisor alone with your own participants.

export {createEventBus, type EventBus, type Listener} from './supervisor/event-bus.js';
export type * from './supervisor/events.js';
export {createSession, type Session} from './session/create-session.js';
export {Supervisor, type ChangeFilter, type SupervisorDeps, type SupervisorOptions} from './supervisor/supervisor.js';
export type {RunParticipant, StopInfo} from './supervisor/run-participant.js';
export type {ProcessOps, SpawnInput, StopInput} from './supervisor/process-ops.js';
export {SpawnError} from './supervisor/spawn-app.js';
export {startWatchdog, type Watchdog} from './supervisor/watchdog.js';
export {watchFiles, type FileWatcher} from './watcher/watch-files.js';
export type {DevtuiOptions} from './options.js';
