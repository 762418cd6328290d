// node --watch runs Node scripts only: for the Python fixture it runs this, which runs the Python
// app and hands it the stop signal, so node --watch's restart decisions can be measured there too.
import {spawn} from 'node:child_process';

const child = spawn(process.argv[2], process.argv.slice(3), {stdio: 'inherit'});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
