// mountStackDashboard, as the CLI calls it: a stack's stream and commands in, the dashboard on a
// terminal (fake streams here, Ink in debug mode so every frame is whole). Events from the stream
// reach the screen, keys reach the stack's commands, and unmounting gives the terminal back.

import {render as inkRender} from 'ink';
import {afterEach, describe, expect, it} from 'vitest';
import type {StackCommands, StackStream, StackStreamEvent} from '../../src/stack/stack-types.js';
import {mountStackDashboard, type StackDashboardHandle} from '../../src/tui/run-stack-dashboard.js';
import {PREVIEW} from '../fixtures/states.js';
import {SHOP} from '../fixtures/states-stack.js';
import {FakeStdin, FakeStdout} from '../helpers/render.js';
import {waitFor} from '../helpers/wait-for.js';
import {createStackStream} from '../../src/stack/stack-stream.js';

// eslint-disable-next-line no-control-regex
const plain = (frame: string) => frame.replace(/\u001B\[[\d;?]*[A-Za-z]/g, '');

// The stack's real stream (ordered delivery, isolated listeners), counting who is subscribed.
const fakeStream = () => {
	const real = createStackStream();
	const listeners = new Set<(event: StackStreamEvent) => void>();
	const stream: StackStream = {
		subscribe(listener) {
			listeners.add(listener);
			const off = real.subscribe(listener);
			return () => {
				listeners.delete(listener);
				off();
			};
		},
	};
	return {stream, emit: (event: StackStreamEvent) => real.forward(event), listeners};
};

let handle: StackDashboardHandle | undefined;
afterEach(() => {
	handle?.unmount();
	handle = undefined;
});

describe('mountStackDashboard', () => {
	it('shows the stack from its stream, sends keys to its commands, and gives the terminal back', async () => {
		const {stream, emit, listeners} = fakeStream();
		const calls: string[] = [];
		const commands: StackCommands = {
			services: SHOP,
			restart: service => void calls.push(`restart ${service}`),
			forceKill: service => void calls.push(`forceKill ${service}`),
			hold: (service, held) => void calls.push(`hold ${service} ${held}`),
			restartAll: () => void calls.push('restartAll'),
			holdAll: held => void calls.push(`holdAll ${held}`),
		};
		const stdout = new FakeStdout(100, 30);
		const stdin = new FakeStdin();
		let quits = 0;
		handle = mountStackDashboard({
			stream,
			commands,
			quit: () => void quits++,
			cwd: '/home/dev/shop',
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			color: false,
			render: (tree, options) => inkRender(tree, {...(options as object), debug: true}),
		});
		const frame = () => plain(stdout.frames.at(-1) ?? '');
		// The services are known before the stack announces them: from its commands.
		await waitFor(() => frame().includes('4 services'), {message: () => `the services pane:\n${frame()}`});
		expect(stdout.frames[0]).toBe('\u001B[?1049h');

		const now = Date.now();
		emit({type: 'stack/services', services: SHOP, at: now});
		emit({type: 'stack/waiting', service: 'api', waitingFor: [{service: 'queue', condition: 'ready'}], at: now});
		emit({type: 'supervisor/state', state: 'starting', previous: 'idle', service: 'queue', at: now});
		emit({type: 'run/spawned', pid: 5001, restart: 0, command: ['python3', 'fake_queue.py'], spawnMs: 4, service: 'queue', at: now});
		emit({type: 'supervisor/state', state: 'running', previous: 'starting', service: 'queue', at: now});
		emit({type: 'run/output', pid: 5001, stream: 'stdout', lines: ['fake queue listening'], service: 'queue', at: now});
		await waitFor(() => frame().includes('waits for queue ready') && /^queue +fake queue listening/m.test(frame()), {
			message: () => `the stream on screen:\n${frame()}`,
		});
		expect(frame()).toMatch(/› ● queue +running +5001 ↻0/);

		for (const key of ['r', ']', 'k', 'R', 'P', 'q']) {
			stdin.write(key);
			await new Promise(resolve => setTimeout(resolve, 10));
		}
		await waitFor(() => calls.length === 4 && quits === 1, {message: () => `the commands: ${calls.join(', ')}`});
		expect(calls).toEqual(['restart queue', 'forceKill api', 'restartAll', 'holdAll true']);

		handle.unmount();
		handle.unmount();
		expect(stdout.frames.at(-1)).toBe('\u001B[?1049l');
		expect(listeners.size).toBe(0);
		handle = undefined;
	});

	it("loads each service's state tree after its saves, and the state pane shows the focused one's", async () => {
		const {stream, emit} = fakeStream();
		const loaded: string[] = [];
		const previewSource = {
			load: async (file: string) => {
				loaded.push(file);
				if (!file.includes('/api/')) throw new Error('not there');
				return {...PREVIEW, file};
			},
			close: async () => {},
		};
		const commands: StackCommands = {services: SHOP, restart() {}, forceKill() {}, hold() {}, restartAll() {}, holdAll() {}};
		const stdout = new FakeStdout(140, 40);
		const stdin = new FakeStdin();
		handle = mountStackDashboard({
			stream,
			commands,
			quit() {},
			cwd: '/home/dev/shop',
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			color: false,
			stateFiles: {queue: '/home/dev/shop/queue/.devtui/restart_state.json', api: '/home/dev/shop/api/.devtui/restart_state.json'},
			previewSource,
			render: (tree, options) => inkRender(tree, {...(options as object), debug: true}),
		});
		const frame = () => plain(stdout.frames.at(-1) ?? '');
		// Loaded once each at the start; api's save loads it again.
		await waitFor(() => loaded.length === 2, {message: () => `the first loads: ${loaded.join(', ')}`});
		emit({type: 'state/validated', bytes: 19_156, keys: ['sessions', 'cart'], changedKeys: ['cart'], snapshot: '.devtui/snapshots/0001.json', durationMs: 3, service: 'api', at: Date.now()});
		await waitFor(() => loaded.length === 3, {message: () => `api's reload: ${loaded.join(', ')}`});
		expect(loaded[2]).toBe('/home/dev/shop/api/.devtui/restart_state.json');
		// The queue (focused) has no state: no state pane. api has: its tree shows once focused.
		await waitFor(() => frame().includes('4 services'), {message: () => frame()});
		expect(frame()).not.toContain('─ State');
		stdin.write('2');
		await waitFor(() => frame().includes('─ State') && frame().includes('sessions'), {message: () => `api's state tree:\n${frame()}`});
		// A state file that does not exist is no error: the queue simply has no state.
		expect(handle.store.getState().services['queue']!.app.preview.status).toBe('none');
	});

	it("pauses a flooding service's output, only that service's, and lets it go again", async () => {
		const {stream, emit} = fakeStream();
		const pauses: string[] = [];
		const commands: StackCommands = {services: SHOP, restart() {}, forceKill() {}, hold() {}, restartAll() {}, holdAll() {}};
		const stdout = new FakeStdout(100, 30);
		handle = mountStackDashboard({
			stream,
			commands,
			quit() {},
			cwd: '/home/dev/shop',
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
			color: false,
			pauseOutput: (service, paused) => void pauses.push(`${service} ${paused}`),
			render: (tree, options) => inkRender(tree, {...(options as object), debug: true}),
		});
		emit({type: 'run/output', pid: 7, stream: 'stdout', lines: ['a quiet line'], service: 'queue', at: Date.now()});
		emit({type: 'run/output', pid: 8, stream: 'stdout', lines: Array.from({length: 16_000}, (_, index) => `line ${index}`), service: 'api', at: Date.now()});
		expect(pauses).toEqual(['api true']);
		await waitFor(() => pauses.length === 2, {message: () => pauses.join(', ')});
		expect(pauses).toEqual(['api true', 'api false']);
	});
});

