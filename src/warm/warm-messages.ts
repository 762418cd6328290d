// The lines devtui and a parked interpreter exchange on the --warm pipe: one JSON object a line.
// devtui sends `park` (Python: what to preload) and later `go`; the Python launcher answers
// `parked` (what it loaded, with each file's stat) or `failed`. See assets/warm_launcher.py.

/** A file the parked interpreter has loaded, as it stood then: path, mtime in ns, size, inode. */
export type FileStamp = [path: string, mtimeNs: number | string, size: number, ino: number];

export interface ParkMessage {
	/** Module names to import, in this order (Python only). */
	preload: string[];
	/** The watched tree: the launcher refuses any import that would open a file in it... */
	watched: string[];
	/** ...except in these directories inside it that the watcher ignores (a .venv). */
	allowed: string[];
}

export interface GoMessage {
	/** Variables to set before the app's code runs (DEVTUI_RESTART is only known now)... */
	set: Record<string, string>;
	/** ...and to remove (the pipe's own DEVTUI_WARM_FD). */
	unset: string[];
	/** Python: where the instance appends the modules it imports, for the next parked one. */
	report?: string;
}

export type LauncherReply =
	| {kind: 'parked'; files: FileStamp[]; preloaded: number; ms: number}
	| {kind: 'failed'; module: string; error: string; /** Other modules that failed in the same pass. */ others: string[]};

export const encodePark = (park: ParkMessage): string => `${JSON.stringify({park})}\n`;

export const encodeGo = (go: GoMessage): string => `${JSON.stringify({go})}\n`;

/** One line from the launcher; undefined for anything else (it is never trusted to be well-formed). */
export const parseReply = (line: string): LauncherReply | undefined => {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null) return undefined;
	const {parked, failed} = value as {parked?: unknown; failed?: unknown};
	if (typeof parked === 'object' && parked !== null) {
		const {files, preloaded, ms} = parked as {files?: unknown; preloaded?: unknown; ms?: unknown};
		if (!Array.isArray(files)) return undefined;
		return {kind: 'parked', files: files.filter(isStamp), preloaded: typeof preloaded === 'number' ? preloaded : 0, ms: typeof ms === 'number' ? ms : 0};
	}
	if (typeof failed === 'object' && failed !== null) {
		const {module, error, others} = failed as {module?: unknown; error?: unknown; others?: unknown};
		return {
			kind: 'failed',
			module: typeof module === 'string' ? module : '?',
			error: typeof error === 'string' ? error : 'failed',
			others: Array.isArray(others) ? others.filter((name): name is string => typeof name === 'string') : [],
		};
	}
	return undefined;
};

const isStamp = (value: unknown): value is FileStamp =>
	Array.isArray(value) && value.length === 4 && typeof value[0] === 'string' && typeof value[2] === 'number' && typeof value[3] === 'number';
