// The main thread's side of the validation worker (see worker-client.ts).

import type {StateRequest, StateVerdict} from './validate-state-file.js';
import {createWorkerClient, workerUrl} from './worker-client.js';

export interface StateValidator {
	validate(request: StateRequest): Promise<StateVerdict>;
	close(): Promise<void>;
}

export const defaultWorkerUrl = (): URL => workerUrl('validate-worker.js', import.meta.url);

export const createStateValidator = ({workerUrl: url = defaultWorkerUrl()}: {workerUrl?: URL} = {}): StateValidator => {
	const client = createWorkerClient<StateRequest, StateVerdict>({url, name: 'state validation'});
	return {validate: request => client.request(request), close: () => client.close()};
};
