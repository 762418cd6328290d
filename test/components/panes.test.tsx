// Single panes, rendered with ink-testing-library (100 columns) at the width and height given as
// props: the panes depend on nothing else.

import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {CheckPanel} from '../../components/CheckPanel.js';
import {fitHints, Footer} from '../../components/Footer.js';
import {Header} from '../../components/Header.js';
import {HistoryList} from '../../components/HistoryList.js';
import {LogPane} from '../../components/LogPane.js';
import {TimelinePane} from '../../components/TimelinePane.js';
import {footerHints, keyContextOf} from '../../src/keymap.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {createLogRows} from '../../src/store/log-wrap.js';
import {filterEntries} from '../../src/store/log-view.js';
import {checkView, socketView, type CheckView, type SocketView} from '../../src/store/listen-check-view.js';
import {countdown, shownTimeline} from '../../src/store/selectors.js';
import type {RestartTimeline} from '../../src/supervisor/events.js';
import {STATES} from '../fixtures/states.js';

// eslint-disable-next-line no-control-regex
const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001B\[[\d;]*m/g, '');

afterEach(() => cleanup());

describe('TimelinePane', () => {
	it('draws a stop in progress at any width it is given', () => {
		const state = STATES.stopping();
		const shown = shownTimeline(state)!;
		for (const width of [44, 60, 96]) {
			const {lastFrame} = render(<TimelinePane timeline={shown.timeline} live countdown={countdown(state)} now={state.now} focused width={width} height={6} />);
			const frame = plain(lastFrame());
			for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
			expect(frame).toContain('force kill in 7s');
			expect(frame).toMatchSnapshot(`width ${width}`);
		}
	});

	it('says so when there is no restart yet', () => {
		const {lastFrame} = render(<TimelinePane live={false} now={0} focused={false} width={40} height={3} />);
		expect(plain(lastFrame())).toContain('no restart yet');
	});
});

describe('HistoryList', () => {
	it('spells out a forced stop at any width, giving up the time of day where both do not fit', () => {
		const {history} = STATES.forceKilled();
		const wide = plain(render(<HistoryList history={history} top={0} focused={false} width={60} height={4} />).lastFrame());
		expect(wide).toContain(' #3  09:36:14 change  10.0s  339ms ✗ killed');
		const narrow = plain(render(<HistoryList history={history} top={0} focused={false} width={36} height={4} />).lastFrame());
		expect(narrow).toContain(' #3  change  10.0s  339ms ✗ killed');
		// Every row drops the clock, so the columns stay aligned.
		expect(narrow).toContain(' #2  change  814ms  319ms');
		expect(narrow).not.toMatch(/\d\d:\d\d:\d\d/);
		// Without a mark to show, the clock stays.
		const quiet = plain(render(<HistoryList history={history.slice(1)} top={0} focused={false} width={36} height={4} />).lastFrame());
		expect(quiet).toContain(' #2  09:35:13 change  814ms  319ms');
	});
});

describe('LogPane', () => {
	it('shows the filter being typed, and the lines that match once applied', () => {
		const editing = STATES.logFilterEditing();
		const rows = createLogRows(createLogFormatter({color: false}))(69, true);
		const props = {total: editing.logs.entries.length, view: editing.ui.log, rows, wrap: true, focused: true, width: 70, height: 5};
		const typing = plain(render(<LogPane {...props} entries={editing.logs.entries} filter={editing.ui.filter} />).lastFrame());
		expect(typing).toContain('/ api/cart');
		const applied = STATES.logFilter();
		const entries = filterEntries(applied.logs.entries, applied.ui.filter.applied);
		const frame = plain(render(<LogPane {...props} total={applied.logs.entries.length} entries={entries} filter={applied.ui.filter} />).lastFrame());
		expect(frame).toMatchSnapshot();
		expect(frame).toContain('2 of 17 lines');
	});
});

describe('Footer', () => {
	it('keeps "q quit" and "? help" however narrow the terminal', () => {
		const hints = footerHints(keyContextOf(STATES.runningWithLogs()));
		expect(fitHints(hints, 20).map(hint => hint.label)).toEqual(['q', '?']);
		expect(fitHints(hints, 30).map(hint => hint.label)).toEqual(['/', 'q', '?']);
		// A failed check's longer "r restart anyway" pushes other keys out, never q.
		const failed = fitHints(footerHints(keyContextOf(STATES.checkFailed())), 80).map(hint => `${hint.label} ${hint.hint}`);
		expect(failed).toContain('r restart anyway');
		expect(failed.slice(-2)).toEqual(['q quit', '? help']);
		expect(fitHints(hints, 200)).toEqual(hints);
		const frame = plain(render(<Footer hints={hints} width={30} />).lastFrame());
		expect(frame).toContain('? help');
		expect(frame.length).toBeLessThanOrEqual(30);
	});
});

describe('CheckPanel', () => {
	const failed = () => checkView(STATES.checkFailed()) as Extract<CheckView, {status: 'failed'}>;

	it('keeps the way out in view at any width, on a row of its own when it must', () => {
		for (const width of [40, 60, 96]) {
			const frame = plain(render(<CheckPanel check={failed()} focused={false} width={width} height={8} />).lastFrame());
			for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
			expect(frame).toContain('fix and save, or r to restart anyway');
			expect(frame).toContain('✗ src/routes/cart.ts');
			// The last lines of the output, blank ones left out.
			expect(frame).toContain('┃ Found 2 errors in the same file');
			expect(frame).not.toMatch(/┃ *\n/);
			expect(frame).toMatchSnapshot(`width ${width}`);
		}
	});

	it('says when no app is serving, and when the check printed nothing', () => {
		const check = {...failed(), serving: false, failure: {...failed().failure, output: [], blamed: [], exitCode: null, signal: 'SIGKILL'}};
		const frame = plain(render(<CheckPanel check={check} focused={false} width={90} height={5} />).lastFrame());
		expect(frame).toContain('no app running · killed by SIGKILL · 2.82s · fix and save, or r to start anyway');
		expect(frame).toContain('(no output)');
	});
});

describe('the socket line in the header', () => {
	const header = (socket: SocketView | undefined, width = 100) =>
		plain(render(<Header status="ready" command={['node', 'server.mjs']} restart={0} watchPaths={['src']} polling={false} socket={socket} width={width} />).lastFrame());

	it('says where the sockets listen, who took them, and what waits', () => {
		const base: SocketView = {addresses: ['127.0.0.1:8000', '[::1]:8000', '127.0.0.1:9000'], pid: 42, taken: 1, total: 3, waiting: 0, peakWaiting: 0, notTaken: false};
		expect(header(base)).toContain('⇄ 127.0.0.1:8000 +2 → pid 42 ✓ 1 of 3 taken');
		expect(header({...base, addresses: ['127.0.0.1:8000', '127.0.0.1:9000'], total: 2, taken: 2, waiting: 3})).toContain(
			'⇄ 127.0.0.1:8000, 127.0.0.1:9000 → pid 42 ✓ taken · 3 waiting',
		);
		const {pid: _pid, ...noInstance} = base;
		expect(header({...noInstance, taken: 0, waiting: 12, peakWaiting: 12})).toContain('⇄ 127.0.0.1:8000 +2 · held by devtui · 12 waiting');
		expect(header(undefined)).not.toContain('⇄');
	});

	it('says so when the instance did not take the sockets, with the fix', () => {
		const view = socketView(STATES.socketIgnored())!;
		expect(view).toMatchObject({pid: 4259, taken: 0, notTaken: true, waiting: 9});
		expect(header(view, 140)).toContain('⇄ 127.0.0.1:3000 → pid 4259 ✗ not taken: serve on fd 3 (the log says how) · 9 waiting');
		// The next instance starts with a clean slate.
		expect(socketView(STATES.socketTaken())?.notTaken).toBe(false);
	});

	it('fits a narrow terminal', () => {
		const frame = header(socketView(STATES.socketNotTaken()), 60);
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
		expect(frame).toContain('⇄ 127.0.0.1:3000');
	});
});

describe('a restart a failed check stopped', () => {
	const checkFailed = (): RestartTimeline => STATES.checkFailed().last!;

	it('is "not restarted" in the timeline, with the check that failed', () => {
		const frame = plain(render(<TimelinePane timeline={checkFailed()} live={false} now={0} focused={false} width={70} height={4} />).lastFrame());
		expect(frame).toContain('─ Not restarted · check failed after 2.87s');
		expect(frame).toContain('✗ check failed: npm run typecheck: exit code 2');
		expect(frame).toMatch(/ check +█+·* +2\.82s ✗/);
	});

	it('an outcome this dashboard does not know yet is named, not shown as ready', () => {
		const unknown = {...checkFailed(), restart: 4, outcome: 'rolled-back'} as unknown as RestartTimeline;
		const frame = plain(render(<TimelinePane timeline={unknown} live={false} now={0} focused={false} width={70} height={4} />).lastFrame());
		expect(frame).toContain('─ Restart #4 · rolled-back after 2.87s');
		expect(frame).not.toContain('ready');
	});

	it('is marked in the history', () => {
		const {history} = STATES.checkFailed();
		const frame = plain(render(<HistoryList history={history} top={0} focused={false} width={60} height={4} />).lastFrame());
		expect(frame).toMatch(/ – +09:34:12 change +– +– ✗ check/);
	});
});

describe('the header in warm mode', () => {
	it('marks --warm among the facts, and only when it is on', () => {
		const header = (warm: boolean) =>
			plain(
				render(
					<Header status="ready" command={['python3', 'app.py']} pid={4242} uptimeMs={3000} restart={2} warm={warm} watchPaths={['.']} polling={false} width={100} />,
				).lastFrame(),
			);
		const frame = header(true);
		expect(frame).toContain('warm · pid 4242 · up <1m · 2 restarts');
		expect(header(false)).not.toContain('warm');
		expect(frame).toMatchSnapshot('warm header');
	});
});

describe('the timeline of a warm restart', () => {
	it('puts the warm start beside the last cold start', () => {
		const timeline: RestartTimeline = {
			restart: 3,
			trigger: 'change',
			files: [{path: 'app.py', kind: 'changed'}],
			startedAt: 0,
			phases: [
				{name: 'signal', source: 'devtui', startMs: 0, durationMs: 0, outcome: 'ok'},
				{name: 'wait for exit', source: 'devtui', startMs: 0, durationMs: 9, outcome: 'ok'},
				{name: 'go', source: 'devtui', startMs: 10, durationMs: 1, outcome: 'ok'},
				{name: 'boot', source: 'devtui', startMs: 11, durationMs: 7, outcome: 'ok'},
			],
			stopMs: 9,
			forced: false,
			totalMs: 18,
			readiness: {source: 'listening', port: 8000},
			warm: {goToReadyMs: 8, coldMs: 164, preloaded: 512},
			outcome: 'ready',
		};
		const frame = plain(render(<TimelinePane timeline={timeline} live={false} now={100} focused={false} width={100} height={6} />).lastFrame());
		expect(frame).toContain('change → ready in 18ms · warm start 8ms (cold 164ms)');
		expect(frame).toMatch(/go/);
		expect(frame).toMatchSnapshot('warm restart');
	});
});
