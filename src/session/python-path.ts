// Where devtui_client.py lives, for the app's PYTHONPATH. The .py file is not compiled, so it stays
// in src/client/python both in the repository and in the published package, while this module runs
// either from src/session (tests) or from dist/src/session (the build).

import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const CLIENT_FILE = 'devtui_client.py';

export const pythonClientDir = (): string => {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [path.resolve(here, '../client/python'), path.resolve(here, '../../../src/client/python')];
	return candidates.find(dir => existsSync(path.join(dir, CLIENT_FILE))) ?? candidates[1]!;
};

/** PYTHONPATH with the client's directory first, so `import devtui_client` just works. */
export const pythonPathWithClient = (existing: string | undefined): string =>
	existing ? `${pythonClientDir()}${path.delimiter}${existing}` : pythonClientDir();
