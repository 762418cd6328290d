// Headless lines for the pre-restart checks. A failure is the one event worth more than a line: the
// check's own output follows it, indented, so the error is readable without the dashboard.

import type {CheckFailure, SupervisorEvent} from '../supervisor/events.js';
import {formatDuration} from '../format-duration.js';
import {describeExit} from '../describe-exit.js';

type CheckEvent = Extract<SupervisorEvent, {type: 'check/started' | 'check/passed' | 'check/failed' | 'check/cancelled'}>;

const OUTPUT_INDENT = '    ';

// Which Python judged the code: "valid 3.12 rejected" is plain once it says 3.11.
const interpreterOf = ({interpreter, interpreterVersion}: CheckFailure): string => {
	if (interpreter === undefined) return '';
	return interpreterVersion === undefined ? ` with ${interpreter}` : ` with Python ${interpreterVersion} at ${interpreter}`;
};

export const formatCheckEvent = (event: CheckEvent): string => {
	switch (event.type) {
		case 'check/started': {
			const what = event.files.length === 1 ? event.files[0]!.path : `${event.files.length} changed files`;
			return `checking ${what} before the restart: ${event.checks.join(', ')}`;
		}
		case 'check/passed':
			return `checks passed in ${formatDuration(event.durationMs)}`;
		case 'check/cancelled':
			return `check cancelled (${event.reason})`;
		case 'check/failed': {
			const {failure} = event;
			const exit = describeExit(failure.exitCode ?? null, failure.signal ?? null);
			const blamed = failure.blamed.length > 0 ? `, in ${failure.blamed.join(', ')}` : '';
			const after = event.appStopped
				? 'the app stays stopped until a change passes'
				: event.failure.appReloadsItself
					? `devtui keeps the app running, but ${event.failure.appReloadsItself}'s own reloader may have loaded the broken code`
					: 'the running app keeps serving until a change passes';
			const head = `check failed: ${failure.check}${interpreterOf(failure)} (${exit}, ${formatDuration(event.durationMs)})${blamed}; ${after}`;
			return [head, ...failure.output.map(line => `${OUTPUT_INDENT}${line}`)].join('\n');
		}
	}
};
