// The sockets devtui holds for the app (--listen), in one line: where they listen, whether the
// instance running now took them, and the connections waiting in the backlog while it restarts:
// "⇄ 127.0.0.1:8000 → pid 4242 ✓ taken · 3 waiting".

import {Text} from 'ink';
import type {SocketView} from '../src/store/listen-check-view.js';
import {glyphs, theme} from './theme.js';

const where = (addresses: string[]): string => (addresses.length <= 2 ? addresses.join(', ') : `${addresses[0]} +${addresses.length - 1}`);

const Taken = ({socket}: {socket: SocketView}) => {
	if (socket.pid === undefined) return <Text dimColor>{' · held by devtui'}</Text>;
	const took = socket.notTaken ? (
		<Text color={theme.status.error}>{`${glyphs.failed} not taken: serve on fd 3 (the log says how)`}</Text>
	) : socket.taken === 0 ? (
			<Text dimColor>{'not taken yet'}</Text>
		) : socket.taken < socket.total ? (
			<Text color={theme.status.warn}>{`${glyphs.ok} ${socket.taken} of ${socket.total} taken`}</Text>
		) : (
			<Text color={theme.status.ok}>{`${glyphs.ok} taken`}</Text>
		);
	return (
		<Text>
			<Text dimColor>{` → pid ${socket.pid} `}</Text>
			{took}
		</Text>
	);
};

export const SocketLine = ({socket}: {socket: SocketView}) => (
	<Text wrap="truncate-end">
		<Text color={theme.accent}>{`${glyphs.socket} `}</Text>
		{where(socket.addresses)}
		<Taken socket={socket} />
		{socket.waiting > 0 ? (
			<Text color={theme.status.warn}>{` · ${socket.waiting} waiting`}</Text>
		) : socket.peakWaiting > 0 ? (
			<Text dimColor>{` · peak ${socket.peakWaiting} waiting`}</Text>
		) : null}
	</Text>
);
