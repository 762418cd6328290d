// Files set aside as the app's own writes (watch/feedback-loop): what devtui saw, in words, and
// the way out, for the log line and the changes pane alike.

import type {SupervisorEventOf} from '../supervisor/events.js';
import {plural} from './format.js';
import type {SetAsideFile} from './state.js';

/** How many set-aside files the view keeps (the newest). */
export const SET_ASIDE_CAP = 10;

export const setAsideOf = (event: SupervisorEventOf<'watch/feedback-loop'>): SetAsideFile => ({
	file: event.file,
	evidence: event.evidence,
	...(event.pid === undefined ? {} : {pid: event.pid}),
	restarts: event.restarts,
	at: event.at,
});

/** Why devtui believes the app writes it: "pid 123 has it open for writing"; `short` for a narrow pane. */
export const evidenceText = (entry: SetAsideFile, short = false): string => {
	const who = entry.pid === undefined ? 'an app process' : `pid ${entry.pid}`;
	if (entry.evidence === 'open-for-writing') return short ? `${who} writes it` : `${who} has it open for writing`;
	if (short) return `changed after each of ${plural(entry.restarts, 'start')}`;
	return entry.restarts === 1 ? 'it changed right after the last start' : `it changed at the same moment after each of the last ${entry.restarts} starts`;
};

/** The way out, with the file named: ignore it for good, or restart anyway; `short` for a narrow pane. */
export const wayOutText = (entry: SetAsideFile, short = false): string => {
	const ignore = short ? `-i ${entry.file}` : `-i ${entry.file} ignores it for good`;
	return `${ignore}; r restarts anyway`;
};

/** devtui's log line for it, shown in full. */
export const setAsideLine = (entry: SetAsideFile): string =>
	`⊘ ${entry.file} set aside: its changes no longer restart the app, because the app writes it itself (${evidenceText(entry)}); ${wayOutText(entry)}`;

/** Adds (or renews) a file, newest first. */
export const addSetAside = (list: readonly SetAsideFile[], entry: SetAsideFile): SetAsideFile[] =>
	[entry, ...list.filter(item => item.file !== entry.file)].slice(0, SET_ASIDE_CAP);
