// The warm Python checker's wire format (the Python side is in python-compile-check.ts). Framed by
// byte length, so file names and the compiler's messages need no quoting. Pure: encoding a
// request, and reading the interpreter's stdout back into frames, with anything unexpected called
// garbage so the checker can stop trusting that interpreter.

import {WORKER_HELLO} from './python-compile-check.js';

export interface CheckedFile {
	/** As given (relative to the app's cwd, usually): the name the messages use. */
	name: string;
	/** Absolute: what the interpreter opens. */
	path: string;
}

export type WorkerFrame = {kind: 'hello'; version: string; executable: string} | {kind: 'answer'; id: number; output: string};

/** `<id> <n>\n` and n bytes: name NUL path NUL … (NUL cannot occur in a path). */
export const encodeRequest = (id: number, files: readonly CheckedFile[]): Buffer => {
	const payload = Buffer.from(files.flatMap(file => [file.name, file.path]).join('\0'), 'utf8');
	return Buffer.concat([Buffer.from(`${id} ${payload.length}\n`, 'ascii'), payload]);
};

/** Whether the files can be sent at all: a NUL would split a name in two. */
export const canEncode = (files: readonly string[]): boolean => files.every(file => !file.includes('\0'));

const HELLO = new RegExp(`^${WORKER_HELLO} (\\d+\\.\\d+\\.\\d+) (\\d+)$`);
const ANSWER = /^(\d+) (\d+)$/;
// Headers are short; a longer run of bytes without a newline is not one.
const MAX_HEADER = 200;
// The last 50 lines are all that is kept of a check's output anyway; this only bounds garbage.
const MAX_BODY = 64 * 1024 * 1024;

export interface FrameReader {
	/** The frames this chunk completes; `garbage` once the stream stops making sense (then nothing more). */
	push(chunk: Buffer): {frames: WorkerFrame[]; garbage?: string};
}

export const createFrameReader = (): FrameReader => {
	let buffered: Buffer = Buffer.alloc(0);
	let header: {make: (body: Buffer) => WorkerFrame; size: number} | undefined;
	let saidHello = false;
	let broken = false;

	const describe = (bytes: Buffer): string => JSON.stringify(bytes.subarray(0, 60).toString('utf8'));

	return {
		push(chunk) {
			const frames: WorkerFrame[] = [];
			if (broken) return {frames};
			buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
			for (;;) {
				if (header === undefined) {
					const newline = buffered.indexOf(0x0a);
					if (newline === -1) {
						if (buffered.length <= MAX_HEADER) return {frames};
						broken = true;
						return {frames, garbage: `an unexpected line ${describe(buffered)}`};
					}
					const line = buffered.subarray(0, newline).toString('latin1');
					const hello = saidHello ? null : HELLO.exec(line);
					const answer = saidHello ? ANSWER.exec(line) : null;
					const size = Number((hello ?? answer)?.[2] ?? Number.NaN);
					if ((!hello && !answer) || !(size <= MAX_BODY)) {
						broken = true;
						return {frames, garbage: `an unexpected line ${describe(buffered.subarray(0, newline))}`};
					}
					saidHello = true;
					header = hello
						? {size, make: body => ({kind: 'hello', version: hello[1]!, executable: body.toString('utf8')})}
						: {size, make: body => ({kind: 'answer', id: Number(answer![1]), output: body.toString('utf8')})};
					buffered = buffered.subarray(newline + 1);
				}
				if (buffered.length < header.size) return {frames};
				frames.push(header.make(buffered.subarray(0, header.size)));
				buffered = buffered.subarray(header.size);
				header = undefined;
			}
		},
	};
};
