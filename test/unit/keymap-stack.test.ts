// A stack's keys in the one keymap: they work only when a stack of several services is shown, never
// clash with another binding, and the footer offers them in the stack's context.

import {describe, expect, it} from 'vitest';
import {footerHints, keyContextOf, matchingBindings, resolveKey, type KeyContext, type KeyFlags, type KeyMode} from '../../src/keymap.js';
import {STACK_PANES} from '../../src/store/stack-state.js';
import {focusedView, stackKeyContext} from '../../src/store/stack-view.js';
import {STACK_STATES} from '../fixtures/states-stack.js';

const stack = {focused: 'api', allHeld: false, logScope: 'all' as const};

const context = (overrides: Partial<KeyContext> = {}): KeyContext => ({
	mode: 'normal',
	focus: 'logs',
	browserOpen: false,
	filterApplied: false,
	held: false,
	quitting: false,
	...overrides,
});

const press = (input: string, overrides: Partial<KeyContext> = {}) => resolveKey(input, {}, context(overrides));

describe("a stack's keys", () => {
	it('mean nothing for one app', () => {
		for (const input of ['R', 'P', '[', ']', '1', '9', 'l']) expect(press(input), input).toBeUndefined();
	});

	it('restart and hold all, move the focus, and switch the log, in a stack', () => {
		expect(press('R', {stack})?.command).toBe('restartAll');
		expect(press('P', {stack})?.command).toBe('holdAll');
		expect(press('[', {stack})?.command).toBe('servicePrevious');
		expect(press(']', {stack})?.command).toBe('serviceNext');
		expect(press('1', {stack})).toEqual({command: 'serviceNumber', index: 0});
		expect(press('9', {stack})).toEqual({command: 'serviceNumber', index: 8});
		expect(press('l', {stack})?.command).toBe('logScope');
		// R and P work in the help too, as r and p do; while typing a filter they are text.
		expect(press('R', {stack, mode: 'help'})?.command).toBe('restartAll');
		expect(press('R', {stack, mode: 'filter'})).toEqual({command: 'filterType', text: 'R'});
		expect(press('1', {stack, mode: 'filter'})).toEqual({command: 'filterType', text: '1'});
	});

	it('never bind one key to two commands', () => {
		const keys: [string, KeyFlags][] = [['R', {}], ['P', {}], ['[', {}], [']', {}], ['1', {}], ['l', {}], ['r', {}], ['p', {}], ['k', {}], ['', {upArrow: true}], ['', {end: true}], ['', {home: true}]];
		const modes: KeyMode[] = ['normal', 'help', 'filter'];
		for (const mode of modes) {
			for (const focus of STACK_PANES) {
				for (const [input, key] of keys) {
					const matching = matchingBindings(input, key, context({mode, focus, stack})).map(binding => binding.command);
					expect(matching.length, `${mode}/${focus}: ${input} -> ${matching.join(', ')}`).toBeLessThanOrEqual(1);
				}
			}
		}
	});

	it('show in the footer with words that follow the stack', () => {
		const hints = (overrides: Partial<KeyContext>) => footerHints(context({stack, ...overrides})).map(hint => `${hint.label} ${hint.hint}`);
		expect(hints({})).toEqual(expect.arrayContaining(['[ ] service', 'R restart all', 'P hold all', 'l only api']));
		expect(hints({stack: {...stack, allHeld: true, logScope: 'focused'}})).toEqual(expect.arrayContaining(['P release all', 'l all logs']));
		expect(footerHints(context()).map(hint => hint.label)).not.toContain('R');
	});

	it('come from the stack state: none for a stack of one service', () => {
		const state = STACK_STATES.stackHeld();
		expect(keyContextOf(focusedView(state), stackKeyContext(state))).toMatchObject({held: true, stack: {focused: 'worker', allHeld: false, logScope: 'all'}});
		const one = {...state, order: ['worker']};
		expect(stackKeyContext(one)).toBeUndefined();
	});
});
