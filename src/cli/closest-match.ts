// Suggestions for typos in flags and config keys: the nearest known name, when it is close enough.

const editDistance = (a: string, b: string): number => {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
		}
		previous = current;
	}
	return previous[b.length]!;
};

/**
 * The candidate nearest to `word` when it is close enough to be a typo of it. Both sides go through
 * `normalise` first, so callers can ignore dashes or case.
 */
export const closestMatch = (
	word: string,
	candidates: readonly string[],
	normalise: (text: string) => string = text => text,
): string | undefined => {
	const target = normalise(word);
	// Short words are close to everything; allow fewer edits for them so suggestions stay plausible.
	const allowed = Math.min(2, Math.ceil(target.length / 3));
	let best: {candidate: string; distance: number} | undefined;
	for (const candidate of candidates) {
		const distance = editDistance(target, normalise(candidate));
		if (distance <= allowed && (!best || distance < best.distance)) best = {candidate, distance};
	}
	return best?.candidate;
};
