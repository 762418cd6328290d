// Durations the way a person reads them in a log line: "12 ms", "1.5 s", "2 min 5 s".

export const formatDuration = (ms: number): string => {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
	const minutes = Math.floor(ms / 60_000);
	return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
};
