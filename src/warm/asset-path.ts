// Where the two files a parked interpreter runs live: the Node hook and the Python launcher. They
// are not compiled, so they stay in src/warm/assets both in the repository and in the published
// package, while this module runs from src/warm (tests) or from dist/src/warm (the build).

import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const NODE_HOOK = 'warm-hook.cjs';
export const NODE_ESM_HOOK = 'warm-hook.mjs';
export const PYTHON_LAUNCHER = 'warm_launcher.py';

export const warmAsset = (name: typeof NODE_HOOK | typeof NODE_ESM_HOOK | typeof PYTHON_LAUNCHER): string => {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [path.resolve(here, 'assets'), path.resolve(here, '../../../src/warm/assets')];
	const dir = candidates.find(candidate => existsSync(path.join(candidate, name))) ?? candidates[1]!;
	return path.join(dir, name);
};
