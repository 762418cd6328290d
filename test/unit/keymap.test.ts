import {describe, expect, it} from 'vitest';
import {BINDINGS, footerHints, keyContextOf, matchingBindings, resolveKey, type KeyContext, type KeyFlags, type KeyMode} from '../../src/keymap.js';
import {PANES} from '../../src/store/state.js';
import {STATES} from '../fixtures/states.js';

const context = (overrides: Partial<KeyContext> = {}): KeyContext => ({
	mode: 'normal',
	focus: 'logs',
	browserOpen: false,
	filterApplied: false,
	held: false,
	quitting: false,
	...overrides,
});

const press = (input: string, key: KeyFlags = {}, overrides: Partial<KeyContext> = {}) => resolveKey(input, key, context(overrides))?.command;

describe('the keymap', () => {
	it('binds the app commands in every mode but text entry', () => {
		for (const mode of ['normal', 'help'] as const) {
			expect(press('r', {}, {mode})).toBe('restart');
			expect(press('p', {}, {mode})).toBe('postpone');
			expect(press('k', {}, {mode})).toBe('forceKill');
			expect(press('q', {}, {mode})).toBe('quit');
		}
		// While typing a filter, letters are text.
		expect(resolveKey('r', {}, context({mode: 'filter'}))).toEqual({command: 'filterType', text: 'r'});
	});

	it('handles Ctrl-C itself, in every mode', () => {
		for (const mode of ['normal', 'help', 'filter'] as const) expect(press('c', {ctrl: true}, {mode})).toBe('interrupt');
		expect(press('c')).toBeUndefined();
	});

	it('moves focus with tab and shift+tab', () => {
		expect(press('', {tab: true})).toBe('focusNext');
		expect(press('', {tab: true, shift: true})).toBe('focusPrevious');
	});

	it('scrolls with arrows, pages and Home/End', () => {
		expect(press('', {upArrow: true})).toBe('up');
		expect(press('', {downArrow: true})).toBe('down');
		expect(press('', {pageUp: true})).toBe('pageUp');
		expect(press('', {pageDown: true})).toBe('pageDown');
		expect(press('', {home: true})).toBe('home');
		expect(press('', {end: true})).toBe('end');
		// Panes scroll only outside the help.
		expect(press('', {upArrow: true}, {mode: 'help'})).toBeUndefined();
	});

	it('expands with enter or space in the inspector only', () => {
		expect(press('', {return: true}, {focus: 'inspector'})).toBe('toggle');
		expect(press(' ', {}, {focus: 'inspector'})).toBe('toggle');
		expect(press('', {return: true}, {focus: 'logs'})).toBeUndefined();
		expect(press('s', {}, {focus: 'inspector'})).toBe('snapshots');
	});

	it('edits the filter: type, backspace, enter applies, esc clears', () => {
		expect(press('/')).toBe('filter');
		const filter = {mode: 'filter' as const};
		expect(press('', {return: true}, filter)).toBe('filterApply');
		expect(press('', {escape: true, meta: true}, filter)).toBe('filterClear');
		expect(press('', {backspace: true}, filter)).toBe('filterDelete');
		expect(press('', {delete: true}, filter)).toBe('filterDelete');
		expect(resolveKey('api/cart', {}, context(filter))).toEqual({command: 'filterType', text: 'api/cart'});
		expect(resolveKey('\u0001', {}, context(filter))).toBeUndefined();
	});

	it('closes with esc only when there is something to close', () => {
		expect(press('', {escape: true})).toBeUndefined();
		expect(press('', {escape: true}, {mode: 'help'})).toBe('close');
		expect(press('', {escape: true}, {focus: 'inspector', browserOpen: true})).toBe('close');
		expect(press('', {escape: true}, {filterApplied: true})).toBe('close');
		expect(press('?')).toBe('help');
		expect(press('?', {}, {mode: 'help'})).toBe('help');
	});

	it('never binds one key to two commands in the same context', () => {
		const keys: [string, KeyFlags][] = [
			['r', {}],
			['q', {}],
			[' ', {}],
			['s', {}],
			['/', {}],
			['?', {}],
			['c', {ctrl: true}],
			['', {return: true}],
			['', {escape: true}],
			['', {tab: true}],
			['', {tab: true, shift: true}],
			['', {upArrow: true}],
			['', {end: true}],
		];
		const modes: KeyMode[] = ['normal', 'help', 'filter'];
		for (const mode of modes) {
			for (const focus of PANES) {
				for (const browserOpen of [false, true]) {
					const ctx = context({mode, focus, browserOpen, filterApplied: true});
					for (const [input, key] of keys) {
						const matching = matchingBindings(input, key, ctx).map(binding => binding.command);
						expect(matching.length, `${mode}/${focus}: ${JSON.stringify([input, key])} -> ${matching.join(', ')}`).toBeLessThanOrEqual(1);
					}
				}
			}
		}
	});

	it('gives every command that has help a label, and lists each command once', () => {
		const commands = BINDINGS.map(binding => binding.command);
		expect(new Set(commands).size).toBe(commands.length);
		for (const binding of BINDINGS) expect(binding.label.length).toBeGreaterThan(0);
	});
});

describe('the footer hints', () => {
	it('show what the focused pane offers first, and help last', () => {
		const logs = footerHints(context());
		expect(logs[0]).toEqual({label: '/', hint: 'filter'});
		expect(logs.at(-1)).toEqual({label: '?', hint: 'help', keep: true});
		const inspector = footerHints(context({focus: 'inspector'}));
		expect(inspector.slice(0, 2)).toEqual([
			{label: 'enter', hint: 'expand'},
			{label: 's', hint: 'snapshots'},
		]);
		expect(inspector.some(hint => hint.label === '/')).toBe(false);
	});

	it('follow the context: held, quitting, the browser, the filter', () => {
		expect(footerHints(context({held: true}))).toContainEqual({label: 'p', hint: 'release'});
		expect(footerHints(context({quitting: true}))).toContainEqual({label: 'q', hint: 'force quit', keep: true});
		expect(footerHints(context())).toContainEqual({label: 'w', hint: 'no wrap'});
		expect(footerHints(context({wrap: false}))).toContainEqual({label: 'w', hint: 'wrap'});
		expect(footerHints(context({focus: 'inspector', browserOpen: true}))[0]).toEqual({label: 'enter', hint: 'load on next start'});
		expect(footerHints(context({mode: 'filter'}))).toEqual([
			{label: 'enter', hint: 'apply'},
			{label: 'esc', hint: 'clear'},
		]);
	});

	it('come from the dashboard state', () => {
		expect(keyContextOf(STATES.logFilterEditing())).toMatchObject({mode: 'filter', focus: 'logs'});
		expect(keyContextOf(STATES.help()).mode).toBe('help');
		expect(keyContextOf(STATES.snapshotBrowser())).toMatchObject({focus: 'inspector', browserOpen: true});
		expect(keyContextOf(STATES.held()).held).toBe(true);
	});
});

describe('a chunk of several keys', () => {
	it('is split into presses, with a carriage return as enter', async () => {
		const {splitPresses} = await import('../../src/keymap.js');
		expect(splitPresses('/err\r', {})).toEqual([
			['/', {}],
			['e', {}],
			['r', {}],
			['r', {}],
			['', {return: true}],
		]);
		expect(splitPresses('r', {})).toEqual([['r', {}]]);
		expect(splitPresses('c', {ctrl: true})).toEqual([['c', {ctrl: true}]]);
		expect(splitPresses('\u001B[A', {upArrow: true})).toEqual([['\u001B[A', {upArrow: true}]]);
	});
});
