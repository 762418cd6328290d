// The terminal's size from Ink's stdout (never process.stdout), updated on resize. Only the root
// calls this; every component below takes width and height as props.

import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24});

export const useTerminalSize = (): TerminalSize => {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => read(stdout));
	useEffect(() => {
		const onResize = () => setSize(read(stdout));
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
};
