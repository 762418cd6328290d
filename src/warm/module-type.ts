// Whether node runs a script as an ES module: .mjs always, .cjs never, .js (or no extension in a
// "type": "module" package, as node 20 does for .js only) by the nearest package.json's "type".

import {readFileSync} from 'node:fs';
import path from 'node:path';

export const runsAsModule = (cwd: string) => (script: string): boolean => {
	const file = path.resolve(cwd, script);
	if (file.endsWith('.mjs')) return true;
	if (!file.endsWith('.js')) return false;
	for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
		try {
			const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {type?: unknown};
			return manifest.type === 'module';
		} catch {
			// No package.json here, or not readable as one: node looks further up too.
		}
		if (path.dirname(dir) === dir) return false;
	}
};
