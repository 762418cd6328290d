// Runs a real Supervisor on a fixture app and records every event it emits.

import path from 'node:path';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import {createEventBus} from '../../src/supervisor/event-bus.js';
import type {SupervisorEvent, SupervisorEventOf, SupervisorEventType} from '../../src/supervisor/events.js';
import {Supervisor, type SupervisorOptions} from '../../src/supervisor/supervisor.js';
import {waitFor} from './wait-for.js';
import {repoRoot} from './run-cli.js';

export const fixture = (name: string): string => path.join(repoRoot, 'test/fixtures/apps', name);

export const supervise = (command: string[], overrides: Partial<SupervisorOptions> = {}) => {
	const cwd = mkdtempSync(path.join(os.tmpdir(), 'devtui-sup-'));
	const bus = createEventBus();
	const events: SupervisorEvent[] = [];
	bus.subscribe(event => events.push(event));
	const supervisor = new Supervisor(
		{
			command,
			cwd,
			signal: 'SIGTERM',
			timeoutMs: 5000,
			restartArg: undefined,
			stateFile: path.join(cwd, '.devtui/restart_state.json'),
			restartOnCrash: false,
			...overrides,
		},
		{bus},
	);
	const of = <T extends SupervisorEventType>(type: T) =>
		events.filter(event => event.type === type) as unknown as Array<SupervisorEventOf<T>>;
	const output = () => of('run/output').flatMap(event => event.lines);
	return {
		cwd,
		bus,
		events,
		supervisor,
		of,
		output,
		waitForEvent: <T extends SupervisorEventType>(type: T, count = 1, timeout = 10_000) =>
			waitFor(() => (of(type).length >= count ? of(type)[count - 1] : undefined), {
				timeout,
				message: () => `${count}× ${type}; events: ${events.map(event => event.type).join(', ')}`,
			}),
		waitForOutput: (pattern: RegExp, count = 1, timeout = 10_000) =>
			waitFor(
				() => {
					const lines = output().filter(line => pattern.test(line));
					return lines.length >= count ? lines[count - 1] : undefined;
				},
				{timeout, message: () => `${count}× ${pattern}; output: ${output().join('\n')}`},
			),
	};
};
