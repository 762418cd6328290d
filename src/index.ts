// The programmatic surface: the supervisor core without any UI, for tools that embed devtui.

export {createEventBus, type EventBus, type Listener} from './supervisor/event-bus.js';
export type * from './supervisor/events.js';
export {Supervisor, type SupervisorHooks, type SupervisorOptions} from './supervisor/supervisor.js';
export {SpawnError} from './supervisor/spawn-app.js';
export {startWatchdog, type Watchdog} from './supervisor/watchdog.js';
export {watchFiles, type FileWatcher} from './watcher/watch-files.js';
export type {DevtuiOptions} from './options.js';
