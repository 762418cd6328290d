// Reads devtui's config from the working directory: devtui.config.json, then the "devtui" key of
// package.json. Only reading and JSON syntax live here; resolve-options checks the keys and values.

import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {ConfigSource} from './resolve-options.js';
import {UsageError} from '../usage-error.js';

export const CONFIG_FILE = 'devtui.config.json';

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`);

const describeFsError = (error: NodeJS.ErrnoException, name: string): string => {
	if (error.code === 'EACCES' || error.code === 'EPERM') return `permission denied (make it readable, e.g. chmod 644 ${name})`;
	if (error.code === 'EISDIR') return 'it is a directory, not a file';
	return error.message;
};

/** The file's text, or undefined when there is no such file. */
const readText = async (cwd: string, name: string): Promise<string | undefined> => {
	try {
		return await readFile(path.join(cwd, name), 'utf8');
	} catch (error) {
		const fsError = error as NodeJS.ErrnoException;
		if (fsError.code === 'ENOENT') return undefined;
		throw new UsageError(`cannot read ${name}: ${describeFsError(fsError, name)}`);
	}
};

/**
 * Where `text` stops being JSON. V8 names a position for some syntax errors and not for others
 * ("Unexpected token"), so devtui finds it itself to point the user at a line.
 */
export const jsonErrorOffset = (text: string): number | undefined => {
	let index = 0;
	const fail = (): never => {
		throw new RangeError(String(index));
	};
	const space = () => {
		while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
	};
	const expect = (char: string) => (text[index] === char ? index++ : fail());
	const string = () => {
		expect('"');
		while (text[index] !== '"') {
			if (index >= text.length || text.charCodeAt(index) < 0x20) fail();
			if (text[index] === '\\') {
				index++;
				if (text[index] === 'u' && /^[\da-fA-F]{4}$/.test(text.slice(index + 1, index + 5))) index += 4;
				else if (!'"\\/bfnrt'.includes(text[index] ?? 'x')) fail();
			}
			index++;
		}
		index++;
	};
	const items = (close: string, item: () => void) => {
		index++;
		space();
		if (text[index] === close) return index++;
		for (;;) {
			item();
			space();
			if (text[index] !== ',') return expect(close);
			index++;
		}
	};
	const value = (): void => {
		space();
		const rest = text.slice(index);
		const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(rest)?.[0];
		if (literal) index += literal.length;
		else if (rest.startsWith('"')) string();
		else if (rest.startsWith('[')) items(']', value);
		else if (rest.startsWith('{')) {
			items('}', () => {
				space();
				string();
				space();
				expect(':');
				value();
			});
		} else fail();
	};
	try {
		value();
		space();
		return index < text.length ? index : undefined;
	} catch (error) {
		if (error instanceof RangeError && /^\d+$/.test(error.message)) return Number(error.message);
		throw error;
	}
};

const lineAndColumn = (text: string, offset: number): string => {
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
};

/** Parses a config file's text; syntax errors become one line naming the file and the line. */
export const parseJson = (text: string, name: string): unknown => {
	// Editors on some systems save a byte-order mark, which JSON.parse rejects.
	const json = text.replace(/^\uFEFF/, '');
	try {
		return JSON.parse(json);
	} catch (error) {
		const reason = (error as Error).message
			// V8 quotes a snippet of the input (which may hold newlines) and a position: the line number replaces both.
			.replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
			.replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?$/, '');
		const offset = jsonErrorOffset(json);
		const where = offset === undefined ? '' : ` (${lineAndColumn(json, offset)})`;
		throw new UsageError(`${name} is not valid JSON: ${reason}${where}`);
	}
};

// A broken package.json is the app's business unless it might hold devtui's settings.
const mentionsDevtuiKey = (text: string) => /"devtui"\s*:/.test(text);

/** The config sources in cwd, highest precedence first. */
export const readConfigSources = async (cwd: string): Promise<ConfigSource[]> => {
	const sources: ConfigSource[] = [];
	const configText = await readText(cwd, CONFIG_FILE);
	if (configText !== undefined) {
		const values = parseJson(configText, CONFIG_FILE);
		if (!isObject(values)) {
			throw new UsageError(`${CONFIG_FILE} must hold a JSON object of options, e.g. {"watch": ["src"]}, but holds ${kindOf(values)}`);
		}
		sources.push({file: CONFIG_FILE, keyPrefix: '', values});
	}
	const packageText = await readText(cwd, 'package.json');
	if (packageText !== undefined) {
		let manifest: unknown;
		try {
			manifest = parseJson(packageText, 'package.json');
		} catch (error) {
			if (mentionsDevtuiKey(packageText)) throw error;
		}
		if (isObject(manifest) && Object.hasOwn(manifest, 'devtui')) {
			const values = manifest['devtui'];
			if (!isObject(values)) {
				throw new UsageError(`package.json: "devtui" must be an object of options, e.g. {"watch": ["src"]}, but is ${kindOf(values)}`);
			}
			sources.push({file: 'package.json', keyPrefix: 'devtui.', values});
		}
	}
	return sources;
};
