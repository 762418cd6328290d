// The main thread's side of the preview worker (see worker-client.ts): the inspector's loader for
// state files of any size up to the state limit, parsed off the main thread.

import type {StatePreview, StatePreviewSource} from './state-preview-types.js';
import {createWorkerClient, workerUrl} from './worker-client.js';

export const defaultPreviewWorkerUrl = (): URL => workerUrl('state-preview-worker.js', import.meta.url);

// Creates the inspector's preview loader; nothing starts until the first load.
export const createStatePreviewSource = ({workerUrl: url = defaultPreviewWorkerUrl()}: {workerUrl?: URL} = {}): StatePreviewSource => {
	const client = createWorkerClient<string, StatePreview>({url, name: 'state preview'});
	return {load: file => client.request(file), close: () => client.close()};
};
