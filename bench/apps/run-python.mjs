// node --watch runs Node scripts only: for the Python fixture it runs this, which runs the Python
// app and hands it the stop signal, so node --watch's restart decisions can be measured there too.
import {spawn} from 'node:child_process';

// The handlers come first: a stop signal that came between the spawn and them would end this
// process at once and leave the Python app running on its own.
let child;
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child = spawn(process.argv[2], process.argv.slice(3), {stdio: 'inherit'});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
