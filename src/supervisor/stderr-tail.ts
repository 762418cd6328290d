// The last lines an instance wrote to stderr, for the crash report: a small ring, so a noisy app
// costs a bounded amount however long it runs.

export interface StderrTail {
	push(lines: readonly string[]): void;
	lines(): string[];
}

export const createStderrTail = (size = 10): StderrTail => {
	let kept: string[] = [];
	return {
		push(lines) {
			kept = [...kept, ...lines.slice(-size)].slice(-size);
		},
		lines: () => [...kept],
	};
};
