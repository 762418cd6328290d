// How real editors and tools save a file, each run as its own process, so the watcher sees the
// same sequence of file-system calls the tool makes: the real tool where it is installed (GNU sed,
// GIO's replace as gedit uses it, vim), and a line-by-line replica of the tool's own save code
// where it is not a command (JetBrains' safe write, emacs, atomic-write libraries, Qt's QSaveFile).
// Shared by the watcher tests and by the restart tests that need "a broken save by tool X".

import {execFile, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

/** Debian's Python: the replicas use only its standard library. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

const installed = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

// CI installs Debian's vim-tiny, which is vim.tiny (its 'writebackup' and 'backupcopy' are vim's).
const VIM = ['vim', 'vim.tiny'].find(installed);

export interface SaveShape {
	name: string;
	/** What it needs on PATH; the test is skipped (and says so) when it is missing. */
	needs: string;
	available: boolean;
	/** Replaces the whole content of `file` (absolute) the way the tool does. */
	save(file: string, content: string): Promise<void>;
	/** The temp names it writes beside `base`, for assertions and messages. */
	tempNames: string;
}

// The new content comes from a file outside the watched tree, for the tools that read one.
const withContentFile = async (content: string, use: (contentFile: string) => Promise<void>) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-content-'));
	const contentFile = path.join(dir, 'content');
	writeFileSync(contentFile, content);
	try {
		await use(contentFile);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
};

const python = async (file: string, content: string, code: string) => {
	await run(SYSTEM_PYTHON, ['-c', code, path.basename(file), content], {cwd: path.dirname(file)});
};

export const SAVE_SHAPES: readonly SaveShape[] = [
	{
		name: 'sed -i',
		needs: 'sed',
		available: installed('sed'),
		tempNames: 'sedXXXXXX, renamed over the target',
		// GNU sed: mkostemp("sedXXXXXX") beside the file, write, fchmod/fchown, rename over it.
		save: (file, content) =>
			withContentFile(content, async contentFile => {
				await run('sed', ['-i', '-e', `$r ${contentFile}`, '-e', 'd', path.basename(file)], {cwd: path.dirname(file)});
			}),
	},
	{
		name: 'gedit (GIO replace)',
		needs: 'gio',
		available: installed('gio'),
		tempNames: '.goutputstream-XXXXXX, renamed over the target',
		// gedit saves through GtkSourceFileSaver, which is g_file_replace: `gio save` runs the same code.
		save: async (file, content) => {
			const child = execFile('gio', ['save', path.basename(file)], {cwd: path.dirname(file)});
			const done = new Promise<void>((resolve, reject) => {
				child.on('error', reject);
				child.on('close', code => (code === 0 ? resolve() : reject(new Error(`gio save exited with ${code}`))));
			});
			child.stdin!.end(content);
			await done;
		},
	},
	{
		name: 'vim',
		needs: 'vim or vim.tiny',
		available: VIM !== undefined,
		tempNames: '4913 probe, .swp swap file, file~ backup (the original renamed aside)',
		// Vim's own defaults (no vimrc): swap file, 'writebackup', 'backupcopy' auto.
		save: (file, content) =>
			withContentFile(content, async contentFile => {
				await run(VIM!, ['-u', 'NONE', '-i', 'NONE', '-N', '-es', '-c', '%d', '-c', `0r ${contentFile}`, '-c', 'wq', path.basename(file)], {
					cwd: path.dirname(file),
				});
			}),
	},
	{
		name: 'JetBrains safe write (up to 2019.2)',
		needs: SYSTEM_PYTHON,
		available: installed(SYSTEM_PYTHON),
		tempNames: 'file___jb_tmp___ and file___jb_old___',
		// com.intellij.util.io.SafeFileOutputStream: write file___jb_tmp___, move the original to
		// file___jb_old___, move the temp file over it, copy the permissions, delete the old one.
		save: (file, content) =>
			python(
				file,
				content,
				`import os, sys
name, content = sys.argv[1], sys.argv[2]
tmp, old = name + '___jb_tmp___', name + '___jb_old___'
with open(tmp, 'w') as out:
    out.write(content)
if os.path.exists(old):
    os.unlink(old)
os.rename(name, old)
os.rename(tmp, name)
os.chmod(name, os.stat(old).st_mode & 0o7777)
os.unlink(old)`,
			),
	},
	{
		name: 'JetBrains safe write (2019.3 on)',
		needs: SYSTEM_PYTHON,
		available: installed(SYSTEM_PYTHON),
		tempNames: 'file~ backup copy',
		// The rewritten SafeFileOutputStream: copy the target to file~, write the target in place
		// (CREATE, TRUNCATE_EXISTING, SYNC), delete the backup.
		save: (file, content) =>
			python(
				file,
				content,
				`import os, shutil, sys
name, content = sys.argv[1], sys.argv[2]
shutil.copyfile(name, name + '~')
fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_SYNC)
os.write(fd, content.encode())
os.close(fd)
os.unlink(name + '~')`,
			),
	},
	{
		name: 'emacs (first save of a session)',
		needs: SYSTEM_PYTHON,
		available: installed(SYSTEM_PYTHON),
		tempNames: '.#file lock link, #file# auto-save, file~ backup (the original renamed aside)',
		// Emacs with its defaults: a lock link while the buffer is modified, an auto-save file, and on
		// the first save the original renamed to file~ (backup-by-copying nil) and a new file written.
		save: (file, content) =>
			python(
				file,
				content,
				`import os, sys
name, content = sys.argv[1], sys.argv[2]
os.symlink('user@host.4321:1700000000', '.#' + name)
with open('#' + name + '#', 'w') as out:
    out.write(content)
os.rename(name, name + '~')
with open(name, 'w') as out:
    out.write(content)
    out.flush()
    os.fsync(out.fileno())
os.unlink('#' + name + '#')
os.unlink('.#' + name)`,
			),
	},
	{
		name: "Python's tempfile and os.replace (atomicwrites)",
		needs: SYSTEM_PYTHON,
		available: installed(SYSTEM_PYTHON),
		tempNames: 'tmpXXXXXXXX, replaced over the target',
		// python-atomicwrites: mkstemp(dir=<the target's directory>), write, fsync, rename over.
		save: (file, content) =>
			python(
				file,
				content,
				`import os, sys, tempfile
name, content = sys.argv[1], sys.argv[2]
fd, tmp = tempfile.mkstemp(dir='.')
os.write(fd, content.encode())
os.fsync(fd)
os.close(fd)
os.replace(tmp, name)`,
			),
	},
	{
		name: 'write-file-atomic (npm)',
		needs: 'node',
		available: true,
		tempNames: 'file.<uint32 in decimal>, renamed over the target',
		// write-file-atomic: <file>.<murmurhash as a decimal uint32>, open, write, fsync, close, rename.
		save: async (file, content) => {
			await run(
				process.execPath,
				[
					'-e',
					`const fs = require('node:fs'); const [name, content] = process.argv.slice(1);
const tmp = name + '.' + require('node:crypto').randomBytes(4).readUInt32BE(0);
const fd = fs.openSync(tmp, 'w'); fs.writeSync(fd, content); fs.fsyncSync(fd); fs.closeSync(fd);
fs.renameSync(tmp, name);`,
					path.basename(file),
					content,
				],
				{cwd: path.dirname(file)},
			);
		},
	},
	{
		name: "kate (Qt's QSaveFile)",
		needs: SYSTEM_PYTHON,
		available: installed(SYSTEM_PYTHON),
		tempNames: 'file.XXXXXX, linked from an O_TMPFILE and renamed over the target',
		// QSaveFile on Linux: an unnamed O_TMPFILE in the directory, written and synced, then linked
		// as <file>.XXXXXX (six random letters) and renamed over the target. The letters are drawn
		// from a generator seeded with the content, so a run can be repeated; 1 draw in 32 has no
		// capital after its first letter, a name devtui's rule does not claim (see ignore-rules.ts).
		save: (file, content) =>
			python(
				file,
				content,
				`import os, random, string, sys
name, content = sys.argv[1], sys.argv[2]
fd = os.open('.', os.O_TMPFILE | os.O_RDWR, 0o600)
os.write(fd, content.encode())
os.fchmod(fd, os.stat(name).st_mode & 0o7777)
os.fsync(fd)
draw = random.Random(content)
tmp = name + '.' + ''.join(draw.choice(string.ascii_letters) for _ in range(6))
here = os.open('.', os.O_RDONLY)
# linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd, as Qt does (CPython uses linkat when given a dir fd).
os.link('/proc/self/fd/%d' % fd, tmp, src_dir_fd=here, follow_symlinks=True)
os.rename(tmp, name)
os.close(fd)`,
			),
	},
];
