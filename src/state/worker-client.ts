// The main thread's side of a worker thread that answers requests (state validation, previews):
// one worker, started on first use and reused. It is unref'd while idle so it never keeps devtui
// alive, and ref'd while a request is pending so an awaited answer is not cut short by the process
// exiting under it. A crash (an out-of-memory parse) fails only the requests in flight; the next
// request starts a fresh worker.

import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {parentPort, Worker} from 'node:worker_threads';

export type WorkerReply<Result> = {id: number} & ({result: Result} | {error: string});

export interface WorkerClient<Payload, Result> {
	request(payload: Payload): Promise<Result>;
	/** Fails what is pending and ends the worker. Idempotent. */
	close(): Promise<void>;
}

/**
 * The compiled worker `name` (e.g. 'validate-worker.js') next to the calling module. Under vitest
 * that module runs from its .ts source, which a worker thread cannot load, so the build in dist/
 * is used instead.
 */
export const workerUrl = (name: string, from: string): URL =>
	from.endsWith('.ts') ? new URL(`../../dist/src/state/${name}`, from) : new URL(`./${name}`, from);

/** Inside a worker: answers each request with `handle`, sending errors back instead of dying. */
export const serveRequests = <Payload, Result>(handle: (payload: Payload) => Result): void => {
	parentPort?.on('message', ({id, payload}: {id: number; payload: Payload}) => {
		let reply: WorkerReply<Result>;
		try {
			reply = {id, result: handle(payload)};
		} catch (error) {
			reply = {id, error: error instanceof Error ? error.message : String(error)};
		}
		parentPort?.postMessage(reply);
	});
};

export const createWorkerClient = <Payload, Result>({url, name}: {url: URL; name: string}): WorkerClient<Payload, Result> => {
	let worker: Worker | undefined;
	let nextId = 1;
	let closing: Promise<void> | undefined;
	const pending = new Map<number, {resolve: (result: Result) => void; reject: (error: Error) => void}>();

	const failAll = (error: Error) => {
		const waiting = [...pending.values()];
		pending.clear();
		for (const {reject} of waiting) reject(error);
	};

	const start = (): Worker => {
		const file = fileURLToPath(url);
		if (!existsSync(file)) throw new Error(`the ${name} worker is missing at ${file} (run npm run build)`);
		const started = new Worker(url);
		started.unref();
		started.on('message', (reply: WorkerReply<Result>) => {
			const waiter = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) started.unref();
			if (waiter === undefined) return;
			if ('error' in reply) waiter.reject(new Error(reply.error));
			else waiter.resolve(reply.result);
		});
		started.on('error', error => {
			if (worker === started) worker = undefined;
			failAll(new Error(`the ${name} worker failed: ${error.message.split('\n')[0]}`));
		});
		started.on('exit', code => {
			if (worker === started) worker = undefined;
			failAll(new Error(`the ${name} worker stopped (exit code ${code})`));
		});
		return started;
	};

	return {
		request(payload) {
			if (closing) return Promise.reject(new Error(`the ${name} is closed`));
			return new Promise<Result>((resolve, reject) => {
				try {
					worker ??= start();
				} catch (error) {
					reject(error instanceof Error ? error : new Error(String(error)));
					return;
				}
				const id = nextId++;
				pending.set(id, {resolve, reject});
				worker.ref();
				worker.postMessage({id, payload});
			});
		},
		close() {
			closing ??= (async () => {
				const running = worker;
				worker = undefined;
				failAll(new Error(`the ${name} is closed`));
				await running?.terminate();
			})();
			return closing;
		},
	};
};
