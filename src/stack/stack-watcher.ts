// The stack's one watcher. Each service keeps the whole of a single app's watching (its watch,
// ignore and ext rules, debounce, quick saves, gitignores, deleted roots: src/watcher/watch-files.ts)
// but all of them read one shared file source, so a tree is walked and watched once however many
// services watch it. Services that poll share a source per poll interval (chokidar polls at one
// interval per watcher); the others share one directory watcher.
//
// A batch reaches a service only once its session has connected (after its first spawn). One
// that closed before, but after that spawn began, is handed over on connecting: the instance may
// have loaded its files before they changed. Older ones are in what the first instance loads.

import type {ChangeFeed} from '../session/create-session.js';
import type {EventBus} from '../supervisor/event-bus.js';
import type {ChangedFile} from '../supervisor/events.js';
import {createPollSource} from '../watcher/poll-source.js';
import {createSharedSource, type SharedSource} from '../watcher/shared-source.js';
import {createTreeSource} from '../watcher/tree-source.js';
import {watchFiles, type FileWatcher, type WatchOptions} from '../watcher/watch-files.js';

type Handlers = Parameters<ChangeFeed['connect']>[0];

const MISSED_BATCHES = 8;

export interface StackWatcher {
	/** The feed a service's session takes its changes from. */
	feedFor(service: string): ChangeFeed;
	close(): Promise<void>;
}

export const createStackWatcher = (services: ReadonlyArray<{name: string; options: WatchOptions; bus: EventBus}>): StackWatcher => {
	const groups = new Map<string, SharedSource>();
	const groupFor = (pollMs: number | undefined): SharedSource => {
		const key = pollMs === undefined ? 'events' : `poll:${pollMs}`;
		let group = groups.get(key);
		if (!group) {
			group = createSharedSource(input => (pollMs === undefined ? createTreeSource(input) : createPollSource({...input, pollMs})));
			groups.set(key, group);
		}
		return group;
	};
	const changedSince = Date.now();
	const targets = new Map<string, Handlers | undefined>();
	/** Batches that closed while a service was not connected (kept for a spawn that began before them). */
	const missed = new Map<string, Array<{files: ChangedFile[]; firstChangeAt: number}>>();
	const batchFor = (name: string, files: ChangedFile[], firstChangeAt: number) => {
		const target = targets.get(name);
		if (target) {
			target.onBatch(files, firstChangeAt);
			return;
		}
		const list = missed.get(name) ?? [];
		// A service that waits long for its dependencies only needs what came since its spawn: a few.
		list.push({files, firstChangeAt});
		missed.set(name, list.slice(-MISSED_BATCHES));
	};
	const watchers = new Map<string, FileWatcher>();
	for (const {name, options, bus} of services) {
		const group = groupFor(options.pollMs);
		watchers.set(
			name,
			watchFiles({
				options,
				bus,
				changedSince,
				onChange: change => targets.get(name)?.onChange(change),
				onBatch: (files: ChangedFile[], firstChangeAt: number) => batchFor(name, files, firstChangeAt),
				source: input => group.share(input),
			}),
		);
	}
	for (const group of groups.values()) group.open();

	return {
		feedFor: name => ({
			connect(handlers, changedSince) {
				targets.set(name, handlers);
				const earlier = missed.get(name) ?? [];
				missed.delete(name);
				for (const batch of earlier) if (batch.firstChangeAt >= changedSince) handlers.onBatch(batch.files, batch.firstChangeAt);
				return {
					ready: watchers.get(name)!.ready,
					async close() {
						targets.delete(name);
					},
				};
			},
		}),
		async close() {
			targets.clear();
			await Promise.all([...watchers.values()].map(watcher => watcher.close()));
		},
	};
};
