// Whether a datagram's sender is one of the running instance's processes: the instance itself,
// a member of its process group, or a descendant that left the group (setsid), found through its
// parents. Every other local process of the same user can reach the socket too, and only the
// instance may say it is ready or ask for time. The relay placed the sender (parent, group) when
// it received the datagram, so a sender that exits right after sending (`systemd-notify --ready`
// in a shell script) is still recognised; /proc now covers the rest. A few /proc reads at most,
// never the whole process table, so a flood of datagrams stays cheap.

import {readProcess, type ProcessInfo} from '../supervisor/process-table.js';
import type {NotifySender} from './parse-notify.js';

const MAX_HOPS = 64;

export const isInstanceSender = (
	sender: NotifySender,
	instance: {pid: number; pgid: number},
	read: (pid: number) => Pick<ProcessInfo, 'ppid' | 'pgid'> | undefined = readProcess,
): boolean => {
	if (sender.pid <= 0) return false;
	if (sender.pid === instance.pid || sender.pgid === instance.pgid) return true;
	const now = read(sender.pid);
	if (now?.pgid === instance.pgid) return true;
	let parent = sender.ppid || now?.ppid || 0;
	for (let hops = 0; parent > 1 && hops < MAX_HOPS; hops++) {
		if (parent === instance.pid) return true;
		const info = read(parent);
		if (!info) return false;
		if (info.pgid === instance.pgid) return true;
		parent = info.ppid;
	}
	return false;
};
