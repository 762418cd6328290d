// What an apps/loaded.* instance says it loaded: "f0=<value>|f1=<value>|..." as a Map.
export const loadedValues = rest =>
	new Map(
		rest
			.split('|')
			.filter(Boolean)
			.map(pair => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
	);
