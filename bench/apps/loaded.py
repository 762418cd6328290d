# The burst and single-save app (Python): says START as its first act, imports every watched
# module (src/f<N>.py), listens on an ephemeral port, then says READY with the value each module
# held when it was imported ("f0=<value>|f1=<value>|..."): what this instance loaded. Both lines go
# to the bench's notify port (lib/notify.mjs) and to stdout.
import os, socket, sys


def report(line):
    print(line, flush=True)
    try:
        with socket.create_connection(('127.0.0.1', int(os.environ['BENCH_PORT']))) as sock:
            sock.sendall((line + '\n').encode())
    except OSError:
        pass


report('START %d' % os.getpid())

# No .pyc: its staleness check is the source's mtime in whole seconds and its size, so a rewrite
# within the same second to a value of the same length would load the old bytecode. That is
# Python's hazard, not the restarter's, and it would blur what this bench measures.
sys.dont_write_bytecode = True
src = os.path.abspath(os.environ.get('BENCH_SRC', 'src'))
sys.path.insert(0, src)
names = sorted((n[:-3] for n in os.listdir(src) if n.startswith('f') and n.endswith('.py') and n[1:-3].isdigit()), key=lambda n: int(n[1:]))
loaded = ['%s=%s' % (name, getattr(__import__(name), 'v' + name[1:])) for name in names]

import http.server  # noqa: E402 (after START: the report comes as early as it can)

server = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler)
report('READY %d %s' % (os.getpid(), '|'.join(loaded)))
server.serve_forever()
