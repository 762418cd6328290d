import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {needsCheck, planChecks, shellQuote} from '../../src/check/plan-checks.js';
import {formatCheckEvent} from '../../src/headless/format-check.js';

describe('planning the checks', () => {
	it('puts the changed files into {files}, quoted so the shell passes each as one argument', () => {
		const [check] = planChecks({command: 'printf "<%s>" {files}', python: undefined}, [
			{path: "it's a file.txt", kind: 'changed'},
			{path: 'plain.js', kind: 'added'},
			{path: 'gone.js', kind: 'removed'},
		]);
		// The real shell is the judge of the quoting.
		expect(execFileSync(check!.argv[0]!, check!.argv.slice(1), {encoding: 'utf8'})).toBe("<it's a file.txt><plain.js>");
		expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
	});

	it('needs a check for any change with --check, and for .py changes with the Python check', () => {
		expect(needsCheck({command: 'x', python: undefined}, ['a.css'])).toBe(true);
		expect(needsCheck({command: undefined, python: 'python3'}, ['a.css'])).toBe(false);
		expect(needsCheck({command: undefined, python: 'python3'}, ['a.css', 'b.py'])).toBe(true);
		expect(needsCheck({command: undefined, python: undefined}, ['b.py'])).toBe(false);
		// Only removed .py files: nothing to compile.
		expect(planChecks({command: undefined, python: 'python3'}, [{path: 'b.py', kind: 'removed'}])).toEqual([]);
	});
});

describe('headless check lines', () => {
	it('says what is checked, how it went, and shows a failure with its output', () => {
		const at = 0;
		expect(formatCheckEvent({type: 'check/started', at, checks: ['python compile', 'mypy .'], files: [{path: 'app.py', kind: 'changed'}]})).toBe(
			'checking app.py before the restart: python compile, mypy .',
		);
		expect(formatCheckEvent({type: 'check/passed', at, durationMs: 85})).toBe('checks passed in 85 ms');
		expect(formatCheckEvent({type: 'check/cancelled', at, reason: 'newer change'})).toBe('check cancelled (newer change)');
		const failure = {check: 'python compile', exitCode: 1, signal: null, output: ['app.py:3:9: SyntaxError: invalid syntax', '    x = = 1'], blamed: ['app.py']};
		expect(formatCheckEvent({type: 'check/failed', at, durationMs: 40, failure, files: []}).split('\n')).toEqual([
			'check failed: python compile (exit code 1, 40 ms), in app.py; the running app keeps serving until a change passes',
			'    app.py:3:9: SyntaxError: invalid syntax',
			'        x = = 1',
		]);
		expect(formatCheckEvent({type: 'check/failed', at, durationMs: 40, failure: {...failure, output: [], blamed: []}, files: [], appStopped: true})).toBe(
			'check failed: python compile (exit code 1, 40 ms); the app stays stopped until a change passes',
		);
		// The Python check names the interpreter that judged the code, with its version when known.
		const python = {...failure, output: [], interpreter: '/usr/bin/python3'};
		expect(formatCheckEvent({type: 'check/failed', at, durationMs: 12, failure: python, files: []})).toBe(
			'check failed: python compile with /usr/bin/python3 (exit code 1, 12 ms), in app.py; the running app keeps serving until a change passes',
		);
		expect(formatCheckEvent({type: 'check/failed', at, durationMs: 12, failure: {...python, interpreterVersion: '3.11.2'}, files: []})).toBe(
			'check failed: python compile with Python 3.11.2 at /usr/bin/python3 (exit code 1, 12 ms), in app.py; the running app keeps serving until a change passes',
		);
	});
});
