// How far apart are the file events of ONE logical save? devtui closes a batch after `debounceMs`
// of quiet, so the default must sit above the largest gap inside a save, or one save becomes two
// restarts. This replays real save styles against devtui's own directory watcher (the built
// dist/src/watcher/tree-source.js, with devtui's default ignore rules, as `devtui -w <dir>` runs it)
// and prints, per style, the largest gap between consecutive counted events of one save.
//
//   npm run build && node bench/save-patterns.mjs [--reps 30] [--json]
//
// Plain ESM JavaScript importing the build, so it runs without a TypeScript loader.

import {execFileSync, spawn} from 'node:child_process';
import {closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/watcher');
if (!existsSync(path.join(dist, 'tree-source.js'))) {
	console.error('save-patterns: devtui is not built: run `npm run build` first');
	process.exit(2);
}
const {createTreeSource} = await import(pathToFileURL(path.join(dist, 'tree-source.js')).href);
const {createIgnoreRules, isGitignoreFile} = await import(pathToFileURL(path.join(dist, 'ignore-rules.js')).href);

const {values: args} = parseArgs({options: {reps: {type: 'string', default: '30'}, json: {type: 'boolean', default: false}}});
const REPS = Number(args.reps);
// Far longer than any gap inside one save (the watcher stats a renamed entry before it reports
// it), so every event of a save is in before the next repetition starts.
const QUIET_MS = 400;
const FIRST_EVENT_TIMEOUT_MS = 3000;

const dir = mkdtempSync(path.join(os.tmpdir(), 'devtui-bench-'));
process.on('exit', () => rmSync(dir, {recursive: true, force: true}));
process.on('uncaughtException', error => {
	console.error(`save-patterns: ${String(error?.message ?? error).split('\n')[0]}`);
	process.exit(1);
});
const at = file => path.join(dir, file);
const content = rep => `// revision ${rep}\n${'export const value = 42;\n'.repeat(80)}`;
const syncWrite = (file, text) => {
	const fd = openSync(file, 'w');
	writeSync(fd, text);
	fsyncSync(fd); // Editors fsync; it is part of the time a save takes.
	closeSync(fd);
};
const git = (...gitArgs) => execFileSync('git', gitArgs, {cwd: dir, stdio: 'pipe'});
const hasGit = (() => {
	try {
		execFileSync('git', ['--version'], {stdio: 'pipe'});
		return true;
	} catch {
		return false;
	}
})();

mkdirSync(at('src'), {recursive: true});
for (let index = 0; index < 50; index++) writeFileSync(at(`src/m${index}.ts`), content(0));

const GIT_FILES = Array.from({length: 50}, (_, index) => `src/m${index}.ts`);
if (hasGit) {
	git('init', '-q', '-b', 'one');
	git('config', 'user.email', 'bench@example.invalid');
	git('config', 'user.name', 'bench');
	git('add', '-A');
	git('commit', '-qm', 'one');
	git('checkout', '-qb', 'two');
	for (const file of GIT_FILES) writeFileSync(at(file), content(1));
	git('commit', '-qam', 'two');
	// Branch three: 40 modified, 5 removed and 5 new files, so removals mix with changes.
	git('checkout', '-qb', 'three', 'one');
	for (const file of GIT_FILES.slice(0, 40)) writeFileSync(at(file), content(3));
	for (const file of GIT_FILES.slice(40, 45)) unlinkSync(at(file));
	for (let index = 0; index < 5; index++) writeFileSync(at(`src/new${index}.ts`), content(3));
	git('add', '-A');
	git('commit', '-qm', 'three');
	git('checkout', '-q', 'one');
}
// The editor styles save files git does not track, so checkouts never conflict with them.
mkdirSync(at('edit'), {recursive: true});
for (let index = 0; index < 10; index++) writeFileSync(at(`edit/e${index}.ts`), content(0));

const runChild = (code, file) =>
	new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['-e', code, file], {stdio: 'ignore'});
		child.on('error', reject);
		child.on('exit', resolve);
	});

const scenarios = [
	{name: 'in-place write', run: rep => syncWrite(at('edit/e0.ts'), content(rep))},
	{
		name: 'vim (4913 probe, backup by rename)',
		run: rep => {
			syncWrite(at('edit/4913'), '');
			unlinkSync(at('edit/4913'));
			renameSync(at('edit/e1.ts'), at('edit/e1.ts~'));
			syncWrite(at('edit/e1.ts'), content(rep));
			unlinkSync(at('edit/e1.ts~'));
		},
	},
	{
		name: 'JetBrains safe write',
		run: rep => {
			syncWrite(at('edit/e2.ts___jb_tmp___'), content(rep));
			renameSync(at('edit/e2.ts'), at('edit/e2.ts___jb_old___'));
			renameSync(at('edit/e2.ts___jb_tmp___'), at('edit/e2.ts'));
			unlinkSync(at('edit/e2.ts___jb_old___'));
		},
	},
	{
		name: 'VS Code "save all" (10 files)',
		run: rep => Promise.all(Array.from({length: 10}, (_, index) => writeFile(at(`edit/e${index}.ts`), content(rep)))),
	},
	{
		// An editor save, then a formatter run as its own process rewrites the file (format on save
		// through an external tool, a pre-save hook, `eslint --fix` in a watch task).
		name: 'save, then formatter process rewrites',
		run: async rep => {
			syncWrite(at('edit/e3.ts'), content(rep));
			await runChild("require('fs').writeFileSync(process.argv[1], require('fs').readFileSync(process.argv[1], 'utf8') + '\\n')", at('edit/e3.ts'));
		},
	},
	{
		name: 'file written twice back to back',
		run: rep => {
			syncWrite(at('edit/e4.ts'), content(rep));
			syncWrite(at('edit/e4.ts'), `${content(rep)}\n`);
		},
	},
	...(hasGit
		? [
				// Each repetition switches away from branch one and back, one checkout per save.
				{name: 'git checkout, 50 files changed', setup: () => git('checkout', '-q', 'one'), run: rep => git('checkout', '-q', rep % 2 === 1 ? 'two' : 'one')},
				{
					name: 'git checkout, 40 changed 5 added 5 removed',
					setup: () => git('checkout', '-q', 'one'),
					run: rep => git('checkout', '-q', rep % 2 === 1 ? 'three' : 'one'),
				},
			]
		: []),
];

// The directory watcher with devtui's default ignores (editor temp files, .git, 4913, ...), fed
// as src/watcher/watch-files.ts feeds it; no --ext, so every file that is not ignored counts.
const events = [];
const rules = createIgnoreRules({cwd: dir, roots: [dir], ignore: [], stateFile: path.join(dir, '.devtui/restart_state.json')});
const watcher = createTreeSource({
	roots: [dir],
	ignored: (file, isDirectory) => rules.isIgnored(file, isDirectory ?? false),
	record(file, kind) {
		if (isGitignoreFile(file) || rules.isIgnored(file, false)) return;
		events.push({t: performance.now(), event: kind, file});
	},
	addedDir: file => events.push({t: performance.now(), event: 'addedDir', file}),
	removedDir: () => undefined,
	onError: error => console.error(`save-patterns: watcher: ${error?.message ?? error}`),
	changedSince: undefined,
});
await watcher.ready;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const waitForQuiet = async startedAt => {
	while (events.length === 0 && performance.now() - startedAt < FIRST_EVENT_TIMEOUT_MS) await sleep(5);
	for (;;) {
		const last = events.at(-1)?.t ?? startedAt;
		if (performance.now() - last >= QUIET_MS) return;
		await sleep(10);
	}
};

const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

const results = [];
for (const scenario of scenarios) {
	const gaps = [];
	const spreads = [];
	const latencies = [];
	const counts = [];
	let missed = 0;
	if (scenario.setup) {
		const startedAt = performance.now();
		scenario.setup();
		await waitForQuiet(startedAt);
	}
	for (let rep = 1; rep <= REPS; rep++) {
		events.length = 0;
		const startedAt = performance.now();
		await scenario.run(rep);
		await waitForQuiet(startedAt);
		if (events.length === 0) {
			missed++;
			continue;
		}
		const times = events.map(event => event.t);
		gaps.push(Math.max(0, ...times.slice(1).map((t, index) => t - times[index])));
		spreads.push(times.at(-1) - times[0]);
		latencies.push(times[0] - startedAt);
		counts.push(events.length);
	}
	results.push({
		scenario: scenario.name,
		eventsPerSave: percentile(counts, 50),
		gapMedian: percentile(gaps, 50),
		gapP90: percentile(gaps, 90),
		gapMax: Math.max(0, ...gaps),
		spreadP90: percentile(spreads, 90),
		firstEventMedian: percentile(latencies, 50),
		missed,
	});
}

await watcher.close();

const machine = {nproc: os.availableParallelism(), kernel: os.release(), node: process.version, date: new Date().toISOString().slice(0, 10), reps: REPS, watcher: 'devtui directory watcher (dist/src/watcher/tree-source.js)'};
if (args.json) {
	console.log(JSON.stringify({machine, results}, null, 2));
} else {
	const ms = value => `${value.toFixed(1)}`;
	console.log(`nproc ${machine.nproc}, kernel ${machine.kernel}, node ${machine.node}, ${machine.date}, ${REPS} saves per style`);
	console.log('');
	console.log('| save style | events/save | largest gap: median | p90 | max | spread p90 | first event (median) | saves with no event |');
	console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
	for (const r of results) {
		console.log(`| ${r.scenario} | ${r.eventsPerSave} | ${ms(r.gapMedian)} | ${ms(r.gapP90)} | ${ms(r.gapMax)} | ${ms(r.spreadP90)} | ${ms(r.firstEventMedian)} | ${r.missed} |`);
	}
	console.log('');
	console.log('All times in ms, from devtui\'s directory watcher. "largest gap": between consecutive counted events (a file added, changed or removed that devtui does not ignore) of one save.');
}
