// `devtui ctl status` for a person: one row per service, then a line per service for what needs
// saying (its last restart's timeline, a hold, pending changes, a crash, a failed check, a wait).

import type {ServiceStatus} from '../ctl/service-status.js';
import {formatDuration} from '../format-duration.js';
import {formatTimeline} from '../headless/format-timeline.js';
import {describeReadySign} from '../headless/format-readiness.js';
import {describeExit} from '../describe-exit.js';

const readyText = (status: ServiceStatus): string => {
	switch (status.readiness) {
		case 'ready':
			return status.readySign ? `ready (${describeReadySign(status.readySign)})` : 'ready';
		case 'started':
			return 'started (readiness unknown)';
		case 'booting':
			return 'booting';
		case 'down':
			return status.exit && !status.exit.byDevtui && status.exit.code === 0 ? 'completed' : '-';
	}
};

const notes = (status: ServiceStatus): string[] => {
	const lines: string[] = [];
	if (status.waitingFor.length > 0) lines.push(`waits for ${status.waitingFor.map(wait => `${wait.service} (${wait.condition}${wait.failed ? ', down' : ''})`).join(', ')}`);
	if (status.held) lines.push(`restarts held${status.pending.length > 0 ? ` with ${status.pending.length} pending change${status.pending.length === 1 ? '' : 's'}` : ''} (devtui ctl release ${status.name})`);
	else if (status.pending.length > 0) lines.push(`${status.pending.length} pending change${status.pending.length === 1 ? '' : 's'}: ${status.pending.slice(0, 5).map(file => file.path).join(', ')}`);
	if (status.checking) lines.push('checking changes');
	if (status.checkFailure) {
		const {failure} = status.checkFailure;
		lines.push(`check failed: ${failure.check} (${describeExit(failure.exitCode, failure.signal)})${failure.output.length > 0 ? `: ${failure.output.at(-1)}` : ''}`);
	}
	if (status.crash) lines.push(`crashed (${describeExit(status.crash.code, status.crash.signal)}) after ${formatDuration(status.crash.uptimeMs)}${status.crash.stderrTail.length > 0 ? `: ${status.crash.stderrTail.at(-1)}` : ''}`);
	if (status.spawnFailure) lines.push(`could not start: ${status.spawnFailure.message}`);
	if (status.restartInProgress) lines.push(`now: ${formatTimeline(status.restartInProgress)}`);
	if (status.lastRestart) lines.push(`last: ${formatTimeline(status.lastRestart)}`);
	return lines;
};

export const formatStatus = ({pid, cwd, services}: {pid: number; cwd: string; services: ServiceStatus[]}): string => {
	const header = ['SERVICE', 'STATE', 'PID', 'RESTARTS', 'READY'];
	const rows = services.map(status => [status.name, status.state, status.pid === null ? '-' : String(status.pid), String(Math.max(0, status.restarts)), readyText(status)]);
	const widths = header.map((title, index) => Math.max(title.length, ...rows.map(row => row[index]!.length)));
	const line = (cells: string[]) => cells.map((cell, index) => (index < cells.length - 1 ? cell.padEnd(widths[index]!) : cell)).join('  ');
	return [
		`devtui pid ${pid} in ${cwd}`,
		line(header),
		...rows.map(line),
		...services.flatMap(status => {
			const said = notes(status);
			return said.length > 0 ? ['', `${status.name}:`, ...said.map(note => `  ${note}`)] : [];
		}),
	].join('\n');
};
