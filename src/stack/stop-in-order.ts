// Quitting a stack: a service stops only once everything that depends on it has stopped (a
// frontend before its API, the API before its queue), and services with nothing between them stop
// at the same time, so a quit takes as long as the longest chain, not the sum of every stop.

import {dependentsOf, type DependencyMap} from './dependency-graph.js';

export const stopInReverseOrder = async (graph: DependencyMap, stop: (service: string) => Promise<void>): Promise<void> => {
	const dependents = dependentsOf(graph);
	const stopped = new Map<string, Promise<void>>();
	const stopAfterDependents = (name: string): Promise<void> => {
		let done = stopped.get(name);
		if (!done) {
			done = Promise.all((dependents.get(name) ?? []).map(stopAfterDependents)).then(() => stop(name));
			stopped.set(name, done);
		}
		return done;
	};
	await Promise.all(Object.keys(graph).map(stopAfterDependents));
};
