"""devtui's client for Python apps (Python 3.8+, standard library only).

Tells devtui that the app is there and ready, reports shutdown phases, saves and loads the restart
state, and runs one shutdown handler when the app is asked to stop: by the stop signal or by
devtui's ``shutdown`` message, whichever comes first. The protocol is in devtui's docs/protocol.md.

    import devtui_client as devtui

    state = devtui.load_state() or {}          # None on a first start

    @devtui.on_shutdown
    def stop(info):                            # runs once
        with devtui.phase("api_server"):
            server.shutdown()
        devtui.save_state({"self_state": state})

    devtui.ready()

In a threaded app (nothing else handles SIGTERM) the handler runs in the main thread and the client
then exits. Under a server that handles the signal itself (uvicorn, hypercorn, aiohttp, gunicorn)
the server stops the app its own way and the handler runs after it: at exit, or from the app's
shutdown hook with ``lifespan()`` (Starlette, FastAPI), ``shutdown_hook`` (aiohttp, event
handlers) or ``run_shutdown()``.

Under ``devtui --listen 8000`` the app serves on the socket devtui holds across restarts:
``server = devtui.http_server(Handler, 8000)`` (or ``devtui.listen_socket(8000)`` for any other
server); without devtui it binds 127.0.0.1:8000 as usual.

The module connects when it is imported. Nothing here ever raises because of the channel: a
missing or broken devtui costs at most one warning on stderr. Outside devtui every call is a no-op
except save_state and load_state, which then use .devtui/restart_state.json in the working
directory (or DEVTUI_STATE_FILE), so the app behaves the same with and without devtui.
"""

import collections
import contextlib
import errno
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback

__version__ = "0.1.0"
__all__ = [
    "ShutdownInfo", "extend", "http_server", "is_restart", "lifespan", "listen_socket", "load_state",
    "on_shutdown", "phase", "ready", "restart", "run_shutdown", "save_state", "shutdown_hook", "state_file",
    "under_devtui",
]

CLIENT_NAME = "devtui-python/" + __version__
PROTOCOL_VERSION = 1
_SOCKET_ENV = "DEVTUI_SOCKET"
_CLIENT_PID_ENV = "DEVTUI_CLIENT_PID"
_MAX_LINE = 1024 * 1024
_IO_TIMEOUT = 2.0  # connect and send; devtui never stalls, so this only trips when it is gone or stopped
_MESSAGE_WAIT = 0.1  # on a signal, how long to wait for the shutdown message devtui sent right before
_EXIT_GRACE = 2.0  # after the handler, how long threads the app left running may delay the exit


def _restart_number():
    try:
        number = int(os.environ.get("DEVTUI_RESTART", ""))
    except ValueError:
        return 0
    return number if number > 0 else 0


#: Whether devtui started this process.
under_devtui = os.environ.get("DEVTUI") == "1"
#: How many times devtui restarted the app before this start: 0 on the first start.
restart = _restart_number()
#: Whether this start follows a restart: DEVTUI_RESTART > 0, or --restart in argv outside devtui.
is_restart = restart > 0 if "DEVTUI_RESTART" in os.environ else "--restart" in getattr(sys, "argv", [])[1:]
#: Absolute path of the state file.
state_file = os.path.abspath(os.environ.get("DEVTUI_STATE_FILE") or os.path.join(".devtui", "restart_state.json"))

#: What on_shutdown's handler receives. source: what started the stop: "signal", "message" (devtui's),
#: "app" (the app's own shutdown code called run_shutdown(), shutdown_hook() or lifespan()) or "exit"
#: (the app stopped itself and the interpreter is exiting); signal: its name or None;
#: reason, files ([{"path", "kind"}]), deadline (epoch seconds, like time.time()) and timeout
#: (seconds) come from devtui's shutdown message and are None when it did not arrive.
ShutdownInfo = collections.namedtuple("ShutdownInfo", "source signal reason files deadline timeout")


def _warn(text):
    try:
        sys.stderr.write("devtui_client: %s\n" % text)
        sys.stderr.flush()
    except Exception:
        pass


def _block_stop_signals():
    # Process-directed signals then land on the main thread, where Python runs the handlers anyway.
    if hasattr(signal, "pthread_sigmask"):
        wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)]
        with contextlib.suppress(Exception):
            signal.pthread_sigmask(signal.SIG_BLOCK, wanted)


class _Channel(object):
    def __init__(self):
        # Re-entrant: a signal handler may send while the main thread it interrupted is sending.
        self.lock = threading.RLock()
        self.sock = None
        self.warned = False
        self.shutdown_message = None
        self.message_arrived = threading.Event()

    def connect(self):
        path = os.environ.get(_SOCKET_ENV)
        if not path or not hasattr(socket, "AF_UNIX"):
            return
        owner = os.environ.get(_CLIENT_PID_ENV)
        if owner and owner != str(os.getpid()):
            return  # a child of the process that speaks for the app stays off the channel
        os.environ[_CLIENT_PID_ENV] = str(os.getpid())
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(_IO_TIMEOUT)
        try:
            sock.connect(path)
        except OSError as error:
            sock.close()
            _warn("cannot reach devtui at %s (%s); going on without it" % (path, error.strerror or error))
            return
        self.sock = sock
        self.send({"type": "hello", "v": PROTOCOL_VERSION, "pid": os.getpid(), "restart": restart, "client": CLIENT_NAME})
        threading.Thread(target=self._read, args=(sock,), name="devtui-client", daemon=True).start()

    def send(self, message):
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
        with self.lock:
            if self.sock is None:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                self._close_locked()
                return False

    def _close_locked(self):
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self):
        with self.lock:
            self._close_locked()

    def forget(self):
        """After fork: the connection belongs to the parent; drop this copy without touching it."""
        self.lock = threading.RLock()
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()

    def connected(self):
        return self.sock is not None

    def _read(self, sock):
        _block_stop_signals()
        pending = bytearray()
        discarding = False
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            start = 0
            while True:
                newline = chunk.find(b"\n", start)
                end = len(chunk) if newline < 0 else newline
                if discarding:
                    discarding = newline < 0
                elif len(pending) + end - start > _MAX_LINE:
                    pending = bytearray()
                    discarding = newline < 0
                elif newline < 0:
                    pending += chunk[start:end]
                else:
                    line = bytes(pending) + chunk[start:end]
                    pending = bytearray()
                    self._receive(line, sock)
                if newline < 0:
                    break
                start = newline + 1
        with self.lock:
            if self.sock is sock:
                self._close_locked()

    def _receive(self, line, sock):
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "error":
            # devtui rejected this process and says why in its own UI; stay quiet from now on.
            with self.lock:
                if self.sock is sock:
                    self._close_locked()
        elif kind == "shutdown":
            self.shutdown_message = message
            self.message_arrived.set()
            _on_message(message)


_channel = _Channel()


def ready():
    """Tells devtui the app is serving. Also when the client checks that its shutdown handler can
    still run (servers set up their signal handling before they serve), and says so once if not."""
    _channel.send({"type": "ready"})
    if _handler is not None and _channel.connected() and _who_stops() is None:
        _warn_alone()


def extend(seconds):
    """Asks devtui for more time before the force kill (devtui bounds it)."""
    global _deadline
    if seconds > 0:
        _channel.send({"type": "extend", "ms": int(seconds * 1000 + 0.999)})
        if _deadline is not None:  # as devtui moves it: never earlier, at most 60 s past the first deadline
            _deadline = max(_deadline, min(time.time() + seconds, _first_deadline + _MAX_EXTEND))


def _describe(error):
    text = str(error)
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__


class phase(contextlib.ContextDecorator):
    """A named phase devtui can show: ``with phase("api_server"): ...``. Re-raises any error."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        _channel.send({"type": "phase", "name": self.name, "event": "start"})
        return self

    def __exit__(self, kind, error, trace):
        message = {"type": "phase", "name": self.name, "event": "end", "ok": kind is None}
        if kind is not None:
            message["error"] = _describe(error) if error is not None else kind.__name__
        _channel.send(message)
        return False


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every platform can fsync a directory; the rename is atomic all the same
    finally:
        os.close(fd)


def save_state(state):
    """Saves {restart_marker, timestamp, **state} atomically and tells devtui. Returns the path."""
    if not isinstance(state, dict):
        raise TypeError("save_state expects a dict, not %s" % type(state).__name__)
    timestamp = time.time()
    data = {"restart_marker": True, "timestamp": timestamp}
    data.update(state)
    data["restart_marker"] = True
    data["timestamp"] = timestamp
    raw = (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    directory = os.path.dirname(state_file)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(state_file) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, state_file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(directory)
    _channel.send({"type": "state", "path": state_file, "bytes": len(raw)})
    return state_file


def load_state():
    """The state saved before a restart, without restart_marker and timestamp; None on a first
    start or when the file is missing or invalid."""
    if not is_restart:
        return None
    try:
        with open(state_file, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("restart_marker") is not True:
        return None
    data.pop("restart_marker")
    data.pop("timestamp", None)
    return data


# Sockets handed over systemd-style (devtui --listen, systemfd, systemd): descriptors from 3 on,
# LISTEN_FDS, LISTEN_PID (the process they are for) and LISTEN_FDNAMES. Taken once, on the first
# listen_socket() call; the variables are then removed so the app's children do not take them too.
_LISTEN_FDS_START = 3
_LISTEN_ENV = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")
_inherited = None  # [(fd, name or None)] once taken
_listen_other_pid = None  # LISTEN_PID when it named another process (a launcher in between)
_used_fds = set()


def _take_inherited():
    global _inherited, _listen_other_pid
    if _inherited is not None:
        return _inherited
    _inherited = []
    try:
        count = int(os.environ.get("LISTEN_FDS", ""))
    except ValueError:
        count = 0
    if count <= 0:
        return _inherited
    pid_text = os.environ.get("LISTEN_PID", "")
    try:
        target = int(pid_text) if pid_text else os.getpid()
    except ValueError:
        target = None
    if target != os.getpid():
        _listen_other_pid = target
        return _inherited
    names = os.environ["LISTEN_FDNAMES"].split(":") if "LISTEN_FDNAMES" in os.environ else []
    for index in range(count):
        name = names[index] if index < len(names) and names[index] else None
        _inherited.append((_LISTEN_FDS_START + index, name))
    for key in _LISTEN_ENV:
        os.environ.pop(key, None)
    return _inherited


def _name_port(name):
    digits = name.rsplit("_", 1)[-1] if name else ""
    return int(digits) if digits.isdigit() else None


def _pick_inherited(port, name):
    free = [item for item in _take_inherited() if item[0] not in _used_fds]
    if name is not None:
        wanted = name.replace(":", "_")
        return next((item for item in free if item[1] == wanted), None)
    if port:
        if any(item[1] is not None for item in free):
            return next((item for item in free if _name_port(item[1]) == port), None)
        return next((item for item in free if _bound_port(item[0]) == port), None)
    return free[0] if free else None


def _bound_port(fd):
    try:
        probe = socket.socket(fileno=os.dup(fd))
    except OSError:
        return None
    with probe:
        try:
            return probe.getsockname()[1]
        except (OSError, IndexError, TypeError):
            return None


def listen_socket(port=0, host="127.0.0.1", name=None, backlog=128):
    """A listening socket for port: the one devtui --listen (or systemd, systemfd) handed this
    process when there is one for this port (or this --listen spec, ``name``), else a new one bound
    to host:port. In blocking mode, like any new socket. Tells devtui when it takes an inherited
    one. For asyncio: ``await asyncio.start_server(handle, sock=listen_socket(8000))``."""
    chosen = _pick_inherited(port, name)
    if chosen is not None:
        fd, fd_name = chosen
        _used_fds.add(fd)
        sock = socket.socket(fileno=fd)
        # O_NONBLOCK is shared with devtui's copy of the descriptor; make it match this object.
        sock.setblocking(True)
        _channel.send({"type": "listening", "names": [fd_name or str(fd)]})
        return sock
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=backlog)
    except OSError as error:
        if error.errno == errno.EADDRINUSE and _listen_other_pid is not None:
            raise OSError(error.errno, "%s: port %s is held for pid %s, not this process (%d): start the app "
                          "directly under devtui, not through npm run or another launcher"
                          % (error.strerror, port, _listen_other_pid, os.getpid())) from error
        raise


def http_server(handler_class, port=0, host="127.0.0.1", name=None, server_class=None):
    """A ready http.server server (ThreadingHTTPServer unless server_class says otherwise) on
    listen_socket(port, host, name). Call serve_forever() on it as usual."""
    if server_class is None:
        from http.server import ThreadingHTTPServer as server_class
    sock = listen_socket(port, host, name)
    server = server_class(sock.getsockname()[:2], handler_class, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.address_family = sock.family
    server.server_address = sock.getsockname()
    server.server_name = socket.getfqdn(server.server_address[0])
    server.server_port = server.server_address[1]
    return server


# The shutdown handler. Whoever ends the process decides when it runs:
# - Nothing else in the app handles the stop signal (a threaded app, http.server, a plain loop):
#   the client does. It runs the handler in the main thread on the signal or on devtui's message
#   and exits.
# - The app or its framework handles it (uvicorn, hypercorn and aiohttp through
#   loop.add_signal_handler, gunicorn's workers, Werkzeug's and Django's reloaders): the client
#   lets it stop the app its own way, graceful drain included, and runs the handler once the app
#   has stopped: from the framework's shutdown hook when the app wired one (lifespan(),
#   shutdown_hook(), run_shutdown()), else when the interpreter exits. A handler that ran before the
#   drain ended would save a state that requests still change, and raising SystemExit inside the
#   framework's event loop cuts the drain short and prints its CancelledError tracebacks.
# Python keeps one handler per signal, so "the app handles it" is read from the handler table: the
# one on_shutdown replaced (then the client calls it on), or the one that later replaced the
# client's. asyncio's add_signal_handler leaves a no-op Python handler there and dispatches
# through the wakeup fd, so it reads as the app's too.

_MAX_EXTEND = 60.0  # how far past the first deadline devtui lets extend() push it (docs/protocol.md)
_FALLBACK_SHARE = 0.25  # of the timeout: how long before the force kill the handler runs at the latest
_FALLBACK_MIN = 0.5

_handler = None
_delivery_signal = None  # the signal devtui sends (the first of on_shutdown's): what the checks look at
_installed = set()
_previous = {}  # signum: the handler on_shutdown replaced
_off_main = False  # on_shutdown ran off the main thread, so the client has no signal handler
_by_message = False
_claim = threading.Lock()  # acquired once and never released: whoever gets it runs the handler
_done = threading.Event()
_exit_code = 0  # what the handler asked for, when it ran from a hook or at exit
_stop = None  # (source, signal name): the first stop request the client saw while the app stops itself
_deadline = None  # epoch seconds of devtui's force kill, moved by extend()
_first_deadline = None
_fallback = None
_warned_alone = False
_sigints = 0
_at_exit_registered = False


def _is_apps_handler(handler):
    return callable(handler) and handler is not _on_signal and handler is not signal.default_int_handler


def _who_stops():
    """Who will end the process on the stop signal: "client", "app", or None (nobody will run the
    handler: the default action kills the process, or the signal is ignored)."""
    try:
        current = signal.getsignal(_delivery_signal)
    except (TypeError, ValueError):
        return "app"
    if current is _on_signal:
        return "app" if _is_apps_handler(_previous.get(_delivery_signal)) else "client"
    # None: a handler installed from C (a server written in C or Rust), which may well exit normally.
    if current is None or _is_apps_handler(current):
        return "app"
    return None


def _warn_alone():
    global _warned_alone
    if _warned_alone:
        return
    _warned_alone = True
    name = _signal_name(_delivery_signal)
    current = signal.getsignal(_delivery_signal)
    if _off_main:
        why = "on_shutdown() was called off the main thread, where Python cannot take signals, and nothing in the app handles %s" % name
    elif current is signal.SIG_IGN:
        why = "%s is ignored since on_shutdown() set the handler up" % name
    else:
        why = "%s's handler was reset to the default since on_shutdown() set it up" % name
    effect = "the app never stops on it" if current is signal.SIG_IGN else "the stop signal ends the process at once"
    _warn("the shutdown handler cannot run: %s, so %s and the state is not saved. Call on_shutdown() from the "
          "main thread once the server has set up its signals, or call devtui_client.run_shutdown() from the "
          "app's own shutdown code" % (why, effect))


def _note_stop(source, signal_name):
    global _stop
    if _stop is None:
        _stop = (source, signal_name)
    elif _stop[1] is None and signal_name is not None:
        _stop = (_stop[0], signal_name)  # the message came first, then the signal


def _on_message(message):
    # In the reader thread, right before devtui's stop signal.
    global _deadline, _first_deadline
    deadline = message.get("deadline")
    if isinstance(deadline, (int, float)) and not isinstance(deadline, bool):
        _deadline = _first_deadline = deadline / 1000.0
    if _handler is None or _claim.locked():
        return
    who = _who_stops()
    if who == "client":
        _wake_main_thread()
        return
    # Waking the main thread would deliver the signal to the app's handler a second time, and a
    # second signal means "force" to some servers (uvicorn's SIGINT): devtui's own is on its way.
    _note_stop("message", None)
    if who is None:
        _warn_alone()
    else:
        _arm_fallback()


def _wake_main_thread():
    # The handler must run in the main thread (only it may own signal handling), so the reader
    # thread turns the message into the same signal the handler already listens for.
    global _by_message
    if _handler is None or _claim.locked() or _delivery_signal is None:
        return
    _by_message = True
    if hasattr(signal, "pthread_kill"):
        signal.pthread_kill(threading.main_thread().ident, _delivery_signal)
    else:
        import _thread
        try:
            _thread.interrupt_main(_delivery_signal)
        except TypeError:  # before 3.10 it can only simulate SIGINT
            _thread.interrupt_main()


def _flush_all():
    if "logging" in sys.modules:
        with contextlib.suppress(Exception):
            sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _force_exit(code, grace):
    time.sleep(grace)
    left = [t.name for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()]
    if left:
        _warn("exiting although threads still run (stop them in the shutdown handler): %s" % ", ".join(left))
    _flush_all()
    os._exit(code)


def _info(source, signal_name):
    message = _channel.shutdown_message or {}
    deadline = message.get("deadline")
    timeout = message.get("timeoutMs")
    return ShutdownInfo(
        source=source,
        signal=signal_name,
        reason=message.get("reason"),
        files=message.get("files"),
        deadline=deadline / 1000.0 if isinstance(deadline, (int, float)) else None,
        timeout=timeout / 1000.0 if isinstance(timeout, (int, float)) else None,
    )


def _stop_info(otherwise):
    if _stop is not None:
        return _info(*_stop)
    return _info("message" if _channel.shutdown_message is not None else otherwise, None)


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _exit_code_of(stop):
    return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)


def _handler_failed():
    _warn("shutdown handler failed:\n" + traceback.format_exc().rstrip())
    return 1


async def _awaited(awaitable):
    return await awaitable


def _call_handler(info):
    """Runs the handler (the caller holds the claim) and returns the exit code it asks for. An
    async handler is run to the end in a loop of its own when no loop runs in this thread."""
    code = 0
    try:
        result = _handler(info)
        if hasattr(result, "__await__"):
            import asyncio
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(_awaited(result))
            else:
                with contextlib.suppress(Exception):
                    result.close()
                raise RuntimeError("the shutdown handler is async, and it was called inside a running event loop "
                                   "that cannot wait for it here: use devtui_client.lifespan() or "
                                   "await devtui_client.shutdown_hook() in the app's own shutdown")
    except SystemExit as stop:
        code = _exit_code_of(stop)
    except BaseException:
        code = _handler_failed()
    finally:
        _done.set()
    return code


def _on_signal(signum, frame):
    global _by_message, _sigints
    by_message, _by_message = _by_message, False
    if signum == getattr(signal, "SIGINT", None) and not by_message:
        _sigints += 1
        if _sigints >= 2:
            os._exit(130)  # a second Ctrl-C forces the exit, as people expect from a terminal
    if _handler is None or _claim.locked():
        return
    previous = _previous.get(signum)
    if not by_message and _is_apps_handler(previous):
        # The app handles this signal as well: it stops the app its own way, and the handler runs
        # once it has (from its shutdown hook, or at exit).
        _note_stop("signal", _signal_name(signum))
        _arm_fallback()
        return previous(signum, frame)
    if not _claim.acquire(False):
        return
    source = "message" if by_message else "signal"
    if source == "signal" and _channel.connected():
        _channel.message_arrived.wait(_MESSAGE_WAIT)
    code = _call_handler(_info(source, None if by_message else _signal_name(signum)))
    _channel.close()
    # SystemExit unwinds the main thread, but the interpreter then waits for the app's own
    # non-daemon threads; a daemon watchdog ends the process if they outlive the grace period.
    threading.Thread(target=_force_exit, args=(code, _EXIT_GRACE), name="devtui-exit", daemon=True).start()
    sys.exit(code)


def _arm_fallback():
    # The app stops itself, but devtui force-kills it at the deadline: the handler must have run by
    # then, even if the app's own shutdown hangs (a connection that never closes, a handler that
    # does not stop the app).
    global _fallback
    if _fallback is not None or _deadline is None or _handler is None:
        return
    _fallback = threading.Thread(target=_fallback_wait, name="devtui-fallback", daemon=True)
    _fallback.start()


def _fallback_wait():
    message = _channel.shutdown_message or {}
    timeout = message.get("timeoutMs")
    margin = max(_FALLBACK_MIN, _FALLBACK_SHARE * timeout / 1000.0) if isinstance(timeout, (int, float)) else _FALLBACK_MIN
    asked = time.time()
    while True:
        left = _deadline - margin - time.time()  # extend() moves the deadline
        if left <= 0:
            break
        if _done.wait(left):
            return
    if not _claim.acquire(False):
        return
    _warn("the app was still stopping %.1f s after devtui asked it to; ran the shutdown handler now and exited, "
          "before devtui's force kill (its own shutdown never ended, or its signal handler does not stop it)"
          % (time.time() - asked))
    code = _call_handler(_stop_info("message"))
    _channel.close()
    _flush_all()
    os._exit(code)


def _at_exit():
    # After the app stopped itself: its framework returned from its loop and the interpreter exits.
    global _exit_code
    if _handler is not None and (_stop is not None or _off_main or signal.getsignal(_delivery_signal) is not _on_signal):
        if _claim.acquire(False):
            if _channel.connected():
                # The app may have stopped on devtui's signal before the reader thread read the
                # message sent right before it: let it land so the handler sees the reason.
                _channel.message_arrived.wait(_MESSAGE_WAIT)
            code = _call_handler(_stop_info("exit"))
            _exit_code = _exit_code or code
        elif _deadline is not None:
            _done.wait(max(0.0, _deadline - time.time()))  # it runs in another thread right now
    _channel.close()
    if _exit_code:
        _flush_all()
        os._exit(_exit_code)


def run_shutdown():
    """Runs the shutdown handler now, in this thread, if it has not run yet, and returns whether it
    did. It does not exit: call it from the app's own shutdown code once the server has stopped
    (a gunicorn worker_exit hook, a sync framework hook). In async code use shutdown_hook()."""
    global _exit_code
    if _handler is None or not _claim.acquire(False):
        return False
    _exit_code = _exit_code or _call_handler(_stop_info("app"))
    return True


async def shutdown_hook(*args, **kwargs):
    """run_shutdown() for async frameworks, awaiting an async handler: for aiohttp
    ``app.on_cleanup.append(devtui.shutdown_hook)``, for FastAPI and Starlette event handlers
    ``app.add_event_handler("shutdown", devtui.shutdown_hook)``, Quart's ``after_serving``. Its
    arguments are ignored, so it fits any hook signature."""
    global _exit_code
    if _handler is None or not _claim.acquire(False):
        return False
    code = 0
    try:
        result = _handler(_stop_info("app"))
        if hasattr(result, "__await__"):
            await result
    except SystemExit as stop:
        code = _exit_code_of(stop)
    except BaseException as error:
        if type(error).__name__ == "CancelledError":
            raise
        code = _handler_failed()
    finally:
        _done.set()
    _exit_code = _exit_code or code
    return True


def lifespan(inner=None):
    """A Starlette or FastAPI lifespan that calls ready() once the app has started, and the
    shutdown handler once the server has drained its connections and the app's own lifespan (inner,
    optional) has ended:
    ``Starlette(lifespan=devtui.lifespan(own_lifespan))``, ``FastAPI(lifespan=devtui.lifespan())``."""

    @contextlib.asynccontextmanager
    async def devtui_lifespan(app):
        if inner is None:
            ready()
            yield
        else:
            async with inner(app) as value:
                ready()
                yield value
        await shutdown_hook()

    return devtui_lifespan


def _signal_numbers(signals):
    if signals is None:
        signals = [name for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)]
    numbers = [getattr(signal, item) if isinstance(item, str) else int(item) for item in signals]
    if not numbers:
        raise ValueError("on_shutdown needs at least one signal")
    return numbers


def on_shutdown(fn, signals=None):
    """Runs fn(info) once when the app is asked to stop (a stop signal or devtui's shutdown
    message). signals defaults to SIGTERM, SIGINT and SIGHUP. A later call replaces fn. Usable as a
    decorator.

    When nothing else in the app handles the signal, fn runs in the main thread and the process
    then exits 0, or 1 if fn raises; fn must stop the non-daemon threads the app started, or the
    exit waits for them. When the app or its framework handles the signal too (uvicorn, hypercorn,
    aiohttp, gunicorn...), it stops the app its own way and fn runs after it: from lifespan(),
    shutdown_hook() or run_shutdown() if the app calls one, else when the interpreter exits.
    Called off the main thread, it cannot set up a signal handler; fn then runs in those later
    ways only."""
    global _handler, _delivery_signal, _off_main, _at_exit_registered
    numbers = _signal_numbers(signals)
    _handler = fn
    _delivery_signal = numbers[0]
    if threading.current_thread() is threading.main_thread():
        _off_main = False
        for number in numbers:
            previous = signal.signal(number, _on_signal)
            if previous is not _on_signal:
                _previous[number] = previous
            _installed.add(number)
    else:
        _off_main = True
    if not _at_exit_registered:
        _at_exit_registered = True
        import atexit
        atexit.register(_at_exit)
    if _channel.shutdown_message is not None:
        _on_message(_channel.shutdown_message)
    return fn


def _after_fork_in_child():
    # A forked child is not the app: it must neither share the parent's connection nor run the
    # parent's shutdown handler when the stop signal reaches the whole process group.
    global _handler, _delivery_signal, _claim, _done, _stop, _deadline, _first_deadline, _fallback, _exit_code, _off_main
    _channel.forget()
    for number in _installed:
        with contextlib.suppress(Exception):
            if signal.getsignal(number) is _on_signal:
                signal.signal(number, signal.SIG_DFL)
    _installed.clear()
    _previous.clear()
    _handler = None
    _delivery_signal = None
    _off_main = False
    _claim = threading.Lock()
    _done = threading.Event()
    _stop = None
    _deadline = None
    _first_deadline = None
    _fallback = None
    _exit_code = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

_channel.connect()
