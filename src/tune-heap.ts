// Imported first by the CLI, before anything allocates. V8 grows its young generation (up to 3x
// 16 MB semi-spaces) after bursts of short-lived allocation, such as Ink drawing frames, and never
// gives the memory back: an idle dashboard settled at ~120 MB RSS. Keeping the semi-spaces at their
// starting size costs more frequent (cheap) scavenges and saves ~35 MB (measured in bench/, idle).

import v8 from 'node:v8';

v8.setFlagsFromString('--semi-space-growth-factor=1');
