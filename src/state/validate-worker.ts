// Worker-thread entry: reads, parses and digests state files away from the main thread's event
// loop. One request at a time, answered in order; a thrown error is sent back, never left to kill
// the worker.

import {parentPort} from 'node:worker_threads';
import {validateStateFileSync, type StateRequest} from './validate-state-file.js';

export interface WorkerRequest {
	id: number;
	request: StateRequest;
}

export type WorkerReply = {id: number} & ({verdict: ReturnType<typeof validateStateFileSync>} | {error: string});

parentPort?.on('message', ({id, request}: WorkerRequest) => {
	let reply: WorkerReply;
	try {
		reply = {id, verdict: validateStateFileSync(request)};
	} catch (error) {
		reply = {id, error: error instanceof Error ? error.message : String(error)};
	}
	parentPort?.postMessage(reply);
});
