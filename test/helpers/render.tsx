// Renders an Ink tree into fake streams of an explicit size, the way ink-testing-library does
// (debug mode: every frame written in full) but with the columns and rows a test chooses, so
// App-level frames are the same on every machine. ink-testing-library is fixed at 100 columns.

import {EventEmitter} from 'node:events';
import {render as inkRender} from 'ink';
import type {ReactElement} from 'react';

// Frames show times of day; one time zone makes them the same everywhere.
process.env.TZ = 'UTC';

export class FakeStdout extends EventEmitter {
	readonly isTTY = true;
	frames: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}

	write = (frame: string): boolean => {
		this.frames.push(frame);
		return true;
	};

	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

export class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;
	write = (data: string): void => {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	};

	read = (): string | null => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

export interface Rendered {
	lastFrame(): string;
	stdin: FakeStdin;
	stdout: FakeStdout;
	/** Sends keys and waits until Ink has rendered their effect. */
	press(keys: string): Promise<void>;
	unmount(): void;
}

export const KEYS = {
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlC: '\u0003',
} as const;

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

export const renderAt = (tree: ReactElement, {columns, rows}: {columns: number; rows: number}): Rendered => {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const instance = inkRender(tree, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return {
		lastFrame: () => stdout.frames.at(-1) ?? '',
		stdin,
		stdout,
		async press(keys) {
			// Ink reads input on the next turn; a key is sent, then the render is awaited.
			await settle();
			stdin.write(keys);
			await settle();
			await settle();
		},
		unmount: () => {
			instance.unmount();
			instance.cleanup();
		},
	};
};
