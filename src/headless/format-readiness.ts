// How devtui knew an instance was ready, and what it waited for in vain, in words: the restart's
// timeline line, a late `app/ready` and `app/readiness-unknown` all say it the same way.

import type {ReadySign, ReadySource} from '../supervisor/events.js';

const WILDCARDS = new Set(['0.0.0.0', '::']);

// ":8000" for every address, "127.0.0.1:8000" and "[::1]:8000" for one.
const formatEndpoint = (address: string | undefined, port: number | undefined): string => {
	if (address === undefined || WILDCARDS.has(address)) return `:${port ?? '?'}`;
	return address.includes(':') ? `[${address}]:${port ?? '?'}` : `${address}:${port ?? '?'}`;
};

/** "listening on :8000", "client said ready", ... */
export const describeReadySign = (sign: ReadySign): string => {
	switch (sign.source) {
		case 'listening':
			return sign.held ? `accepting on the held ${formatEndpoint(sign.address, sign.port)}` : `listening on ${formatEndpoint(sign.address, sign.port)}`;
		case 'port':
			return `port ${sign.port ?? '?'} open`;
		case 'pattern':
			return 'output matched --ready-pattern';
		case 'client':
			return 'client said ready';
		case 'notify':
			return 'READY=1 over sd_notify';
	}
};

const MISSING: Record<ReadySource, string> = {
	listening: 'no TCP port listening',
	client: 'no ready from a client',
	pattern: 'no line matching --ready-pattern',
	port: 'the --ready-port not open',
	notify: 'no READY=1 over sd_notify',
};

/** "no TCP port listening, no ready from a client" */
export const describeMissingSigns = (waitedFor: readonly ReadySource[]): string => waitedFor.map(source => MISSING[source]).join(', ');
