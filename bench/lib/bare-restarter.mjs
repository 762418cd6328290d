// The baseline: the least a restarter can do. fs.watch on the watched directory; on any event,
// SIGTERM the app, wait for it to exit, spawn it again. No debounce, no process groups, no state.
import {spawn} from 'node:child_process';
import {watch} from 'node:fs';

const [watchDir, ...command] = process.argv.slice(2);
let child;
let restarting = false;
let again = false;

const start = () => {
	child = spawn(command[0], command.slice(1), {stdio: 'inherit'});
};

const restart = async () => {
	if (restarting) {
		again = true;
		return;
	}
	restarting = true;
	do {
		again = false;
		const old = child;
		if (old.exitCode === null && old.signalCode === null) {
			const gone = new Promise(resolve => old.once('exit', resolve));
			old.kill('SIGTERM');
			await gone;
		}
		start();
	} while (again);
	restarting = false;
};

watch(watchDir, {recursive: true}, () => void restart());
process.on('SIGTERM', () => {
	child?.kill('SIGTERM');
	process.exit(0);
});
start();
