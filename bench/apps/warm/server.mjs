// The Node warm-restart fixture: a tiny HTTP server that answers with the version in src/version.mjs.
import http from 'node:http';
import {version} from './src/version.mjs';

const server = http.createServer((request, response) => response.end(version));
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
