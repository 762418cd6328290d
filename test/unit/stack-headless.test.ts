// A stack's headless lines: each prefixed with its service's name, padded to the longest, coloured
// when colour is on; app output keeps its stream; quitting is said once; --json keeps `service`.

import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {attachStackHeadless} from '../../src/headless/attach-stack-headless.js';
import {createStackStream} from '../../src/stack/stack-stream.js';
import type {StackStreamEvent} from '../../src/stack/stack-types.js';

const capture = () => {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', chunk => (text += String(chunk)));
	return {stream, text: () => text};
};

const setup = ({json = false, color = false} = {}) => {
	const stack = createStackStream({now: () => 7});
	const stdout = capture();
	const stderr = capture();
	attachStackHeadless(stack, {json, services: ['queue', 'api', 'frontend']}, {stdout: stdout.stream, stderr: stderr.stream, color});
	return {stack, stdout, stderr};
};

const serviceEvents: StackStreamEvent[] = [
	{type: 'run/spawned', at: 1, service: 'api', pid: 41, restart: 0, command: ['python3', 'api.py'], spawnMs: 3},
	{type: 'run/output', at: 2, service: 'api', pid: 41, stream: 'stdout', lines: ['serving', 'on 8000']},
	{type: 'run/output', at: 3, service: 'frontend', pid: 42, stream: 'stderr', lines: ['warning: slow']},
	{type: 'devtui/quitting', at: 4, service: 'api', force: false, reason: 'SIGINT'},
	{type: 'devtui/quitting', at: 4, service: 'queue', force: false, reason: 'SIGINT'},
];

describe('headless lines of a stack', () => {
	it('prefixes every line with the service, padded to the longest name, on the stream it came from', () => {
		const {stack, stdout, stderr} = setup();
		stack.emit({type: 'stack/services', services: [{name: 'queue', command: ['q'], cwd: '/', dependsOn: {}}]});
		stack.emit({type: 'stack/waiting', service: 'frontend', waitingFor: [{service: 'api', condition: 'started'}, {service: 'queue', condition: 'ready', failed: true}]});
		stack.emit({type: 'stack/waiting', service: 'frontend', waitingFor: []});
		stack.emit({type: 'stack/cascade', service: 'frontend', because: 'api'});
		for (const event of serviceEvents) stack.forward(event);
		expect(stdout.text()).toBe('api      | serving\napi      | on 8000\n');
		expect(stderr.text().split('\n')).toEqual([
			'[devtui] services, in start order: queue',
			'frontend | [devtui] waiting for api (started), queue (ready; queue is down after a failure)',
			'frontend | [devtui] restarting because api restarted (dependsOn restart: true)',
			'api      | [devtui] started pid 41: python3 api.py',
			'frontend | warning: slow',
			'[devtui] quitting (SIGINT)',
			'',
		]);
	});

	it('gives each service a colour of its own when colour is on', () => {
		const {stack, stdout} = setup({color: true});
		stack.forward({type: 'run/output', at: 1, service: 'queue', pid: 1, stream: 'stdout', lines: ['a']});
		stack.forward({type: 'run/output', at: 1, service: 'api', pid: 2, stream: 'stdout', lines: ['b']});
		expect(stdout.text()).toBe('\u001B[36mqueue   \u001B[39m | a\n\u001B[33mapi     \u001B[39m | b\n');
	});

	it('--json: one object per event, the service in each', () => {
		const {stack, stdout, stderr} = setup({json: true});
		for (const event of serviceEvents.slice(0, 2)) stack.forward(event);
		stack.emit({type: 'stack/cascade', service: 'frontend', because: 'api'});
		expect(stdout.text().trim().split('\n').map(line => JSON.parse(line) as unknown)).toEqual([
			serviceEvents[0],
			serviceEvents[1],
			{type: 'stack/cascade', at: 7, service: 'frontend', because: 'api'},
		]);
		expect(stderr.text()).toBe('');
	});
});
