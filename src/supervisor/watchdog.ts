// Keeps the app from outliving devtui. Node cannot ask the kernel to kill a child when its parent
// dies (prctl PR_SET_PDEATHSIG), so a tiny shell process in its own group holds a pipe from
// devtui: when devtui dies, even by SIGKILL, the pipe closes and the watchdog kills the app's
// group. It ignores the terminal's hang-up and interrupt so that closing the terminal cannot take
// it down before it has done its job.

import {spawn, type ChildProcess} from 'node:child_process';

// POSIX sh (dash on Debian): its kill builtin takes a negative pid for a group but rejects `--`.
// Each line from devtui is "<pgid> <marker>" (or "0"). On EOF it stops the group and every process
// that carries the app's DEVTUI_INSTANCE marker, which reaches descendants that left the group: one
// grep over every /proc/*/environ, since a process per file would take seconds on a busy machine.
// The app gets half a second for SIGTERM: devtui is gone, so this is a clean-up, not a restart.
const SCRIPT = `
trap '' HUP INT TERM PIPE
pg=0 marker=
while IFS=' ' read -r line_pg line_marker; do pg=$line_pg marker=$line_marker; done
[ "$pg" -gt 0 ] 2>/dev/null || exit 0
marked() {
	[ -n "$marker" ] || return 0
	grep -laF "DEVTUI_INSTANCE=$marker" /proc/[0-9]*/environ 2>/dev/null | sed -e 's#^/proc/##' -e 's#/environ$##'
}
strays=$(marked)
kill -TERM "-$pg" $strays 2>/dev/null
i=0
while [ $i -lt 5 ] && kill -0 "-$pg" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -KILL "-$pg" $strays $(marked) 2>/dev/null
exit 0
`;

export interface Watchdog {
	/** The group (and the instance marker its processes carry) to kill if devtui dies; undefined when none runs. */
	track(pgid: number | undefined, marker?: string): void;
	/** Stops the watchdog without killing anything (devtui is exiting cleanly). */
	dispose(): void;
}

export const startWatchdog = (): Watchdog => {
	let child: ChildProcess | undefined;
	try {
		child = spawn('/bin/sh', ['-c', SCRIPT], {detached: true, stdio: ['pipe', 'ignore', 'ignore']});
		child.on('error', () => {
			child = undefined;
		});
		child.stdin?.on('error', () => {});
		child.unref();
		// The pipe must not keep devtui's event loop alive on its own.
		(child.stdin as unknown as {unref?: () => void})?.unref?.();
	} catch {
		child = undefined;
	}
	return {
		track(pgid, marker) {
			child?.stdin?.write(pgid === undefined ? '0\n' : `${pgid} ${marker ?? ''}\n`);
		},
		dispose() {
			if (!child?.stdin || child.stdin.destroyed) return;
			child.stdin.end('0\n');
		},
	};
};
