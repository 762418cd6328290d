// The main thread's side of the preview worker: one worker, started on first use and reused. It is
// unref'd while idle so it never keeps devtui alive, and ref'd while a load is pending so an
// awaited preview is not cut short by the process exiting under it.

import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {StatePreview, StatePreviewSource} from './state-preview-types.js';
import type {PreviewReply, PreviewRequest} from './state-preview-worker.js';

/**
 * The compiled worker next to this module. Under vitest this module runs from its .ts source,
 * which a worker thread cannot load, so the build in dist/ is used instead.
 */
export const defaultPreviewWorkerUrl = (): URL =>
	import.meta.url.endsWith('.ts')
		? new URL('../../dist/src/state/state-preview-worker.js', import.meta.url)
		: new URL('./state-preview-worker.js', import.meta.url);

interface Pending {
	resolve: (preview: StatePreview) => void;
	reject: (error: Error) => void;
}

// Creates the inspector's preview loader; nothing starts until the first load.
export const createStatePreviewSource = ({workerUrl = defaultPreviewWorkerUrl()}: {workerUrl?: URL} = {}): StatePreviewSource => {
	let worker: Worker | undefined;
	let nextId = 1;
	let closed = false;
	let closing: Promise<void> | undefined;
	const pending = new Map<number, Pending>();

	const failAll = (error: Error) => {
		const waiting = [...pending.values()];
		pending.clear();
		for (const {reject} of waiting) reject(error);
	};

	const start = (): Worker => {
		const file = fileURLToPath(workerUrl);
		if (!existsSync(file)) throw new Error(`the state preview worker is missing at ${file} (run npm run build)`);
		const started = new Worker(workerUrl);
		started.unref();
		started.on('message', (reply: PreviewReply) => {
			const waiter = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) started.unref();
			if (waiter === undefined) return;
			if ('error' in reply) waiter.reject(new Error(reply.error));
			else waiter.resolve(reply.preview);
		});
		started.on('error', error => {
			// An out-of-memory parse or a crash ends this worker; the next load starts a fresh one.
			if (worker === started) worker = undefined;
			failAll(new Error(`the state preview worker failed: ${error.message.split('\n')[0]}`));
		});
		started.on('exit', code => {
			if (worker === started) worker = undefined;
			failAll(new Error(`the state preview worker stopped (exit code ${code})`));
		});
		return started;
	};

	return {
		load(file) {
			if (closed) return Promise.reject(new Error('the state preview is closed'));
			return new Promise<StatePreview>((resolve, reject) => {
				try {
					worker ??= start();
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
					return;
				}
				const id = nextId++;
				pending.set(id, {resolve, reject});
				worker.ref();
				worker.postMessage({id, file} satisfies PreviewRequest);
			});
		},
		close() {
			closing ??= (async () => {
				closed = true;
				const running = worker;
				worker = undefined;
				failAll(new Error('the state preview is closed'));
				await running?.terminate();
			})();
			return closing;
		},
	};
};
