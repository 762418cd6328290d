// Keys on a mounted stack dashboard: what each one asks of the stack (through the real
// createStackCommands, onto a recording StackCommands), and what it changes on screen. The store,
// the keymap and Ink's input handling are real.

import {afterEach, describe, expect, it} from 'vitest';
import type {StackCommands} from '../../src/stack/stack-types.js';
import {createStackCommands} from '../../src/tui/create-stack-commands.js';
import {SHOP, STACK_STATES} from '../fixtures/states-stack.js';
import {KEYS} from '../helpers/render.js';
import {renderStack} from '../helpers/render-stack.js';
import {waitFor} from '../helpers/wait-for.js';

// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;]*m/g, '');

const recorder = () => {
	const calls: string[] = [];
	const stack: StackCommands = {
		services: SHOP,
		restart: service => void calls.push(`restart ${service}`),
		forceKill: service => void calls.push(`forceKill ${service}`),
		hold: (service, held) => void calls.push(`hold ${service} ${held}`),
		restartAll: () => void calls.push('restartAll'),
		holdAll: held => void calls.push(`holdAll ${held}`),
	};
	return {calls, stack};
};

let unmount: (() => void) | undefined;
afterEach(() => {
	unmount?.();
	unmount = undefined;
});

const mount = (state = STACK_STATES.stackRunning(), size = {columns: 100, rows: 30}) => {
	const {calls, stack} = recorder();
	let quits = 0;
	const view = renderStack(state, size, {commands: store => createStackCommands({stack, store, quit: () => void quits++})});
	unmount = view.unmount;
	return {...view, calls, quits: () => quits, frame: () => plain(view.lastFrame()), focused: () => view.store.getState().focused};
};

describe('keys on a stack dashboard', () => {
	it('r, k and p act on the focused service; R and P on every one; q quits', async () => {
		const view = mount();
		expect(view.focused()).toBe('api');
		for (const key of ['r', 'k', 'p', 'R', 'P', 'q']) await view.press(key);
		expect(view.calls).toEqual(['restart api', 'forceKill api', 'hold api true', 'restartAll', 'holdAll true']);
		expect(view.quits()).toBe(1);
	});

	it('p releases a held service, P releases all once every one is held', async () => {
		const view = mount(STACK_STATES.stackHeld());
		expect(view.focused()).toBe('worker');
		await view.press('p');
		expect(view.calls).toEqual(['hold worker false']);
		for (const service of ['queue', 'api', 'web']) view.store.ingest({type: 'supervisor/held', held: true, pending: [], service, at: view.store.getState().now});
		view.store.flush();
		await waitFor(() => view.frame().includes('4 held'), {message: () => `every service held:\n${view.frame()}`});
		await view.press('P');
		expect(view.calls.at(-1)).toBe('holdAll false');
	});

	it('] and [ move the focus (wrapping), a digit focuses that service, and the panes follow it', async () => {
		const view = mount();
		await view.press(']');
		expect(view.focused()).toBe('worker');
		expect(view.frame()).toContain('› worker ready · python3 -m worker');
		await view.press(']');
		await view.press(']');
		expect(view.focused()).toBe('queue');
		await view.press('[');
		expect(view.focused()).toBe('web');
		await view.press('2');
		expect(view.focused()).toBe('api');
		expect(view.frame()).toContain('─ Restart #2 · change → ready in 981ms');
		// A digit past the last service focuses the last one.
		await view.press('9');
		expect(view.focused()).toBe('web');
		await view.press('r');
		expect(view.calls).toEqual(['restart web']);
	});

	it('the arrows move between services while the services pane has the focus, and scroll the logs otherwise', async () => {
		const view = mount();
		await view.press(KEYS.up);
		expect(view.focused()).toBe('api');
		expect(view.frame()).toContain('paused, End follows');
		await view.press(KEYS.end);
		// tab: logs → state → services.
		await view.press(KEYS.tab);
		await view.press(KEYS.tab);
		expect(view.store.getState().ui.focus).toBe('services');
		await view.press(KEYS.down);
		expect(view.focused()).toBe('worker');
		await view.press(KEYS.up);
		await view.press(KEYS.up);
		expect(view.focused()).toBe('queue');
		await view.press(KEYS.pageDown);
		expect(view.focused()).toBe('web');
		await view.press(KEYS.home);
		expect(view.focused()).toBe('queue');
	});

	it('l shows only the focused service\'s lines, and every service\'s again', async () => {
		const view = mount();
		expect(view.frame()).toMatch(/^worker /m);
		await view.press('l');
		expect(view.frame()).toContain('─ Logs · only api');
		expect(view.frame()).not.toMatch(/^(queue|worker|web) /m);
		expect(view.frame()).toContain(' INFO:     127.0.0.1:51602 - "POST /api/cart/7f3a/items HTTP/1.1" 201 Created');
		await view.press(']');
		expect(view.frame()).toContain('─ Logs · only worker');
		expect(view.frame()).toContain(' worker: consuming orders.created');
		await view.press('l');
		expect(view.frame()).toMatch(/^web /m);
	});

	it('the filter works across services', async () => {
		const view = mount();
		await view.press('/');
		for (const key of 'ready') await view.press(key);
		await view.press(KEYS.enter);
		const frame = view.frame();
		expect(frame).toContain('filter "ready"');
		expect(frame).toContain('3 of 25 lines');
		expect(frame).toMatch(/^api +◌ waits for queue ready/m);
		expect(frame).toMatch(/^worker +◌ waits for queue ready/m);
		expect(frame).toMatch(/^web +VITE v6\.2\.0 {2}ready in 412 ms/m);
		expect(frame).not.toContain('consuming orders.created');
	});

	it('? lists the stack\'s keys', async () => {
		const view = mount(STACK_STATES.stackRunning());
		await view.press('?');
		expect(view.frame()).toContain('R             restart every service, in dependency order');
		expect(view.frame()).toContain('r             restart the focused service now');
	});
});
