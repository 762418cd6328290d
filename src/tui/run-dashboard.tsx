// Mounts the Ink dashboard on a session that is built but not started yet, so the store hears
// every event from the first spawn on:
//
//   const session = await createSession(options, {bus, ...});
//   const dashboard = mountDashboard({session, options, stdout, stdin, color, quit});
//   await session.start();
//   ...
//   dashboard.unmount();                                          // before exiting
//
// The dashboard draws on the terminal's alternate screen, so quitting gives the user's terminal
// back as it was.

import {render, type Instance} from 'ink';
import {App} from '../../components/App.js';
import {DashboardProvider} from '../hooks/dashboard-context.js';
import type {DevtuiOptions} from '../options.js';
import type {StatePreviewSource} from '../state/state-preview-types.js';
import type {EventBus} from '../supervisor/event-bus.js';
import {displayPath} from '../store/format.js';
import {createLogFormatter} from '../store/log-lines.js';
import {createInitialState} from '../store/state.js';
import {createStore, type DashboardStore} from '../store/store.js';
import {connectPreview} from './connect-preview.js';
import {createCommands, type DashboardSession} from './create-commands.js';
import {createStatePreviewSource} from '../state/state-preview.js';
import {ENTER_ALTERNATE_SCREEN, LEAVE_ALTERNATE_SCREEN} from './alternate-screen.js';
import {limitOutput} from './limit-output.js';
import {driveClock} from './drive-clock.js';


export interface DashboardInput {
	bus: EventBus;
	session: DashboardSession;
	quit: () => void;
	options: Pick<DevtuiOptions, 'command' | 'cwd' | 'watch' | 'stateFile'>;
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	/** Colours in pretty-printed JSON logs (the terminal supports them). */
	color: boolean;
	/** @default the worker-thread loader (any size up to the state limit, off the main thread) */
	previewSource?: StatePreviewSource;
	now?: () => number;
}

export interface DashboardHandle {
	store: DashboardStore;
	/** Unmounts Ink and gives the terminal back. Safe to call twice. */
	unmount(): void;
}

export const mountDashboard = ({bus, session, quit, options, stdout, stdin, color, previewSource, now = Date.now}: DashboardInput): DashboardHandle => {
	const store = createStore(
		createInitialState({
			command: options.command,
			cwd: options.cwd,
			watch: options.watch.map(file => displayPath(file, options.cwd)),
			now: now(),
		}),
	);
	const stopIngest = bus.subscribe(event => store.ingest(event));
	const source = previewSource ?? createStatePreviewSource();
	const stopPreview = connectPreview({bus, store, source, stateFile: options.stateFile});
	const stopLimit = limitOutput({bus, pause: paused => session.supervisor.setOutputPaused?.(paused)});
	const commands = createCommands({session, store, quit});
	stdout.write(ENTER_ALTERNATE_SCREEN);
	const instance: Instance = render(
		<DashboardProvider store={store} commands={commands} formatLog={createLogFormatter({color})}>
			<App />
		</DashboardProvider>,
		{stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 30},
	);
	// The clock ticks only when something shown would change: once a minute when idle.
	const stopClock = driveClock({store, now});
	let done = false;

	return {
		store,
		unmount() {
			if (done) return;
			done = true;
			stopClock();
			stopIngest();
			stopLimit();
			stopPreview();
			store.dispose();
			instance.unmount();
			stdout.write(LEAVE_ALTERNATE_SCREEN);
			void source.close();
		},
	};
};
