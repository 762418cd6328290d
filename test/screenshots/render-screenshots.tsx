// Renders the dashboard's key frames to screenshots/<name>.svg, from the same named states as the
// frame snapshots, with colours on (FORCE_COLOR=3, set by this folder's vitest config). Run with
// `npm run screenshots`; the output is deterministic, so an unchanged dashboard rewrites
// identical files and a changed one shows up in the diff.

import {mkdir, readdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {App} from '../../components/App.js';
import {DashboardProvider, type DashboardCommands} from '../../src/hooks/dashboard-context.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {createStore} from '../../src/store/store.js';
import {STATES, type StateName} from '../fixtures/states.js';
import {STACK_STATES, type StackStateName} from '../fixtures/states-stack.js';
import {frameToSvg} from '../helpers/frame-to-svg.js';
import {renderAt} from '../helpers/render.js';
import {renderStack} from '../helpers/render-stack.js';

const OUT_DIR = fileURLToPath(new URL('../../screenshots/', import.meta.url));

interface Shot {
	name: string;
	/** One app's state, or (stack: true) a stack's. */
	state: StateName | StackStateName;
	stack?: true;
	/** What the title bar says after "devtui". */
	caption: string;
	columns?: number;
	rows?: number;
}

const SHOTS: Shot[] = [
	{name: 'first-start', state: 'firstStart', caption: 'first start'},
	{name: 'running-json-logs', state: 'jsonLogs', caption: 'running, JSON logs pretty-printed'},
	{name: 'stopping-countdown', state: 'stopping', caption: 'stopping: app phases and the deadline'},
	{name: 'completed-timeline', state: 'completedTimeline', caption: 'restart timeline'},
	{name: 'force-kill', state: 'forceKilled', caption: 'force kill after a timeout'},
	{name: 'held-pending-changes', state: 'held', caption: 'restarts held, changes pending'},
	{name: 'state-inspector', state: 'inspectorExpanded', caption: 'state inspector'},
	{name: 'snapshot-browser', state: 'snapshotBrowser', caption: 'snapshot browser'},
	{name: 'crashed', state: 'crashed', caption: 'crashed'},
	{name: 'socket-handoff-restart', state: 'socketNotTaken', caption: 'socket held during a restart, connections waiting'},
	{name: 'socket-taken', state: 'socketTaken', caption: 'socket taken by the new instance'},
	{name: 'check-running', state: 'checkRunning', caption: 'pre-restart check running'},
	{name: 'check-failed', state: 'checkFailed', caption: 'check failed, old app still serving'},
	{name: 'help', state: 'help', caption: 'help'},
	{name: 'running-80x24', state: 'runningWithLogs', caption: 'running, small terminal', columns: 80, rows: 24},
	{name: 'uvicorn-log-levels', state: 'uvicornLogs', caption: 'uvicorn: stderr marked by level, no state pane', columns: 120, rows: 40},
	{name: 'advice-wrapped', state: 'bindConflict', caption: "devtui's advice wrapped whole", columns: 80, rows: 24},
	{name: 'file-set-aside', state: 'feedbackSetAside', caption: 'a file the app writes, set aside'},
	{name: 'readiness-unknown', state: 'readinessUnknown', caption: 'started, readiness unknown'},
	{name: 'stack-waiting', state: 'stackWaiting', stack: true, caption: 'a stack of four services, one waiting for another'},
	{name: 'stack-80x24', state: 'stackEightCrashed', stack: true, caption: 'eight services, one crashed, small terminal', columns: 80, rows: 24},
];

const commands: DashboardCommands = {restart() {}, togglePostpone() {}, forceKill() {}, quit() {}, listSnapshots() {}, loadSnapshot() {}};

const renderStackFrame = (state: StackStateName, columns: number, rows: number): string => {
	const rendered = renderStack(STACK_STATES[state](), {columns, rows}, {color: true});
	try {
		return rendered.lastFrame();
	} finally {
		rendered.unmount();
	}
};

const renderFrame = (state: StateName, columns: number, rows: number): string => {
	const store = createStore(STATES[state]());
	const rendered = renderAt(
		<DashboardProvider store={store} commands={commands} formatLog={createLogFormatter({color: true})}>
			<App />
		</DashboardProvider>,
		{columns, rows},
	);
	try {
		return rendered.lastFrame();
	} finally {
		rendered.unmount();
		store.dispose();
	}
};

describe('screenshots', () => {
	afterAll(async () => {
		// The folder is generated: a shot that was renamed or dropped must not linger.
		const wanted = new Set(SHOTS.map(shot => `${shot.name}.svg`));
		const stale = (await readdir(OUT_DIR)).filter(file => file.endsWith('.svg') && !wanted.has(file));
		await Promise.all(stale.map(file => rm(path.join(OUT_DIR, file))));
	});

	for (const {name, state, stack, caption, columns = 100, rows = 30} of SHOTS) {
		it(`${name}.svg`, async () => {
			const frame = stack ? renderStackFrame(state as StackStateName, columns, rows) : renderFrame(state as StateName, columns, rows);
			// Without colours the pictures would silently lose their meaning.
			expect(frame, 'the frame has colours (FORCE_COLOR=3)').toMatch(/\u001B\[3\dm/);
			expect(frame.split('\n').length).toBeLessThanOrEqual(rows);
			const svg = await frameToSvg(frame, {columns, rows, title: `devtui — ${caption} (${columns}×${rows})`});
			await mkdir(OUT_DIR, {recursive: true});
			await writeFile(path.join(OUT_DIR, `${name}.svg`), svg);
		});
	}
});
