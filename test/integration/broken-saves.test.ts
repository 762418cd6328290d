// A broken save never stops the old app, whatever wrote it. Each real way of saving a file (in
// place, in place with a pause after the truncation, an atomic rename, sed -i, gedit's GIO replace,
// vim's backup-and-write, JetBrains' safe write) saves a syntax error ten times into a running
// Python app under the default Python check: the same instance must answer every time, and a fix
// then restarts it. The built CLI, a real interpreter, real file events.

import {execFileSync} from 'node:child_process';
import {closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync, ftruncateSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanupRuns, startJson, tempDir} from '../fixtures/apps/proto-json-run.js';
import {waitFor} from '../helpers/wait-for.js';

afterEach(cleanupRuns);

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const APP = `import os, signal, sys, time
import mod
print("READY pid=%d restart=%s v=%s" % (os.getpid(), os.environ["DEVTUI_RESTART"], mod.V), flush=True)
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
while True:
    time.sleep(1)
`;

type Save = (file: string, text: string) => void | Promise<void>;

const saves: Record<string, Save> = {
	'in place': (file, text) => writeFileSync(file, text),
	'in place, pausing between truncate and write': async (file, text) => {
		const fd = openSync(file, 'r+');
		ftruncateSync(fd, 0);
		await sleep(15);
		writeSync(fd, text);
		closeSync(fd);
	},
	'atomic rename (write-file-atomic style)': (file, text) => {
		const temp = `${file}.${process.pid}.tmp`;
		writeFileSync(temp, text);
		renameSync(temp, file);
	},
	'sed -i': (file, text) => {
		// sed writes sedXXXXXX beside the file and renames it over the file.
		execFileSync('sed', ['-i', `1s/.*/${text.trim().replaceAll('/', String.raw`\/`)}/`, file]);
	},
	gedit: (file, text) => {
		const temp = path.join(path.dirname(file), `.goutputstream-${Math.random().toString(36).slice(2, 8).toUpperCase()}`);
		writeFileSync(temp, text);
		renameSync(temp, file);
	},
	vim: (file, text) => {
		const dir = path.dirname(file);
		writeFileSync(path.join(dir, '4913'), '');
		rmSync(path.join(dir, '4913'));
		renameSync(file, `${file}~`);
		writeFileSync(file, text);
		rmSync(`${file}~`);
	},
	JetBrains: (file, text) => {
		writeFileSync(`${file}___jb_tmp___`, text);
		renameSync(file, `${file}___jb_old___`);
		renameSync(`${file}___jb_tmp___`, file);
		rmSync(`${file}___jb_old___`);
	},
};

describe('a broken save never stops the old app (Python check on)', () => {
	for (const [style, save] of Object.entries(saves)) {
		it(`${style}: 10 broken saves keep the old app; the fix restarts it`, async () => {
			const cwd = tempDir('devtui-broken-');
			writeFileSync(path.join(cwd, 'app.py'), APP);
			writeFileSync(path.join(cwd, 'mod.py'), 'V = 0\n');
			const run = startJson(['--', '/usr/bin/python3', 'app.py'], {cwd});
			await run.waitForEvent('watch/ready');
			const first = await run.waitForOutput(/READY .*restart=0/);
			for (let attempt = 1; attempt <= 10; attempt++) {
				await save(path.join(cwd, 'mod.py'), `V = (${attempt}\n`);
				await waitFor(() => run.of('check/failed').length >= attempt, {timeout: 10_000, message: () => `check/failed #${attempt}`});
				// Past the burst window, so the next save is a save of its own.
				await sleep(220);
			}
			expect(run.of('run/stop-requested')).toEqual([]);
			expect(run.of('check/failed').every(event => event.appStopped === undefined)).toBe(true);
			expect(run.of('run/spawned')).toHaveLength(1);
			await save(path.join(cwd, 'mod.py'), 'V = 11\n');
			await run.waitForOutput(/READY .*restart=1 v=11/);
			expect(first).toContain('restart=0');
		}, 30_000);
	}
});
