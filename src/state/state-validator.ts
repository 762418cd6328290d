// Validates state files without stalling the main thread. A small file is checked in place: it
// costs less than a millisecond, while starting the worker thread costs about 150 ms, which would
// land on the first restart's path. A large one (a 50 MB state parses in about half a second) goes
// to the worker (see worker-client.ts).

import {stat} from 'node:fs/promises';
import {validateStateFileSync, type StateRequest, type StateVerdict} from './validate-state-file.js';
import {createWorkerClient, workerUrl} from './worker-client.js';

/** Files up to this size are validated on the main thread. */
export const INLINE_MAX_BYTES = 256 * 1024;

export interface StateValidator {
	validate(request: StateRequest): Promise<StateVerdict>;
	close(): Promise<void>;
}

export const defaultWorkerUrl = (): URL => workerUrl('validate-worker.js', import.meta.url);

export const createStateValidator = ({
	workerUrl: url = defaultWorkerUrl(),
	inlineMaxBytes = INLINE_MAX_BYTES,
}: {workerUrl?: URL; inlineMaxBytes?: number} = {}): StateValidator => {
	const client = createWorkerClient<StateRequest, StateVerdict>({url, name: 'state validation'});
	return {
		async validate(request) {
			const size = await stat(request.file).then(
				info => (info.isFile() ? info.size : undefined),
				() => undefined,
			);
			// Missing files and directories are as cheap to report here; only big files need the worker.
			if (size === undefined || size <= inlineMaxBytes) return validateStateFileSync(request);
			return client.request(request);
		},
		close: () => client.close(),
	};
};
