// One check process, for real: its output, its exit, a timeout, a command that is not there.

import {describe, expect, it} from 'vitest';
import {runCheck} from '../../src/check/run-check.js';
import {pythonCheckArgs} from '../../src/check/python-compile-check.js';
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {isAlive} from '../helpers/process-alive.js';
import {waitFor} from '../helpers/wait-for.js';

const sh = (script: string, options: {timeoutMs?: number} = {}) =>
	runCheck({argv: ['/bin/sh', '-c', script], cwd: os.tmpdir(), env: process.env, ...options}).result;

describe('running a check', () => {
	it('passes on exit 0 and fails on anything else, with stdout and stderr both kept', async () => {
		expect(await sh('echo fine')).toMatchObject({ok: true, exitCode: 0, output: ['fine']});
		expect(await sh('echo out; echo err >&2; exit 3')).toMatchObject({ok: false, exitCode: 3});
		expect((await sh('echo out; echo err >&2; exit 3')).output.sort()).toEqual(['err', 'out']);
	});

	it('keeps only the last 50 lines of a long output', async () => {
		const result = await sh('i=0; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done; exit 1');
		expect(result.output).toHaveLength(50);
		expect(result.output.at(-1)).toBe('line 499');
	});

	it('says so plainly when the command is not there', async () => {
		const result = await sh('no-such-check-command-devtui');
		expect(result).toMatchObject({ok: false, exitCode: 127});
		expect(result.output.at(-1)).toBe('devtui: the check command was not found (exit code 127)');
	});

	it('kills a check that takes longer than its timeout, with its children', async () => {
		const pidFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'devtui-check-kill-')), 'child.pid');
		const result = await sh(`sleep 30 & echo $! > ${pidFile}; sleep 30; wait`, {timeoutMs: 300});
		expect(result).toMatchObject({ok: false, exitCode: null, signal: 'SIGKILL'});
		expect(result.output.at(-1)).toBe('devtui: the check took longer than 300 ms and was killed');
		const child = Number(readFileSync(pidFile, 'utf8'));
		expect(child).toBeGreaterThan(0);
		await waitFor(() => !isAlive(child), {message: `the check's background child ${child} to be gone`});
	});

	it('compiles Python files without writing bytecode, reporting each syntax error', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-pycheck-'));
		writeFileSync(path.join(dir, 'good.py'), 'x = 1\n');
		writeFileSync(path.join(dir, 'bad.py'), 'def f(:\n    pass\n');
		writeFileSync(path.join(dir, 'indent.py'), 'if True:\nx = 1\n');
		const check = (files: string[]) => runCheck({argv: pythonCheckArgs('python3', files), cwd: dir, env: process.env}).result;
		expect(await check(['good.py'])).toMatchObject({ok: true, output: []});
		const result = await check(['good.py', 'bad.py', 'indent.py', 'gone.py']);
		expect(result.ok).toBe(false);
		expect(result.output.filter(line => !line.startsWith(' '))).toEqual([
			expect.stringMatching(/^bad\.py:1:\d+: SyntaxError: /),
			expect.stringMatching(/^indent\.py:2:\d+: IndentationError: /),
		]);
		expect(readdirSync(dir).sort()).toEqual(['bad.py', 'good.py', 'indent.py']);
	});
});
