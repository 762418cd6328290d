// The direction of the layers, as a test rather than a hope: the core (process lifecycle, watcher,
// protocol, state, checks) knows nothing of the views; the store knows nothing of Ink; components
// take only types from the core; the client shipped into users' apps takes only the wire format.
// Every import in src/ and components/ is read and checked against the table below.

import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {repoRoot} from '../helpers/run-cli.js';

const CORE = ['src/ctl', 'src/stack', 'src/supervisor', 'src/watcher', 'src/protocol', 'src/state', 'src/listen', 'src/check', 'src/readiness', 'src/timeline', 'src/session', 'src/frameworks', 'src/notify', 'src/warm'];
const VIEWS = ['src/headless', 'src/store', 'src/hooks', 'src/tui', 'src/keymap.ts', 'components'];
const UI_PACKAGES = ['react', 'ink', 'ink-testing-library', 'pino-pretty'];

interface Import {
	from: string;
	/** Repository-relative path for a relative import, the package name otherwise. */
	target: string;
	typeOnly: boolean;
	line: number;
}

const sourceFiles = (dir: string): string[] =>
	readdirSync(path.join(repoRoot, dir), {withFileTypes: true}).flatMap(entry => {
		const relative = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return sourceFiles(relative);
		return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
	});

const importsOf = (file: string): Import[] => {
	const text = readFileSync(path.join(repoRoot, file), 'utf8');
	const found: Import[] = [];
	const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
	for (const match of text.matchAll(pattern)) {
		const specifier = match[3] ?? match[4]!;
		const line = text.slice(0, match.index).split('\n').length;
		const target = specifier.startsWith('.')
			? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '')
			: specifier.replace(/^node:/, 'node:').split('/')[0]!.startsWith('@')
				? specifier.split('/').slice(0, 2).join('/')
				: specifier.split('/')[0]!;
		found.push({from: file, target, typeOnly: match[2] !== undefined, line});
	}
	return found;
};

const within = (file: string, areas: readonly string[]) => {
	const target = file.replace(/\.tsx?$/, '');
	return areas.some(area => target === area.replace(/\.tsx?$/, '') || target.startsWith(`${area}/`));
};

const everyImport = [...sourceFiles('src'), ...sourceFiles('components')].flatMap(importsOf);
const show = (imports: Import[]) => imports.map(entry => `${entry.from}:${entry.line} -> ${entry.target}${entry.typeOnly ? ' (type)' : ''}`);

describe('layer boundaries', () => {
	it('reads the imports (the table below checks something real)', () => {
		expect(everyImport.length).toBeGreaterThan(300);
		expect(everyImport.some(entry => entry.from === 'src/session/create-session.ts' && entry.target === 'src/supervisor/supervisor')).toBe(true);
	});

	it('the core imports no view, no CLI and no UI package', () => {
		const wrong = everyImport.filter(
			entry =>
				within(entry.from, CORE) &&
				(within(entry.target, VIEWS) || within(entry.target, ['src/cli', 'src/cli.ts']) || UI_PACKAGES.includes(entry.target)),
		);
		expect(show(wrong)).toEqual([]);
	});

	it('the client shipped into apps imports only node built-ins and the wire format', () => {
		const wire = ['src/protocol/messages', 'src/protocol/ndjson-lines', 'src/protocol/parse-message', 'src/supervisor/events'];
		const wrong = everyImport.filter(
			entry =>
				within(entry.from, ['src/client']) &&
				!entry.target.startsWith('node:') &&
				!within(entry.target, ['src/client']) &&
				!wire.includes(entry.target),
		);
		expect(show(wrong)).toEqual([]);
	});

	it('the wire format the client carries into apps imports nothing but itself and the event vocabulary', () => {
		const wire = ['src/protocol/messages', 'src/protocol/ndjson-lines', 'src/protocol/parse-message'];
		const wrong = everyImport.filter(
			entry => wire.includes(entry.from.replace(/\.ts$/, '')) && !entry.target.startsWith('node:') && !wire.includes(entry.target) && entry.target !== 'src/supervisor/events',
		);
		expect(show(wrong)).toEqual([]);
	});

	it('the event vocabulary imports nothing at run time', () => {
		const wrong = everyImport.filter(entry => entry.from === 'src/supervisor/events.ts' && !entry.typeOnly);
		expect(show(wrong)).toEqual([]);
	});

	it('the store knows nothing of Ink, React, hooks or components', () => {
		const wrong = everyImport.filter(
			entry => within(entry.from, ['src/store']) && (UI_PACKAGES.filter(name => name !== 'pino-pretty').includes(entry.target) || within(entry.target, ['src/hooks', 'src/tui', 'components'])),
		);
		expect(show(wrong)).toEqual([]);
	});

	it('components take only types from the core, and never reach the session or the CLI', () => {
		const wrong = everyImport.filter(
			entry => within(entry.from, ['components']) && ((within(entry.target, CORE) && !entry.typeOnly) || within(entry.target, ['src/session', 'src/cli', 'src/cli.ts'])),
		);
		expect(show(wrong)).toEqual([]);
	});

	it('headless output knows nothing of the dashboard', () => {
		const wrong = everyImport.filter(
			entry => within(entry.from, ['src/headless']) && (within(entry.target, ['src/store', 'src/hooks', 'src/tui', 'components']) || UI_PACKAGES.includes(entry.target)),
		);
		expect(show(wrong)).toEqual([]);
	});

	it('only the composition root imports the CLI layer', () => {
		const wrong = everyImport.filter(entry => within(entry.target, ['src/cli']) && !within(entry.from, ['src/cli', 'src/cli.ts']));
		expect(show(wrong)).toEqual([]);
	});
});
