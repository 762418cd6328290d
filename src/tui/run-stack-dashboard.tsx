// Mounts the Ink dashboard on a stack of services, built but not started yet, so the store hears
// every event from the first spawn on (as mountDashboard does for one app):
//
//   const stack = await createStack(config, ...);              // StackStream & StackCommands
//   const dashboard = mountStackDashboard({stream: stack, commands: stack, cwd, stdout, stdin, color, quit});
//   await stack.start();
//   ...
//   dashboard.unmount();                                         // before exiting
//
// The panes are one app's, showing the focused service; the stack adds the services pane, its
// header and the service names in the merged log. A stack of one service looks like one app.

import {render, type Instance} from 'ink';
import {App} from '../../components/App.js';
import {DashboardProvider} from '../hooks/dashboard-context.js';
import {StackProvider} from '../hooks/stack-context.js';
import type {StackCommands, StackStream} from '../stack/stack-types.js';
import {createLogFormatter} from '../store/log-lines.js';
import {createStackState} from '../store/stack-state.js';
import {createStackStore, paneStore, type StackStore} from '../store/stack-store.js';
import type {StatePreviewSource} from '../state/state-preview-types.js';
import {createStatePreviewSource} from '../state/state-preview.js';
import type {SupervisorEvent} from '../supervisor/events.js';
import {connectPreview} from './connect-preview.js';
import {createStackCommands, type StackSnapshots} from './create-stack-commands.js';
import {driveClock} from './drive-clock.js';
import {ENTER_ALTERNATE_SCREEN, LEAVE_ALTERNATE_SCREEN} from './alternate-screen.js';
import {limitOutput} from './limit-output.js';


export interface StackDashboardInput {
	/** Every service's events, tagged with its name, and the stack's own. */
	stream: StackStream;
	/** What r, k, p (the focused service), R and P (all) ask of the stack; its `services` seed the pane. */
	commands: StackCommands;
	/** Quit gracefully; called again while quitting, force-kill and quit (as for one app). */
	quit: () => void;
	/** The stack's working directory (where its config is). */
	cwd: string;
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	/** Colours in pretty-printed JSON logs (the terminal supports them). */
	color: boolean;
	/** The services' snapshots, for the snapshot browser; without them it says there are none to show. */
	snapshots?: StackSnapshots;
	/** Each service's state file (its options.stateFile), for the state pane's tree; without it the pane shows what the events tell. */
	stateFiles?: Readonly<Record<string, string>>;
	/** @default the worker-thread loader, as for one app */
	previewSource?: StatePreviewSource;
	/**
	 * Pauses a service's output pipes (its supervisor's setOutputPaused): a service flooding output
	 * waits, as on a slow terminal, instead of pinning the one event loop. Without it nothing is paused.
	 */
	pauseOutput?: (service: string, paused: boolean) => void;
	now?: () => number;
	/** For tests: where Ink renders (defaults to Ink's own render). */
	render?: typeof render;
}

export interface StackDashboardHandle {
	store: StackStore;
	/** Unmounts Ink and gives the terminal back. Safe to call twice. */
	unmount(): void;
}

export const mountStackDashboard = ({
	stream,
	commands,
	quit,
	cwd,
	stdout,
	stdin,
	color,
	snapshots,
	stateFiles,
	previewSource,
	pauseOutput,
	now = Date.now,
	render: renderTree = render,
}: StackDashboardInput): StackDashboardHandle => {
	const store = createStackStore(createStackState({cwd, now: now(), services: commands.services}));
	const panes = paneStore(store);
	const stopIngest = stream.subscribe(event => store.ingest(event));
	// One service's own events, as its bus carried them: one subscription routes them by name (a
	// filter per subscriber would put every event through every service's listeners).
	const byService = new Map<string, Set<(event: SupervisorEvent) => void>>();
	const stopRouting = stream.subscribe(event => {
		if (event.type.startsWith('stack/') || !('service' in event)) return;
		for (const listener of byService.get(event.service) ?? []) listener(event as SupervisorEvent);
	});
	const busOf = (service: string) => ({
		subscribe(listener: (event: SupervisorEvent) => void) {
			const listeners = byService.get(service) ?? new Set();
			byService.set(service, listeners.add(listener));
			return () => void listeners.delete(listener);
		},
	});
	const stopLimits = pauseOutput ? commands.services.map(({name}) => limitOutput({bus: busOf(name), pause: paused => pauseOutput(name, paused)})) : [];
	// Each service's state tree, (re)loaded after its saves, as for one app: its events, its file.
	const source = stateFiles && Object.keys(stateFiles).length > 0 ? (previewSource ?? createStatePreviewSource()) : undefined;
	const stopPreviews = Object.entries(source ? stateFiles! : {}).map(([service, stateFile]) =>
		connectPreview({
			bus: busOf(service),
			store: {dispatch: action => store.dispatch({type: 'stack/service-ui', service, action})},
			source: source!,
			stateFile,
		}),
	);
	const dashboardCommands = createStackCommands({stack: commands, store, quit, ...(snapshots ? {snapshots} : {})});
	stdout.write(ENTER_ALTERNATE_SCREEN);
	const instance: Instance = renderTree(
		<DashboardProvider store={panes} commands={dashboardCommands} formatLog={createLogFormatter({color})}>
			<StackProvider store={store}>
				<App />
			</StackProvider>
		</DashboardProvider>,
		{stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 30},
	);
	// The clock ticks only when something shown (the focused service's) would change.
	const stopClock = driveClock({store: panes, now});
	let done = false;
	return {
		store,
		unmount() {
			if (done) return;
			done = true;
			stopClock();
			stopIngest();
			for (const stop of [...stopPreviews, ...stopLimits]) stop();
			stopRouting();
			store.dispose();
			instance.unmount();
			stdout.write(LEAVE_ALTERNATE_SCREEN);
			void source?.close();
		},
	};
};
