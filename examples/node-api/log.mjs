// A tiny logger that writes pino's JSON line format ({level, time, pid, hostname, ...fields, msg}),
// so devtui's dashboard pretty-prints it like a real pino logger's output. Swap in pino itself
// (`pino()` has the same info/warn/error(fields?, msg) calls) when the project already uses it.

import os from 'node:os';

const LEVELS = {debug: 20, info: 30, warn: 40, error: 50};
const base = {pid: process.pid, hostname: os.hostname()};

const write = (level, fieldsOrMsg, msg) => {
	const fields = typeof fieldsOrMsg === 'object' && fieldsOrMsg !== null ? fieldsOrMsg : {};
	const text = typeof fieldsOrMsg === 'string' ? fieldsOrMsg : msg;
	const line = {level, time: Date.now(), ...base, ...fields, ...(text === undefined ? {} : {msg: text})};
	process.stdout.write(`${JSON.stringify(line)}\n`);
};

export const log = Object.fromEntries(Object.entries(LEVELS).map(([name, level]) => [name, (fieldsOrMsg, msg) => write(level, fieldsOrMsg, msg)]));
