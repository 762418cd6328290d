# devtui --warm (see docs/warm.md): `python [options] warm_launcher.py <script | -m module> [args]`.
#
# A fresh interpreter that waits, parked, before any of the app's code is loaded. devtui talks to it
# on a pipe (fd DEVTUI_WARM_FD), one JSON object a line:
#   devtui -> {"park": {"preload": [names], "watched": [dirs], "allowed": [dirs]}}
#   launcher -> {"parked": {"files": [[path, mtime_ns as a string, size, ino], ...], "preloaded": n, "ms": t}}
#            or {"failed": {"module": name, "error": "..."}} (and it exits)
#   devtui -> {"go": {"set": {name: value}, "unset": [names], "report": path}}
# While parked it imports the modules the previous instance had imported from outside the watched
# tree (site-packages, the standard library), in the order that instance imported them; an import
# that would open a file in the watched tree fails instead, so the app's own code is only ever read
# after "go". At go it applies the environment, closes the pipe, puts sys.argv, sys.orig_argv and
# sys.path[0] where a plain `python <script>` or `python -m <module>` would have them, and runs the
# app in the real __main__ module. Tracebacks leave out this file's frames. End of file on the pipe
# means devtui is gone: the launcher exits without having run anything of the app.

def _devtui_warm():
    # Everything lives in this one function: the app runs in this module's namespace (the real
    # __main__), which is emptied first, so nothing here may depend on module globals.
    import os
    import sys

    fd = int(os.environ.get('DEVTUI_WARM_FD', '-1'))
    launcher = os.path.abspath(__file__)
    if fd < 3:
        sys.stderr.write('devtui warm launcher: DEVTUI_WARM_FD is not set; run it through devtui --warm\n')
        raise SystemExit(2)
    import json
    pending = [b'']

    def read_message():
        while b'\n' not in pending[0]:
            try:
                chunk = os.read(fd, 65536)
            except InterruptedError:
                continue
            except OSError:
                chunk = b''
            if not chunk:
                # devtui is gone: leave without a trace (no atexit, nothing of the app ran).
                os._exit(0)
            pending[0] += chunk
        line, _, pending[0] = pending[0].partition(b'\n')
        return json.loads(line.decode('utf-8'))

    def send(message):
        data = (json.dumps(message) + '\n').encode('utf-8')
        while data:
            try:
                data = data[os.write(fd, data):]
            except InterruptedError:
                continue
            except OSError:
                os._exit(0)

    def inside(path, dirs):
        return any(path == d or path.startswith(d.rstrip(os.sep) + os.sep) for d in dirs)

    def fail(name, error):
        send({'failed': {'module': name, 'error': error.splitlines()[0][:300] if error else 'failed'}})
        os._exit(3)

    park = read_message().get('park', {})
    watched = [os.path.realpath(d) for d in park.get('watched', [])]
    allowed = [os.path.realpath(d) for d in park.get('allowed', [])]
    preload = park.get('preload', [])
    preloaded = 0
    elapsed = 0.0
    if preload:
        import importlib
        import time
        started = time.monotonic()
        before = len(sys.modules)
        current = [None]
        violation = [None]

        def guard(event, args):
            # Only while preloading: afterwards it returns at once. A parked interpreter reads no
            # file of the watched tree, and binds or connects nothing (a module that does so at
            # import, like devtui's own client saying hello, must run in the instance, not before).
            # The refusal is remembered too: a module that catches the error would otherwise be
            # left imported in a state a cold start never has.
            if current[0] is None:
                return
            if event == 'socket.bind' or event == 'socket.connect':
                violation[0] = 'it would ' + event.split('.')[1] + ' a socket while parked (' + repr(args[1] if len(args) > 1 else '') + ')'
                raise ImportError(violation[0])
            if event != 'open' or not args or not isinstance(args[0], str):
                return
            path = os.path.realpath(args[0])
            if inside(path, watched) and not inside(path, allowed):
                violation[0] = 'it would load ' + path + ', which is in the watched tree'
                raise ImportError(violation[0])

        sys.addaudithook(guard)
        # Every module that fails is found in one pass: this interpreter will not be used once one
        # has failed, so the rest are tried only to learn which ones the next one must leave out.
        failures = []
        for name in preload:
            if name in sys.modules:
                continue
            current[0] = name
            violation[0] = None
            try:
                importlib.import_module(name)
                if violation[0]:
                    raise ImportError(violation[0])
            except BaseException as error:  # noqa: BLE001 - any failure: this interpreter is not used
                failures.append((name, (type(error).__name__ + ': ' + str(error)).splitlines()[0][:300]))
            current[0] = None
        if failures:
            send({'failed': {'module': failures[0][0], 'error': failures[0][1], 'others': [name for name, _ in failures[1:]]}})
            os._exit(3)
        for name, module in list(sys.modules.items()):
            origin = getattr(module, '__file__', None)
            if isinstance(origin, str) and inside(os.path.realpath(origin), watched) and not inside(os.path.realpath(origin), allowed):
                fail(name, 'it loaded ' + origin + ', which is in the watched tree')
        elapsed = (time.monotonic() - started) * 1000
        preloaded = len(sys.modules) - before
    # What devtui checks at go: every file a loaded module came from, and the import path's
    # directories (a package installed or removed there changes what a fresh import would find).
    files = []
    seen = set()
    for module in list(sys.modules.values()):
        origin = getattr(module, '__file__', None)
        if isinstance(origin, str) and origin not in seen:
            seen.add(origin)
            try:
                st = os.stat(origin)
                files.append([origin, str(st.st_mtime_ns), st.st_size, st.st_ino])
            except OSError:
                pass
    for entry in sys.path:
        if entry and entry not in seen and os.path.isdir(entry) and entry != os.path.dirname(launcher):
            seen.add(entry)
            st = os.stat(entry)
            files.append([entry, str(st.st_mtime_ns), st.st_size, st.st_ino])
    send({'parked': {'files': files, 'preloaded': preloaded, 'ms': round(elapsed, 1)}})

    go = read_message()['go']
    for key in go['unset']:
        os.environ.pop(key, None)
    for key, value in go['set'].items():
        os.environ[key] = value
    os.close(fd)

    # What a plain start would have: sys.argv, sys.orig_argv and the first entry of sys.path.
    args = sys.argv[1:]
    orig = list(getattr(sys, 'orig_argv', []))
    for shown in (launcher, __file__):
        if shown in orig:
            at = orig.index(shown)
            sys.orig_argv = orig[:at] + orig[at + 1:]
            break
    adds_path = not (sys.flags.isolated or getattr(sys.flags, 'safe_path', False))
    if adds_path and sys.path and os.path.realpath(sys.path[0] or '.') == os.path.dirname(launcher):
        del sys.path[0]
    else:
        adds_path = False

    import atexit
    interrupted = [False]

    def die_if_interrupted():
        # Python ends a program stopped by Ctrl-C with the signal itself, after its clean-up; this
        # was registered before the app's own handlers, so it runs after them.
        if not interrupted[0]:
            return
        import signal
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)

    atexit.register(die_if_interrupted)
    record(go.get('report'), sys, os)

    main = sys.modules['__main__']
    namespace = main.__dict__
    builtins = namespace.get('__builtins__')
    if args[0] == '-m':
        import runpy
        sys.argv = ['-m'] + args[2:]
        if adds_path:
            sys.path.insert(0, os.getcwd())
        namespace.clear()
        namespace.update(__name__='__main__', __doc__=None, __package__=None, __loader__=None, __spec__=None,
                         __annotations__={}, __builtins__=builtins)
        run = lambda: runpy._run_module_as_main(args[1], alter_argv=True)  # noqa: E731
    else:
        script = args[0]
        sys.argv = list(args)
        if adds_path:
            sys.path.insert(0, os.path.dirname(os.path.realpath(script)))
        path = os.path.abspath(script)
        try:
            with open(path, 'rb') as source_file:
                source = source_file.read()
        except OSError as error:
            # What python itself says, and its exit code, for a script it cannot open.
            sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n" % (sys.executable, path, error.errno, error.strerror))
            sys.stderr.flush()
            os._exit(2)
        from importlib.machinery import SourceFileLoader
        namespace.clear()
        namespace.update(__name__='__main__', __doc__=None, __package__=None, __loader__=SourceFileLoader('__main__', path),
                         __spec__=None, __annotations__={}, __builtins__=builtins, __file__=path, __cached__=None)

        def run():
            # Compiled here, so that a syntax error is reported like any error of the app's.
            exec(compile(source, path, 'exec', dont_inherit=True), namespace)

    try:
        run()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - reported as Python itself would
        tb = error.__traceback__
        while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == launcher:
            tb = tb.tb_next
        error.__traceback__ = tb
        sys.excepthook(type(error), error, tb)
        interrupted[0] = isinstance(error, KeyboardInterrupt)
        raise SystemExit(1) from None


def record(report, sys, os):
    # Tells devtui which modules this instance imports, for the next parked interpreter: the modules
    # new in sys.modules (in the order they were imported) are appended, with their files, to the
    # report file now and then: at most every 50 ms while modules are being imported (an audit
    # hook's "import" events say when), when a socket is made or bound (a server is up), and at
    # exit. So an instance stopped by a signal has still told what it imported.
    if not report:
        return
    import atexit
    import time
    seen = set(sys.modules)
    state = {'last': time.monotonic(), 'busy': False, 'count': len(sys.modules)}

    def flush():
        if state['busy'] or len(sys.modules) == state['count']:
            return
        state['busy'] = True
        try:
            lines = []
            for name, module in list(sys.modules.items()):
                if name in seen:
                    continue
                seen.add(name)
                origin = getattr(module, '__file__', None)
                lines.append(name + '\t' + (origin if isinstance(origin, str) else '') + '\n')
            state['count'] = len(sys.modules)
            if lines:
                with open(report, 'a', encoding='utf-8') as out:
                    out.write(''.join(lines))
        except Exception:  # noqa: BLE001 - the report only speeds up the next start; never disturb the app
            pass
        finally:
            state['busy'] = False
            state['last'] = time.monotonic()

    def hook(event, args):
        if event == 'import':
            if time.monotonic() - state['last'] > 0.05:
                flush()
        elif event == 'socket.bind' or event == 'socket.__new__':
            flush()

    sys.addaudithook(hook)
    atexit.register(flush)


_devtui_warm()
