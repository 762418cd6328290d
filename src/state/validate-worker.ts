// Worker-thread entry: reads, parses and digests state files away from the main thread's event
// loop. One request at a time, answered in order; a thrown error is sent back, never left to kill
// the worker.

import {validateStateFileSync} from './validate-state-file.js';
import {serveRequests} from './worker-client.js';

serveRequests(validateStateFileSync);
