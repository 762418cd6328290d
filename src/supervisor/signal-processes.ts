// Sending signals to a process group and to stray descendants, where "no such process" is the
// normal outcome of a race with an exiting process, not an error.

const ignoreMissing = (send: () => void): boolean => {
	try {
		send();
		return true;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ESRCH' || code === 'EPERM') return false;
		throw error;
	}
};

export const signalGroup = (pgid: number, signal: NodeJS.Signals): boolean =>
	ignoreMissing(() => process.kill(-pgid, signal));

export const signalPid = (pid: number, signal: NodeJS.Signals): boolean => ignoreMissing(() => process.kill(pid, signal));

// True while any member of the group exists, zombies included: the kernel's own answer.
export const groupExists = (pgid: number): boolean => {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};
