// The order of a stack: which service starts before which, which stops before which, and what
// `--only` pulls in. Pure functions over the `dependsOn` maps, so the config check (a cycle is a
// usage error) and the stack (start and stop order) share one definition.

import type {Dependency} from './stack-types.js';

export type DependencyMap = Readonly<Record<string, Readonly<Record<string, Dependency>>>>;

/**
 * A cycle in `dependsOn`, as the path that closes it (`['api', 'queue', 'api']`), or undefined.
 * Services are visited in the given order, so the cycle named is the same on every run.
 */
export const findCycle = (graph: DependencyMap): string[] | undefined => {
	const state = new Map<string, 'visiting' | 'done'>();
	const path: string[] = [];
	const visit = (name: string): string[] | undefined => {
		if (state.get(name) === 'done') return undefined;
		if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
		state.set(name, 'visiting');
		path.push(name);
		for (const dependency of Object.keys(graph[name] ?? {})) {
			const cycle = visit(dependency);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(name, 'done');
		return undefined;
	};
	for (const name of Object.keys(graph)) {
		const cycle = visit(name);
		if (cycle) return cycle;
	}
	return undefined;
};

/**
 * Every service after all it depends on; among services free to go in either order, the config's
 * order is kept (so the headless lines and the pane list them as the user wrote them). The graph
 * must have no cycle.
 */
export const startOrder = (graph: DependencyMap): string[] => {
	const order: string[] = [];
	const placed = new Set<string>();
	const place = (name: string) => {
		if (placed.has(name)) return;
		placed.add(name);
		for (const dependency of Object.keys(graph[name] ?? {})) if (Object.hasOwn(graph, dependency)) place(dependency);
		order.push(name);
	};
	for (const name of Object.keys(graph)) place(name);
	return order;
};

/** The named services and everything they depend on, transitively (for `--only`). */
export const withDependencies = (graph: DependencyMap, names: readonly string[]): Set<string> => {
	const selected = new Set<string>();
	const add = (name: string) => {
		if (selected.has(name)) return;
		selected.add(name);
		for (const dependency of Object.keys(graph[name] ?? {})) add(dependency);
	};
	for (const name of names) add(name);
	return selected;
};

/** Who depends on each service directly: the ones that must stop before it does. */
export const dependentsOf = (graph: DependencyMap): Map<string, string[]> => {
	const dependents = new Map<string, string[]>(Object.keys(graph).map(name => [name, []]));
	for (const [name, dependencies] of Object.entries(graph)) {
		for (const dependency of Object.keys(dependencies)) dependents.get(dependency)?.push(name);
	}
	return dependents;
};
