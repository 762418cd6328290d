// Single panes, rendered with ink-testing-library (100 columns) at the width and height given as
// props: the panes depend on nothing else.

import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {fitHints, Footer} from '../../components/Footer.js';
import {HistoryList} from '../../components/HistoryList.js';
import {LogPane} from '../../components/LogPane.js';
import {TimelinePane} from '../../components/TimelinePane.js';
import {footerHints, keyContextOf} from '../../src/keymap.js';
import {createLogFormatter} from '../../src/store/log-lines.js';
import {filterEntries} from '../../src/store/log-view.js';
import {countdown, shownTimeline} from '../../src/store/selectors.js';
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
			expect(frame).toContain('force kill in 8s');
			expect(frame).toMatchSnapshot(`width ${width}`);
		}
	});

	it('says so when there is no restart yet', () => {
		const {lastFrame} = render(<TimelinePane live={false} now={0} focused={false} width={40} height={3} />);
		expect(plain(lastFrame())).toContain('no restart yet');
	});
});

describe('HistoryList', () => {
	it('spells out a forced stop where the width allows, and marks it where it does not', () => {
		const {history} = STATES.forceKilled();
		const wide = plain(render(<HistoryList history={history} top={0} focused={false} width={60} height={4} />).lastFrame());
		expect(wide).toContain('10.0s  339ms ✗ killed');
		const narrow = plain(render(<HistoryList history={history} top={0} focused={false} width={36} height={4} />).lastFrame());
		expect(narrow).toContain('10.0s  339ms ✗');
		expect(narrow).not.toContain('killed');
	});
});

describe('LogPane', () => {
	it('shows the filter being typed, and the lines that match once applied', () => {
		const editing = STATES.logFilterEditing();
		const format = createLogFormatter({color: false});
		const props = {total: editing.logs.entries.length, view: editing.ui.log, format, focused: true, width: 70, height: 5};
		const typing = plain(render(<LogPane {...props} entries={editing.logs.entries} filter={editing.ui.filter} />).lastFrame());
		expect(typing).toContain('/ api/cart');
		const applied = STATES.logFilter();
		const entries = filterEntries(applied.logs.entries, applied.ui.filter.applied);
		const frame = plain(render(<LogPane {...props} total={applied.logs.entries.length} entries={entries} filter={applied.ui.filter} />).lastFrame());
		expect(frame).toMatchSnapshot();
		expect(frame).toContain('2 of 16 lines');
	});
});

describe('Footer', () => {
	it('keeps "? help" however narrow the terminal', () => {
		const hints = footerHints(keyContextOf(STATES.runningWithLogs()));
		expect(fitHints(hints, 20).map(hint => hint.label)).toEqual(['/', '?']);
		expect(fitHints(hints, 200)).toEqual(hints);
		const frame = plain(render(<Footer hints={hints} width={30} />).lastFrame());
		expect(frame).toContain('? help');
		expect(frame.length).toBeLessThanOrEqual(30);
	});
});
