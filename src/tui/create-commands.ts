// The dashboard's commands, carried out by the session: the only place where the dashboard
// reaches into the core. Everything here is fire-and-forget; results come back as events. What the
// core reports at once (a hold, a stop requested) is drawn at once too: the store would otherwise
// wait for its next frame interval, which a flood of output makes longer.

import type {DashboardCommands} from '../hooks/dashboard-context.js';
import type {Session} from '../session/create-session.js';
import type {DashboardStore} from '../store/store.js';

/** The parts of a Session the dashboard uses (a narrow seam for tests). */
export type DashboardSession = {
	supervisor: Pick<Session['supervisor'], 'restart' | 'hold' | 'held' | 'forceKill'> & Partial<Pick<Session['supervisor'], 'setOutputPaused'>>;
	stateKeeper: Pick<Session['stateKeeper'], 'list'>;
	loadSnapshotOnNextStart: Session['loadSnapshotOnNextStart'];
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createCommands = ({session, store, quit}: {session: DashboardSession; store: DashboardStore; quit: () => void}): DashboardCommands => {
	// After the core's own next steps (a kill goes out first), not in the middle of them.
	const andShow = (command: () => unknown) => () => {
		command();
		setImmediate(() => store.flush());
	};
	return {
		restart: andShow(() => session.supervisor.restart()),
		togglePostpone: andShow(() => session.supervisor.hold(!session.supervisor.held)),
		forceKill: andShow(() => session.supervisor.forceKill()),
		quit,
		listSnapshots() {
			store.dispatch({type: 'snapshots/loading'});
			session.stateKeeper.list().then(
				items =>
					store.dispatch({
						type: 'snapshots/listed',
						items: items.map(({file, path, restart, bytes, changedKeys, savedAt, valid}) => ({file, path, restart, bytes, changedKeys, savedAt, valid})),
					}),
				(error: unknown) => store.dispatch({type: 'snapshots/failed', message: messageOf(error)}),
			);
		},
		loadSnapshot: file => session.loadSnapshotOnNextStart(file),
	};
};
