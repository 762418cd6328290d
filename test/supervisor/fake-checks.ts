// Pre-restart checks a test answers by hand: each run waits until the test passes or fails it, and
// the preflight (the cheap check on the current content) answers from a function.

import type {CheckOutcome, CheckRunner} from '../../src/check/check-runner.js';
import type {ChangedFile} from '../../src/supervisor/events.js';

export interface FakeCheckRun {
	files: readonly ChangedFile[];
	cancelled: boolean;
	pass(): void;
	fail(blamed?: string[]): void;
}

export const fakeChecks = ({
	appliesTo = (file: string) => file.endsWith('.py'),
	preflight = async () => true,
	cheap = true,
}: {
	appliesTo?: (file: string) => boolean;
	/** The cheap check's answer about these files as they are now. */
	preflight?: (paths: readonly string[]) => Promise<boolean>;
	/** Whether a cheap exact check exists at all (false: like a --check command). */
	cheap?: boolean;
} = {}) => {
	const runs: FakeCheckRun[] = [];
	const preflights: string[][] = [];
	const runner: CheckRunner = {
		applies: paths => paths.some(appliesTo),
		preflightPaths: paths => (cheap ? paths.filter(appliesTo) : undefined),
		preflight: async paths => {
			preflights.push([...paths]);
			return preflight(paths);
		},
		start(files) {
			if (!files.some(file => appliesTo(file.path))) return undefined;
			let settle!: (outcome: CheckOutcome) => void;
			const result = new Promise<CheckOutcome>(resolve => {
				settle = resolve;
			});
			const run: FakeCheckRun = {
				files,
				cancelled: false,
				pass: () => settle({ok: true}),
				fail: (blamed = files.map(file => file.path)) =>
					settle({ok: false, failure: {check: 'fake', exitCode: 1, signal: null, output: ['broken'], blamed}}),
			};
			runs.push(run);
			return {
				names: ['fake'],
				result,
				cancel() {
					run.cancelled = true;
					settle({ok: true});
				},
			};
		},
		dispose() {},
	};
	return {runner, runs, preflights, latest: () => runs.at(-1)!};
};
