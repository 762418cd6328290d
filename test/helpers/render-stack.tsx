// Renders the whole dashboard of a stack (App, as mountStackDashboard does: the panes read the
// focused service, the stack's store beside it) at an explicit terminal size.

import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {StackProvider} from '../../src/hooks/stack-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import type {StackState} from '../../src/store/stack-state.js';
import {createStackStore, paneStore, type StackStore} from '../../src/store/stack-store.js';
import {renderAt, type Rendered} from './render.js';

export const idleCommands: DashboardCommands = {restart() {}, togglePostpone() {}, forceKill() {}, quit() {}, listSnapshots() {}, loadSnapshot() {}};

export const renderStack = (
	state: StackState,
	size: {columns: number; rows: number},
	{commands = idleCommands, color = false, store = createStackStore(state)}: {commands?: DashboardCommands | ((store: StackStore) => DashboardCommands); color?: boolean; store?: StackStore} = {},
): Rendered & {store: StackStore} => {
	const rendered = renderAt(
		<DashboardProvider store={paneStore(store)} commands={typeof commands === 'function' ? commands(store) : commands} formatLog={createLogFormatter({color})}>
			<StackProvider store={store}>
				<App />
			</StackProvider>
		</DashboardProvider>,
		size,
	);
	return {
		...rendered,
		store,
		unmount() {
			rendered.unmount();
			store.dispose();
		},
	};
};
