// The main thread's side of the preview worker (see worker-client.ts): the inspector's loader for
// state files of any size up to the state limit, parsed off the main thread.

import {stat} from 'node:fs/promises';
import type {StatePreview, StatePreviewSource} from './state-preview-types.js';
import {createWorkerClient, workerUrl} from './worker-client.js';

export const defaultPreviewWorkerUrl = (): URL => workerUrl('state-preview-worker.js', import.meta.url);

// A missing state file (an app without the client, or before its first save) is the usual case
// when the dashboard opens. It is answered here, in the worker's words, so the worker thread (about
// 10 MB of memory for as long as devtui runs) starts only once there is a file to parse.
export const isMissing = async (file: string): Promise<boolean> => {
	try {
		await stat(file);
		return false;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return code === 'ENOENT' || code === 'ENOTDIR';
	}
};

// Creates the inspector's preview loader; nothing starts until the first load of an existing file.
export const createStatePreviewSource = ({workerUrl: url = defaultPreviewWorkerUrl()}: {workerUrl?: URL} = {}): StatePreviewSource => {
	const client = createWorkerClient<string, StatePreview>({url, name: 'state preview'});
	return {
		async load(file) {
			if (await isMissing(file)) throw new Error(`${file} does not exist`.replace(/\s+/g, ' '));
			return client.request(file);
		},
		close: () => client.close(),
	};
};
