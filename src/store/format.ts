// Short, fixed-width-friendly text for durations, sizes and times, as the dashboard's columns need
// them ("820ms", "1.42s", "14:02:07").

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** A duration in at most 6 characters: 0ms, 820ms, 1.42s, 12.3s, 2m05s, 1h02m. */
export const formatMs = (ms: number): string => {
	const value = Math.max(0, ms);
	if (value < 1000) return `${Math.round(value)}ms`;
	if (value < 10_000) return `${(value / 1000).toFixed(2)}s`;
	if (value < 60_000) return `${(value / 1000).toFixed(1)}s`;
	const seconds = Math.floor(value / 1000);
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
	return `${Math.floor(seconds / 3600)}h${pad2(Math.floor((seconds % 3600) / 60))}m`;
};

/**
 * Time left, in whole seconds rounded down ("2s" with 2.2 s left: a countdown must never promise
 * more time than there is), and "<1s" in the last second.
 */
export const formatCountdown = (ms: number): string => (ms < 1000 ? '<1s' : `${Math.floor(ms / 1000)}s`);

/** Local time of day, HH:MM:SS. */
export const formatClock = (at: number): string => {
	const date = new Date(at);
	return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
};

/** 1234 -> "1,234", independent of the machine's locale so frames do not differ between machines. */
export const formatCount = (value: number): string => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const plural = (count: number, one: string, many = `${one}s`): string => `${formatCount(count)} ${count === 1 ? one : many}`;

/** A path as the user typed it: relative to the working directory when inside it. */
export const displayPath = (file: string, cwd: string): string => {
	if (file === cwd) return '.';
	const root = cwd.endsWith('/') ? cwd : `${cwd}/`;
	return file.startsWith(root) ? file.slice(root.length) : file;
};
