// The dashboard's contexts: the store (state in), the commands (intent out, to the core), and
// the log entries' rows at a width (the formatter's lines, wrapped). Components reach them only through the
// accessor hooks, which throw outside a provider so a missing provider is a clear error, not a
// silent default.

import {createContext, useContext, useMemo, type ReactNode} from 'react';
import type {LogFormatter} from '../store/log-view.js';
import {createLogRows, type LogRowsFor} from '../store/log-wrap.js';
import type {DashboardStore} from '../store/store.js';

/** What the dashboard can ask of the core. Implemented at the composition root. */
export interface DashboardCommands {
	restart(): void;
	togglePostpone(): void;
	forceKill(): void;
	/** Quit gracefully; called again while quitting, force-kill and quit. */
	quit(): void;
	/** Reload the snapshot list (the browser opened). */
	listSnapshots(): void;
	/** Load this snapshot on the next start; undefined cancels. */
	loadSnapshot(file: string | undefined): void;
	/** A stack's: restart every service. (restart, forceKill and togglePostpone act on the focused one.) */
	restartAll?(): void;
	/** A stack's: hold every service's restarts, or release them all when all are held. */
	toggleHoldAll?(): void;
}

const StoreContext = createContext<DashboardStore | undefined>(undefined);
StoreContext.displayName = 'DashboardStoreContext';
const CommandsContext = createContext<DashboardCommands | undefined>(undefined);
CommandsContext.displayName = 'DashboardCommandsContext';
const RowsContext = createContext<LogRowsFor | undefined>(undefined);
RowsContext.displayName = 'LogRowsContext';

export interface DashboardProviderProps {
	store: DashboardStore;
	commands: DashboardCommands;
	formatLog: LogFormatter;
	children: ReactNode;
}

export const DashboardProvider = ({store, commands, formatLog, children}: DashboardProviderProps) => {
	const rows = useMemo(() => createLogRows(formatLog), [formatLog]);
	return (
		<StoreContext.Provider value={store}>
			<CommandsContext.Provider value={commands}>
				<RowsContext.Provider value={rows}>{children}</RowsContext.Provider>
			</CommandsContext.Provider>
		</StoreContext.Provider>
	);
};

const required = <T,>(value: T | undefined, name: string): T => {
	if (value === undefined) throw new Error(`${name} must be used within a DashboardProvider`);
	return value;
};

export const useStore = (): DashboardStore => required(useContext(StoreContext), 'useStore');

export const useCommands = (): DashboardCommands => required(useContext(CommandsContext), 'useCommands');

/** The log entries' rows at a width (formatted, then wrapped): one cache for the pane and the keys that scroll it. */
export const useLogRows = (): LogRowsFor => required(useContext(RowsContext), 'useLogRows');
