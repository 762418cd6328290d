// One short readable line per event for headless mode, or undefined for events that are not worth
// a line of their own (state transitions, which the other lines already imply; app output, which is
// printed as the app wrote it).

import {formatBytes} from '../format-bytes.js';
import type {ChangedFile, SupervisorEvent} from '../supervisor/events.js';
import {formatCheckEvent} from './format-check.js';
import {formatSocketEvent} from './format-socket.js';
import {formatDuration} from '../format-duration.js';
import {describeMissingSigns, describeReadySign} from './format-readiness.js';
import {formatTimeline} from './format-timeline.js';
import {describeExit} from '../describe-exit.js';

const MAX_FILES_SHOWN = 5;

export const formatFiles = (files: readonly ChangedFile[]): string => {
	const shown = files.slice(0, MAX_FILES_SHOWN).map(file => `${file.path} (${file.kind})`);
	const more = files.length - shown.length;
	return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
};

export const formatEvent = (event: SupervisorEvent): string | undefined => {
	switch (event.type) {
		case 'watch/ready':
			// "scanned", not "ready": ready is what the app is; the watcher only finished its first scan.
			return `watching ${event.paths.join(', ')}${event.polling ? ' by polling' : ''} (scanned in ${formatDuration(event.durationMs)})`;
		case 'watch/error':
			return `watcher: ${event.message}`;
		case 'watch/feedback-loop':
			return event.evidence === 'open-for-writing'
				? `${event.file} is written by the app (pid ${event.pid ?? '?'} has it open for writing): its changes restart nothing while the app holds it; --ignore '${event.file}' silences this`
				: `${event.file} is rewritten by the app at the same moment after every start (${event.restarts} starts in a row, one of them shifted on purpose): its changes right after a start restart nothing now; --ignore '${event.file}' makes it permanent, r restarts anyway`;
		case 'watch/set-aside':
			return undefined;
		case 'watch/changed':
			return `${event.files.length === 1 ? 'change' : `${event.files.length} changes`}: ${formatFiles(event.files)}`;
		case 'run/spawned':
			return event.restart === 0
				? `started pid ${event.pid}: ${event.command.join(' ')}`
				: `restart #${event.restart}: started pid ${event.pid}${event.changeToSpawnMs === undefined ? '' : ` (${formatDuration(event.changeToSpawnMs)} after the change)`}`;
		case 'run/spawn-failed':
			return `cannot start ${event.command.join(' ')}: ${event.message}; waiting for changes`;
		case 'run/stop-requested':
			return `stopping pid ${event.pid} (${event.reason === 'crash-restart' ? 'restart after crash' : event.reason})`;
		case 'run/signal-sent':
			return `sent ${event.signal} to process group ${event.pid}; force kill in ${formatDuration(event.timeoutMs)}`;
		case 'run/force-killed':
			return `force-killed process group ${event.pid} after ${formatDuration(event.afterMs)} (${event.reason === 'timeout' ? 'deadline passed' : `${event.reason} request`})`;
		case 'run/exited':
			if (event.byDevtui) return `pid ${event.pid} stopped in ${formatDuration(event.stopMs ?? 0)}${event.forced ? ' (force-killed)' : ''}`;
			return event.code === 0 ? `app exited cleanly after ${formatDuration(event.uptimeMs)}; waiting for changes` : undefined;
		case 'run/crashed':
			return `app crashed (${describeExit(event.code, event.signal)}) after ${formatDuration(event.uptimeMs)}; ${
				event.restartInMs === undefined ? 'waiting for changes' : `restarting in ${formatDuration(event.restartInMs)}`
			}`;
		case 'supervisor/held':
			if (!event.held) return `restarts released${event.pending.length > 0 ? ` (${event.pending.length} pending)` : ''}`;
			return event.pending.length === 0 ? 'restarts held: changes will wait' : `held: ${event.pending.length} pending (${formatFiles(event.pending)})`;
		case 'supervisor/error':
			return `error: ${event.message}`;
		// The restart's timeline line says all of these at once; printed one by one they drown the app's own lines.
		case 'app/hello':
			return event.restart === 0 ? `app pid ${event.pid} connected (${event.client})` : undefined;
		case 'app/ready':
			// A sign after devtui stopped waiting for one: no timeline line says it.
			return event.late ? `pid ${event.pid} is ready after ${formatDuration(event.bootMs)} (${describeReadySign(event)})` : undefined;
		case 'app/readiness-unknown':
			// Once, on the first start, with the way out; later restarts say "readiness unknown" in their timeline line.
			if (event.restart !== 0) return undefined;
			return `pid ${event.pid} gave no sign of readiness in ${formatDuration(event.afterMs)} (${describeMissingSigns(event.waitedFor)}): counted as started, readiness unknown${
				event.waitedFor.includes('listening') ? '; if it serves, --ready-pattern or --ready-port can tell devtui how to see it' : ''
			}`;
		case 'restart/completed':
			// A failed check has just said so, with its output: a timeline line would only repeat it.
			return event.timeline.outcome === 'check-failed' ? undefined : formatTimeline(event.timeline);
		case 'check/started':
		case 'check/passed':
		case 'check/failed':
		case 'check/cancelled':
			return formatCheckEvent(event);
		case 'socket/listening':
		case 'socket/taken':
		case 'socket/waiting':
		case 'socket/not-taken':
			return formatSocketEvent(event);
		case 'app/phase':
			return event.event === 'end' && event.ok === false ? `phase ${event.name} failed${event.error ? `: ${event.error}` : ''}` : undefined;
		case 'app/extend':
			return `app asked for ${formatDuration(event.requestedMs)} more; deadline moved by ${formatDuration(event.grantedMs)}`;
		case 'app/state-saved':
			return undefined;
		case 'app/status':
			return event.status === '' ? undefined : `app status: ${event.status}`;
		case 'app/stopping':
			return undefined;
		case 'channel/problem':
			return `${event.channel === 'notify' ? 'NOTIFY_SOCKET' : 'control channel'}: ${event.message}`;
		case 'state/validated':
			return `state saved: ${formatBytes(event.bytes)}, ${event.keys.length} keys${
				event.changedKeys.length > 0 ? ` (changed: ${event.changedKeys.join(', ')})` : ''
			}`;
		case 'state/invalid':
			return `state file ${event.reason}: ${event.message}`;
		case 'state/restored':
			return `restored state from ${event.snapshot} (${event.reason})`;
		case 'devtui/quitting':
			return event.force ? 'force-quitting' : `quitting (${event.reason})`;
		case 'devtui/notice':
			return event.message;
		case 'warm/mode':
			return `warm restarts: the next ${event.interpreter} is started ahead and waits for the change${
				event.interpreter === 'python' ? (event.preload ? ", its third-party modules imported" : ' (no preloading)') : ''
			}`;
		case 'supervisor/state':
		case 'run/output':
		case 'watch/batch':
			return undefined;
	}
};

