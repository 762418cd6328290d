// A Procfile, read as foreman, honcho and overmind read it: one `name: command` per line, blank
// lines and `#` comments skipped. The command is a shell line, run by `sh -c` (honcho hands it to
// the shell, foreman to `sh -c` through Ruby's spawn), so `$PORT`, pipes and `&&` work as there.

import {UsageError} from '../usage-error.js';

export const PROCFILE = 'Procfile';

export interface ProcfileEntry {
	name: string;
	command: string;
	line: number;
}

// honcho's pattern: a name of letters, digits, `_` and `-`, a colon, the command.
const ENTRY = /^([A-Za-z0-9_-]+):\s*(.*)$/;

export const parseProcfile = (text: string): ProcfileEntry[] => {
	const entries: ProcfileEntry[] = [];
	const seen = new Set<string>();
	text.split(/\r?\n/).forEach((raw, index) => {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) return;
		const where = `${PROCFILE} line ${index + 1}`;
		const match = ENTRY.exec(line);
		if (!match) throw new UsageError(`${where}: expected "name: command", got ${JSON.stringify(line.slice(0, 60))}`);
		const [, name, command] = match as unknown as [string, string, string];
		if (command.trim() === '') throw new UsageError(`${where}: service "${name}" has no command`);
		if (seen.has(name)) throw new UsageError(`${where}: service "${name}" is defined twice`);
		seen.add(name);
		entries.push({name, command: command.trim(), line: index + 1});
	});
	if (entries.length === 0) throw new UsageError(`${PROCFILE} defines no service (expected lines like "web: node server.js")`);
	return entries;
};
