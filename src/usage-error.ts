// A mistake in how devtui was invoked or configured. The CLI prints only the message (never a
// stack) and exits 2, so every message must fit on one line and say how to fix the problem.

export class UsageError extends Error {
	readonly exitCode = 2;

	constructor(message: string) {
		// Messages are built from user input (paths, JSON snippets): keep them to one line whatever it holds.
		super(message.replace(/\s*\n\s*/g, ' '));
		this.name = 'UsageError';
	}
}
