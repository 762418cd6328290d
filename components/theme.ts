// Semantic colours and glyphs: components ask for `theme.status.ok`, never for a raw colour, so
// the dashboard keeps one calm visual language (one accent, green/yellow/red for meaning, dim
// for everything secondary).

import type {LogLevel} from '../src/store/log-level.js';
import type {AppStatus} from '../src/store/state.js';

export const theme = {
	accent: 'cyan',
	status: {ok: 'green', warn: 'yellow', error: 'red'},
	/** Ink's dimColor is used for secondary text; this is for borders and rules. */
	rule: 'gray',
	stderr: 'red',
} as const;

/**
 * The stderr gutter's colour for the level a line states: red for errors only, yellow for
 * warnings, dim for info and debug; a line that states none keeps the terminal's own colour.
 */
export const levelColor = (level: LogLevel | undefined): string | undefined => {
	switch (level) {
		case 'error':
			return theme.status.error;
		case 'warn':
			return theme.status.warn;
		case 'info':
		case 'debug':
			return theme.rule;
		default:
			return undefined;
	}
};

export type Tone = 'accent' | 'ok' | 'warn' | 'error' | 'dim' | 'plain';

export const toneColor = (tone: Tone): string | undefined => {
	switch (tone) {
		case 'accent':
			return theme.accent;
		case 'ok':
			return theme.status.ok;
		case 'warn':
			return theme.status.warn;
		case 'error':
			return theme.status.error;
		default:
			return undefined;
	}
};

export const statusTone = (status: AppStatus): Tone => {
	switch (status) {
		case 'ready':
			return 'ok';
		case 'starting':
		case 'running':
		case 'started':
			return 'accent';
		case 'stopping':
		case 'held':
			return 'warn';
		case 'crashed':
			return 'error';
		case 'exited':
			return 'dim';
	}
};

export const glyphs = {
	status: '●',
	added: '+',
	changed: '~',
	removed: '-',
	collapsed: '▸',
	expanded: '▾',
	cursor: '›',
	bar: '█',
	barRunning: '▒',
	track: '·',
	failed: '✗',
	ok: '✓',
	stderr: '┃',
	rule: '─',
	vertical: '│',
	socket: '⇄',
	setAside: '⊘',
	/** A service waiting for what it depends on (the status mark's hollow twin). */
	waiting: '○',
} as const;

// Service names in a stack's merged log: distinct hues that never read as a status (no red, no
// yellow, which mean trouble; green only in its bright twin, far from the ready mark).
const SERVICE_COLORS = ['cyan', 'magenta', 'blue', 'greenBright', 'cyanBright', 'magentaBright', 'blueBright', 'white'] as const;

/** A service's colour, by its place in the stack's order: the same for the whole session. */
export const serviceColor = (index: number): string => SERVICE_COLORS[Math.max(0, index) % SERVICE_COLORS.length]!;

/** A service's status tone: an app's, and waiting in the colour of things still to come. */
export const serviceTone = (status: AppStatus | 'waiting'): Tone => (status === 'waiting' ? 'warn' : statusTone(status));
