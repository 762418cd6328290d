// Worker-thread entry for the state inspector: reads and parses a (possibly 50 MB) state file away
// from the main thread and sends back only a bounded preview tree, so neither the parse nor the
// message copy ever costs the dashboard's event loop more than a few kilobytes.

import {statSync} from 'node:fs';
import {formatBytes} from '../format-bytes.js';
import {DEFAULT_MAX_STATE_BYTES, readWholeFile} from './validate-state-file.js';
import {buildPreview, cutText, DEFAULT_PREVIEW_LIMITS} from './build-preview.js';
import type {StatePreview} from './state-preview-types.js';
import {serveRequests} from './worker-client.js';

const problemOf = (error: unknown): string => {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	switch (code) {
		case 'ENOENT':
		case 'ENOTDIR':
			return 'does not exist';
		case 'EISDIR':
			return 'is a directory, not a file';
		case 'EACCES':
		case 'EPERM':
			return `cannot be read: permission denied (${code})`;
		default:
			return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
	}
};

/** Reads, parses and previews a state file; throws an Error with a one-line message when it cannot. */
export const previewStateFileSync = (file: string, {maxBytes = DEFAULT_MAX_STATE_BYTES, limits = DEFAULT_PREVIEW_LIMITS} = {}): StatePreview => {
	const fail = (detail: string): Error => new Error(`${file} ${detail}`.replace(/\s+/g, ' '));
	let stat;
	try {
		stat = statSync(file);
	} catch (error) {
		throw fail(problemOf(error));
	}
	// Checked before opening: opening a FIFO for reading would block the worker.
	if (stat.isDirectory()) throw fail('is a directory, not a file');
	if (!stat.isFile()) throw fail('is not a regular file');
	if (stat.size > maxBytes) throw fail(`is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`);
	let bytes: Buffer;
	let mtimeMs: number;
	try {
		({bytes, mtimeMs} = readWholeFile(file));
	} catch (error) {
		throw fail(problemOf(error));
	}
	if (bytes.length === 0) throw fail('is empty');
	let text = bytes.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw fail(`is not valid JSON (${cutText(reason, 120)})`);
	}
	return {file, bytes: bytes.length, mtimeMs, root: buildPreview(value, limits)};
};

serveRequests((file: string) => previewStateFileSync(file));
