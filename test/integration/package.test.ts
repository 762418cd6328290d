// The path a user takes: the packed tarball installed into an empty project, then `npx devtui`.

import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/run-cli.js';
import {waitFor} from '../helpers/wait-for.js';
import {isAlive, pidsIn} from '../helpers/process-alive.js';

const npm = (args: string[], cwd: string) =>
	execFileSync('npm', args, {cwd, encoding: 'utf8', env: {...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false'}});

let work: string;
let tarball: string;
let packedFiles: string[];
let installOutput: string;

beforeAll(() => {
	work = mkdtempSync(path.join(os.tmpdir(), 'devtui-pack-'));
	// The build already ran (npm test builds first), so skip the prepack script here.
	const [info] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot)) as Array<{
		filename: string;
		files: Array<{path: string}>;
	}>;
	tarball = path.join(work, info!.filename);
	packedFiles = info!.files.map(file => file.path);
	const project = path.join(work, 'project');
	execFileSync('mkdir', ['-p', project]);
	writeFileSync(path.join(project, 'package.json'), JSON.stringify({name: 'someone-elses-app', version: '1.0.0', private: true}));
	const install = spawnSync('npm', ['install', '--prefer-offline', '--no-package-lock', tarball], {
		cwd: project,
		encoding: 'utf8',
		env: {...process.env, npm_config_fund: 'false', npm_config_audit: 'false'},
	});
	if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr}`);
	installOutput = `${install.stdout}\n${install.stderr}`;
}, 240_000);

afterAll(() => {
	rmSync(work, {recursive: true, force: true});
});

describe('the packed tarball', () => {
	it('carries the built CLI, the clients and the docs, and nothing for development', () => {
		expect(packedFiles).toContain('dist/src/cli.js');
		expect(packedFiles).toContain('package.json');
		expect(packedFiles).toContain('README.md');
		const forbidden = packedFiles.filter(file => /^(test|bench|\.ci|examples|screenshots)\/|\.tsx?$|tsconfig|vitest/.test(file) && !file.endsWith('.d.ts'));
		expect(forbidden).toEqual([]);
	});

	it('runs no script of its own when installed (the build happens in prepack), so npm has nothing to warn about', () => {
		const manifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], {encoding: 'utf8'})) as {scripts?: Record<string, string>};
		const installTime = ['preinstall', 'install', 'postinstall', 'prepare'].filter(name => manifest.scripts?.[name] !== undefined);
		expect(installTime).toEqual([]);
		expect(manifest.scripts?.prepack).toBeDefined();
		expect(installOutput).not.toMatch(/install-scripts|prepare/);
	});

	it('installs into an empty project where `npx devtui --version` works', () => {
		const project = path.join(work, 'project');
		const version = execFileSync('npx', ['--no-install', 'devtui', '--version'], {cwd: project, encoding: 'utf8'}).trim();
		expect(version).toMatch(/^\d+\.\d+\.\d+/);
		expect(readdirSync(path.join(project, 'node_modules/devtui/dist/src'))).toContain('cli.js');
	});

	it('ships both clients: `devtui/client` imports, and a supervised Python app imports devtui_client', async () => {
		const project = path.join(work, 'project');
		expect(packedFiles).toContain('src/client/python/devtui_client.py');
		const kind = execFileSync(process.execPath, ['--input-type=module', '-e', "import('devtui/client').then(m => console.log(typeof m.ready, typeof m.onShutdown))"], {
			cwd: project,
			encoding: 'utf8',
		}).trim();
		expect(kind).toBe('function function');
		writeFileSync(path.join(project, 'app.py'), 'import devtui_client\nprint("CLIENT", devtui_client.__version__, flush=True)\nimport time\ntime.sleep(60)\n');
		const child = spawn(path.join(project, 'node_modules/.bin/devtui'), ['--no-tui', '--', 'python3', 'app.py'], {cwd: project, stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		child.stdout.on('data', chunk => (out += chunk));
		child.stderr.on('data', chunk => (out += chunk));
		const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
		await waitFor(() => /CLIENT \d+\.\d+/.test(out), {message: () => `the client to import; output: ${out}`});
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});

	it('supervises and restarts an app there, headless, and quits cleanly on SIGTERM', async () => {
		const project = path.join(work, 'project');
		writeFileSync(
			path.join(project, 'app.mjs'),
			"console.log(`READY pid=${process.pid} restart=${process.env.DEVTUI_RESTART}`); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));\n",
		);
		const child = spawn(path.join(project, 'node_modules/.bin/devtui'), ['--no-tui', '--', 'node', 'app.mjs'], {
			cwd: project,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		child.stdout.on('data', chunk => (out += chunk));
		child.stderr.on('data', chunk => (out += chunk));
		const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
		await waitFor(() => out.includes('restart=0'), {message: () => `first start; output: ${out}`});
		await waitFor(() => out.includes('watching'), {message: () => `watcher ready; output: ${out}`});
		writeFileSync(path.join(project, 'app.mjs'), `${'// edited\n'}${'console.log(`READY pid=${process.pid} restart=${process.env.DEVTUI_RESTART}`); setInterval(() => {}, 1000); process.on(\'SIGTERM\', () => process.exit(0));\n'}`);
		await waitFor(() => out.includes('restart=1'), {message: () => `restart; output: ${out}`});
		const pids = pidsIn(out.split('\n').filter(line => line.startsWith('READY')).join(' '));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(pids.filter(pid => isAlive(pid))).toEqual([]);
	});

	it('ships the warm hook and launcher: --warm restarts node and python apps from the installed package', async () => {
		const project = path.join(work, 'project');
		for (const asset of ['warm-hook.cjs', 'warm-hook.mjs', 'warm_launcher.py']) expect(packedFiles).toContain(`src/warm/assets/${asset}`);
		for (const [file, command, source] of [
			['warm.mjs', 'node', "console.log(`WARM pid=${process.pid} restart=${process.env.DEVTUI_RESTART}`); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));\n"],
			['warm.py', 'python3', "import os, time\nprint('WARM pid=%d restart=%s' % (os.getpid(), os.environ['DEVTUI_RESTART']), flush=True)\ntime.sleep(60)\n"],
		] as const) {
			writeFileSync(path.join(project, file), source);
			const child = spawn(path.join(project, 'node_modules/.bin/devtui'), ['--no-tui', '--warm', '-w', file, '--', command, file], {cwd: project, stdio: ['ignore', 'pipe', 'pipe']});
			let out = '';
			child.stdout.on('data', chunk => (out += chunk));
			child.stderr.on('data', chunk => (out += chunk));
			const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
			await waitFor(() => out.includes('restart=0') && out.includes('watching'), {message: () => `first start; output: ${out}`});
			// These apps give no sign of readiness: the next interpreter is parked 2 s after the start.
			await new Promise(resolve => setTimeout(resolve, 2500));
			writeFileSync(path.join(project, file), `${source}\n`);
			await waitFor(() => out.includes('restart=1'), {message: () => `restart; output: ${out}`});
			const pid = Number(/restart #1: started pid (\d+)/.exec(out)?.[1]);
			// The instance runs through the installed package's own hook or launcher.
			expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toMatch(/node_modules\/devtui\/src\/warm\/assets\/warm[-_](hook\.mjs|launcher\.py)/);
			expect(out).not.toMatch(/--warm does nothing|--warm: /);
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
	});
});
