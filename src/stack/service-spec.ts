// One service of a stack as the CLI resolved it: its own complete options (the top-level options
// filled in where it set none), its extra environment and what it waits for. The stack runs each
// as an ordinary Session with these options.

import type {DevtuiOptions} from '../options.js';
import type {Dependency} from './stack-types.js';

export interface ServiceSpec {
	name: string;
	options: DevtuiOptions;
	/** Added to devtui's own environment for this service (DEVTUI_SERVICE is added by the stack). */
	env: Readonly<Record<string, string>>;
	dependsOn: Readonly<Record<string, Dependency>>;
}
