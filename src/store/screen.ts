// Which message and which panels the screen shows when several compete for one place: the
// header's message slot, and the top right panel (a failed check, a crash, or the timeline).
// Pure functions of the state (time included: `state.now`).

import {NOTICE_MS} from './clock.js';
import {paneCheck, type CheckView} from './listen-check-view.js';
import type {DashboardState} from './state.js';

export interface HeaderMessage {
	tone: 'accent' | 'warn' | 'error';
	text: string;
}

/** The most important message for the header's second row, if any: quitting, a recent notice, a chosen snapshot. */
export const headerMessage = (state: DashboardState): HeaderMessage | undefined => {
	if (state.quitting) return {tone: 'warn', text: state.quitting.force ? 'force-quitting…' : 'quitting… (q again force-kills)'};
	if (state.notice && state.now - state.notice.at < NOTICE_MS) return {tone: state.notice.level, text: state.notice.text};
	if (state.chosenSnapshot) return {tone: 'accent', text: `next start loads ${state.chosenSnapshot}`};
	return undefined;
};

export type TopPanel = {kind: 'check'; check: Extract<CheckView, {status: 'failed'}>} | {kind: 'crash'} | {kind: 'timeline'};

/** What the top right shows: a failed check, else a crash, else the restart timeline; the newer news wins. */
export const topPanel = (state: DashboardState): TopPanel => {
	const crashed = state.supervisor === 'crashed' && (state.crash !== undefined || state.spawnFailure !== undefined);
	const check = paneCheck(state);
	// A check that failed after the crash (the fix did not compile) is the newer news.
	const crashAt = state.crash?.at ?? state.spawnFailure?.at ?? 0;
	if (check?.status === 'failed' && !(crashed && crashAt > check.at)) return {kind: 'check', check};
	return crashed ? {kind: 'crash'} : {kind: 'timeline'};
};
