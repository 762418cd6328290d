// The control channel's messages, both directions. docs/protocol.md is the contract for clients
// in other languages; keep the two in step.

import type {ChangedFile, StopReason} from '../supervisor/events.js';

/** The protocol version devtui speaks. */
export const PROTOCOL_VERSION = 1;

/** A line longer than this (in bytes, without its newline) is dropped unread. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** How far past its first deadline a stop may be pushed by the app's `extend` requests, in total. */
export const MAX_EXTEND_MS = 60_000;

/** The environment variable that carries the socket path to the app. */
export const SOCKET_ENV = 'DEVTUI_SOCKET';

/**
 * Set by a client in its own environment once it said hello, so that the app's children (worker
 * pools, forks) inherit it and stay off the channel instead of being rejected one by one.
 */
export const CLIENT_PID_ENV = 'DEVTUI_CLIENT_PID';

// App -> devtui.

export interface HelloMessage {
	type: 'hello';
	v: number;
	pid: number;
	restart: number;
	/** "name/version" of the client library, for diagnostics. */
	client: string;
}

export interface ReadyMessage {
	type: 'ready';
}

export interface PhaseMessage {
	type: 'phase';
	name: string;
	event: 'start' | 'end';
	/** Only on `end`. */
	ok?: boolean;
	/** Only on a failed `end`. */
	error?: string;
}

export interface StateMessage {
	type: 'state';
	/** Absolute path of the state file the app just saved. */
	path: string;
	bytes: number;
}

export interface ExtendMessage {
	type: 'extend';
	ms: number;
}

/** The app serves on the --listen sockets it inherited (sent by the clients' listen helpers). */
export interface ListeningMessage {
	type: 'listening';
	/** The LISTEN_FDNAMES entries of the sockets it took. */
	names: string[];
}

export type AppMessage = HelloMessage | ReadyMessage | PhaseMessage | StateMessage | ExtendMessage | ListeningMessage;

export type AppMessageType = AppMessage['type'];

// devtui -> app.

export interface WelcomeMessage {
	type: 'welcome';
	v: number;
	restart: number;
}

export interface ShutdownMessage {
	type: 'shutdown';
	v: number;
	reason: StopReason;
	files: ChangedFile[];
	/** Epoch milliseconds of the force kill. */
	deadline: number;
	timeoutMs: number;
}

export interface ErrorMessage {
	type: 'error';
	message: string;
}

export type DevtuiMessage = WelcomeMessage | ShutdownMessage | ErrorMessage;

/** What can be wrong with a line; each kind is reported once per connection. */
export type ProblemKind =
	| 'too-long'
	| 'not-json'
	| 'not-object'
	| 'unknown-type'
	| 'bad-field'
	| 'no-hello'
	| 'second-hello'
	| 'not-app'
	| 'wrong-restart'
	| 'duplicate-app'
	| 'not-current';

export interface Problem {
	kind: ProblemKind;
	/** One line, safe to show as is. */
	message: string;
}

/** One NDJSON line, newline included. */
export const encodeMessage = (message: AppMessage | DevtuiMessage): string => `${JSON.stringify(message)}\n`;
