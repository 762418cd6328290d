// Reading the interpreter out of a script's first lines, in the forms installers really write
// (test/integration/find-python.test.ts runs such scripts to check the answers against the shell).

import {describe, expect, it} from 'vitest';
import {isPythonName, shebangTarget} from '../../src/check/find-python.js';

const TRAMPOLINE_END = `\n' '''\n# -*- coding: utf-8 -*-\nimport sys\n`;

describe('the interpreter a shebang names', () => {
	it('takes a direct interpreter path, with or without options', () => {
		expect(shebangTarget('#!/usr/bin/python3\nimport re\n')).toEqual({kind: 'path', path: '/usr/bin/python3'});
		expect(shebangTarget('#! /srv/app/.venv/bin/python -I\r\nimport re\r\n')).toEqual({kind: 'path', path: '/srv/app/.venv/bin/python'});
		expect(shebangTarget('#!/opt/pypy/bin/pypy3\n')).toEqual({kind: 'path', path: '/opt/pypy/bin/pypy3'});
		expect(shebangTarget('#!/usr/bin/python3.13t')).toEqual({kind: 'path', path: '/usr/bin/python3.13t'});
	});

	it('takes the name env(1) looks up, past its options and assignments', () => {
		expect(shebangTarget('#!/usr/bin/env python3.12\n')).toEqual({kind: 'name', name: 'python3.12'});
		expect(shebangTarget('#!/usr/bin/env -S python3 -X dev\n')).toEqual({kind: 'name', name: 'python3'});
		expect(shebangTarget('#!/usr/bin/env -u PYTHONPATH LANG=C python\n')).toEqual({kind: 'name', name: 'python'});
	});

	it("reads pip's, conda's and uv's shell trampoline for long or spaced paths", () => {
		// distlib (pip) for a path longer than 127 bytes: unquoted.
		const long = `/home/me/${'deep/'.repeat(30)}.venv/bin/python`;
		expect(shebangTarget(`#!/bin/sh\n'''exec' ${long} "$0" "$@"${TRAMPOLINE_END}`)).toEqual({kind: 'path', path: long});
		// conda and distlib's quoting for spaces, uv's shlex quoting, options before "$0".
		expect(shebangTarget(`#!/bin/sh\n'''exec' "/home/me/my app/.venv/bin/python" "$0" "$@" #'''\n`)).toEqual({kind: 'path', path: '/home/me/my app/.venv/bin/python'});
		expect(shebangTarget(`#!/bin/sh\n'''exec' '/home/me/my app/.venv/bin/python3' -I "$0" "$@"${TRAMPOLINE_END}`)).toEqual({
			kind: 'path',
			path: '/home/me/my app/.venv/bin/python3',
		});
		expect(shebangTarget(`#!/bin/sh\n'''exec' /usr/bin/env "python3" "$0" "$@"${TRAMPOLINE_END}`)).toEqual({kind: 'name', name: 'python3'});
	});

	it('reads trampolines that run an interpreter beside the script', () => {
		expect(shebangTarget(`#!/bin/sh\n'''exec' "$(dirname -- "$(realpath -- "$0")")"/'python' "$0" "$@"${TRAMPOLINE_END}`)).toEqual({
			kind: 'beside-script',
			name: 'python',
			realpath: true,
		});
		expect(shebangTarget(`#!/bin/sh\n'''exec' "$(dirname "$0")/python3.10" "$0" "$@" # '''\n`)).toEqual({kind: 'beside-script', name: 'python3.10', realpath: false});
		expect(shebangTarget(`#!/bin/sh\n'''exec' "\${0%/*}/python3.12" "$0" "$@"${TRAMPOLINE_END}`)).toEqual({kind: 'beside-script', name: 'python3.12', realpath: false});
	});

	it('names nothing for scripts that do not run Python', () => {
		expect(shebangTarget('#!/usr/bin/env node\nconsole.log(1)\n')).toBeUndefined();
		expect(shebangTarget('#!/bin/sh\nexec node "$0"\n')).toBeUndefined();
		expect(shebangTarget(`#!/bin/sh\n'''exec' /usr/bin/ruby "$0" "$@"${TRAMPOLINE_END}`)).toBeUndefined();
		expect(shebangTarget(`#!/bin/sh\n'''exec' "$PYTHON" "$0" "$@"${TRAMPOLINE_END}`)).toBeUndefined();
		expect(shebangTarget('\u007fELF\u0002\u0001\u0001')).toBeUndefined();
		expect(shebangTarget('')).toBeUndefined();
		expect(shebangTarget('#!\n')).toBeUndefined();
		expect(shebangTarget('#!/usr/bin/env\n')).toBeUndefined();
		expect(isPythonName('/usr/bin/python3.11')).toBe(true);
		expect(isPythonName('/usr/bin/python3-config')).toBe(false);
		expect(isPythonName('pythonista')).toBe(false);
	});
});
