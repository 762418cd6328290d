// The main thread's side of the validation worker: one worker, started on first use and reused.
// It is unref'd while idle so it never keeps devtui alive, and ref'd while a request is pending so
// an awaited validation is not cut short by the process exiting under it.

import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {StateRequest, StateVerdict} from './validate-state-file.js';
import type {WorkerReply, WorkerRequest} from './validate-worker.js';

export interface StateValidator {
	validate(request: StateRequest): Promise<StateVerdict>;
	close(): Promise<void>;
}

/**
 * The compiled worker next to this module. Under vitest this module runs from its .ts source,
 * which a worker thread cannot load, so the build in dist/ is used instead.
 */
export const defaultWorkerUrl = (): URL =>
	import.meta.url.endsWith('.ts')
		? new URL('../../dist/src/state/validate-worker.js', import.meta.url)
		: new URL('./validate-worker.js', import.meta.url);

interface Pending {
	resolve: (verdict: StateVerdict) => void;
	reject: (error: Error) => void;
}

export const createStateValidator = ({workerUrl = defaultWorkerUrl()}: {workerUrl?: URL} = {}): StateValidator => {
	let worker: Worker | undefined;
	let nextId = 1;
	let closed = false;
	const pending = new Map<number, Pending>();

	const failAll = (error: Error) => {
		const waiting = [...pending.values()];
		pending.clear();
		for (const {reject} of waiting) reject(error);
	};

	const start = (): Worker => {
		const file = fileURLToPath(workerUrl);
		if (!existsSync(file)) throw new Error(`the state validation worker is missing at ${file} (run npm run build)`);
		const started = new Worker(workerUrl);
		started.unref();
		started.on('message', (reply: WorkerReply) => {
			const waiter = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) started.unref();
			if (waiter === undefined) return;
			if ('error' in reply) waiter.reject(new Error(reply.error));
			else waiter.resolve(reply.verdict);
		});
		started.on('error', error => {
			// An out-of-memory parse or a crash ends this worker; the next request starts a fresh one.
			if (worker === started) worker = undefined;
			failAll(new Error(`the state validation worker failed: ${error.message}`));
		});
		started.on('exit', code => {
			if (worker === started) worker = undefined;
			failAll(new Error(`the state validation worker stopped (exit code ${code})`));
		});
		return started;
	};

	return {
		validate(request) {
			if (closed) return Promise.reject(new Error('the state validator is closed'));
			return new Promise<StateVerdict>((resolve, reject) => {
				try {
					worker ??= start();
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
					return;
				}
				const id = nextId++;
				pending.set(id, {resolve, reject});
				worker.ref();
				worker.postMessage({id, request} satisfies WorkerRequest);
			});
		},
		async close() {
			closed = true;
			const running = worker;
			worker = undefined;
			failAll(new Error('the state validator is closed'));
			await running?.terminate();
		},
	};
};
