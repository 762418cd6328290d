// A minimal tmux driver: a private server (-L), one detached session running a command with CI
// unset, the pid of the command (written by the pane's shell before exec), keys and screen capture.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';

export const startTmux = async ({name, command, cwd, env = {}, columns = 120, rows = 40, pidFile}) => {
	const tmux = (...args) => execFileSync('tmux', ['-L', name, '-f', '/dev/null', ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, TMUX: '', ...env}});
	const quoted = command.map(arg => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
	const exports = Object.entries(env).map(([key, value]) => `export ${key}='${value}';`).join(' ');
	const script = `${exports} echo $$ > '${pidFile}'; exec env -u CI ${quoted}`;
	tmux('new-session', '-d', '-s', 'bench', '-x', String(columns), '-y', String(rows), '-c', cwd, 'sh', '-c', script);
	tmux('set', '-g', 'status', 'off');
	let pid;
	for (let tries = 0; tries < 200 && !pid; tries++) {
		try {
			pid = Number(readFileSync(pidFile, 'utf8')) || undefined;
		} catch {}
		if (!pid) await new Promise(resolve => setTimeout(resolve, 20));
	}
	return {
		pid: () => pid,
		screen: () => tmux('capture-pane', '-p', '-t', 'bench'),
		keys: (...keys) => tmux('send-keys', '-t', 'bench', ...keys),
		close: () => {
			try {
				tmux('kill-server');
			} catch {}
		},
	};
};
