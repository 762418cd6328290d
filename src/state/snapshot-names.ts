// Names and pruning rules of the snapshot history: pure, so the rules are tested without files.
// Names start with the UTC time (restart numbers start again at 0 in every devtui session, so only
// time sorts across sessions) and carry the restart number: 20261122T054512.123Z-r000042.json.

const NAME = /^(\d{8}T\d{6}\.\d{3}Z)-r(\d+)(?:-\d+)?\.json$/;

/** 2026-11-22T05:45:12.123Z as 20261122T054512.123Z: sortable and safe in file names everywhere. */
export const compactStamp = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, '');

export const parseCompactStamp = (stamp: string): number | undefined => {
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/.exec(stamp);
	if (match === null) return undefined;
	const [, year, month, day, hour, minute, second, ms] = match.map(Number) as number[];
	return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms!);
};

/** `attempt` > 0 disambiguates two snapshots in the same millisecond. */
export const snapshotName = (restart: number, at: number, attempt = 0): string =>
	`${compactStamp(at)}-r${String(restart).padStart(6, '0')}${attempt > 0 ? `-${attempt}` : ''}.json`;

export const parseSnapshotName = (name: string): {at: number; restart: number} | undefined => {
	const match = NAME.exec(name);
	if (match === null) return undefined;
	const at = parseCompactStamp(match[1]!);
	return at === undefined ? undefined : {at, restart: Number(match[2])};
};

/**
 * Which snapshots to delete, given the history oldest first: all but the newest `keep` (at least
 * one), except that the newest intact snapshot is always kept, so pruning can never leave the
 * history without a state to go back to.
 */
export const planPrune = <T extends {file: string; valid: boolean}>(history: readonly T[], keep: number): T[] => {
	const cut = Math.max(0, history.length - Math.max(1, Math.floor(keep)));
	const doomed = history.slice(0, cut);
	if (history.slice(cut).some(entry => entry.valid)) return doomed;
	const newestValid = doomed.findLastIndex(entry => entry.valid);
	return newestValid === -1 ? doomed : doomed.filter((_, index) => index !== newestValid);
};
