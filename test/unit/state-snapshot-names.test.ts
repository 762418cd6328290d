import {describe, expect, it} from 'vitest';
import {compactStamp, parseCompactStamp, parseSnapshotName, planPrune, snapshotName} from '../../src/state/snapshot-names.js';

const at = Date.UTC(2026, 10, 22, 5, 45, 12, 123);

describe('snapshot names', () => {
	it('start with the UTC time and carry the restart number', () => {
		expect(snapshotName(42, at)).toBe('20261122T054512.123Z-r000042.json');
		expect(snapshotName(42, at, 2)).toBe('20261122T054512.123Z-r000042-2.json');
		expect(parseSnapshotName(snapshotName(42, at, 2))).toEqual({at, restart: 42});
	});

	it('sort by time even when the restart numbers started again', () => {
		const names = [snapshotName(0, at + 60_000), snapshotName(999, at), snapshotName(3, at + 1)];
		expect([...names].sort()).toEqual([snapshotName(999, at), snapshotName(3, at + 1), snapshotName(0, at + 60_000)]);
	});

	it('round-trip the compact stamp and reject other names', () => {
		expect(parseCompactStamp(compactStamp(at))).toBe(at);
		expect(parseSnapshotName('index.json')).toBeUndefined();
		expect(parseSnapshotName('.20261122T054512.123Z-r000042.json.tmp-12-ab')).toBeUndefined();
	});
});

describe('planPrune', () => {
	const history = (...valid: boolean[]) => valid.map((ok, index) => ({file: `s${index}`, valid: ok}));
	const files = (entries: Array<{file: string}>) => entries.map(entry => entry.file);

	it('deletes all but the newest `keep`', () => {
		expect(files(planPrune(history(true, true, true, true, true), 3))).toEqual(['s0', 's1']);
		expect(planPrune(history(true, true), 20)).toEqual([]);
	});

	it('keeps at least one snapshot even when asked for none', () => {
		expect(files(planPrune(history(true, true, true), 0))).toEqual(['s0', 's1']);
	});

	it('keeps the newest intact snapshot when every kept one is damaged', () => {
		expect(files(planPrune(history(true, true, false, false), 2))).toEqual(['s0']);
		expect(files(planPrune(history(true, false, false, false), 1))).toEqual(['s1', 's2']);
	});

	it('deletes as usual when nothing is intact anyway', () => {
		expect(files(planPrune(history(false, false, false), 2))).toEqual(['s0']);
	});
});
