# The Python benchmark app: an http.server on an ephemeral port; READY with a checksum of the
# watched files, on stdout and to the bench.
import http.server, os, socket, sys

src = os.path.abspath(os.environ.get('BENCH_SRC', 'src'))
names = sorted(n for n in os.listdir(src) if n.endswith('.mjs'))
checksum = '|'.join(open(os.path.join(src, n)).read().strip() for n in names)
server = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler)
line = f'READY {os.getpid()} {checksum}'
print(line, flush=True)
with socket.create_connection(('127.0.0.1', int(os.environ['BENCH_PORT']))) as report:
    report.sendall((line + '\n').encode())
server.serve_forever()
