"""devtui's client for Python apps (Python 3.8+, standard library only).

Tells devtui that the app is there and ready, reports shutdown phases, saves and loads the restart
state, and runs one shutdown handler when the app is asked to stop: by the stop signal or by
devtui's ``shutdown`` message, whichever comes first. The protocol is in devtui's docs/protocol.md.

    import devtui_client as devtui

    state = devtui.load_state() or {}          # None on a first start

    @devtui.on_shutdown
    def stop(info):                            # runs once, in the main thread, then exits 0
        with devtui.phase("api_server"):
            server.shutdown()
        devtui.save_state({"self_state": state})

    devtui.ready()

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
    "ShutdownInfo", "extend", "http_server", "is_restart", "listen_socket", "load_state", "on_shutdown",
    "phase", "ready", "restart", "save_state", "state_file", "under_devtui",
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

#: What on_shutdown's handler receives. source: "signal" or "message"; signal: its name or None;
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
            _wake_main_thread()


_channel = _Channel()
_handler = None
_delivery_signal = None
_installed = set()
_by_message = False
_stopping = False
_sigints = 0


def ready():
    """Tells devtui the app is serving."""
    _channel.send({"type": "ready"})


def extend(seconds):
    """Asks devtui for more time before the force kill (devtui bounds it)."""
    if seconds > 0:
        _channel.send({"type": "extend", "ms": int(seconds * 1000 + 0.999)})


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


def _wake_main_thread():
    # The handler must run in the main thread (only it may own signal handling), so the reader
    # thread turns the message into the same signal the handler already listens for.
    global _by_message
    if _handler is None or _stopping or _delivery_signal is None:
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


def _force_exit(code, grace):
    time.sleep(grace)
    left = [t.name for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()]
    if left:
        _warn("exiting although threads still run (stop them in the shutdown handler): %s" % ", ".join(left))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
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


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _on_signal(signum, frame):
    global _by_message, _stopping, _sigints
    by_message, _by_message = _by_message, False
    if signum == getattr(signal, "SIGINT", None) and not by_message:
        _sigints += 1
        if _sigints >= 2:
            os._exit(130)  # a second Ctrl-C forces the exit, as people expect from a terminal
    if _stopping or _handler is None:
        return
    _stopping = True
    source = "message" if by_message else "signal"
    if source == "signal" and _channel.connected():
        _channel.message_arrived.wait(_MESSAGE_WAIT)
    name = None if by_message else _signal_name(signum)
    code = 0
    try:
        _handler(_info(source, name))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        code = 1
        _warn("shutdown handler failed:\n" + traceback.format_exc().rstrip())
    _channel.close()
    # SystemExit unwinds the main thread, but the interpreter then waits for the app's own
    # non-daemon threads; a daemon watchdog ends the process if they outlive the grace period.
    threading.Thread(target=_force_exit, args=(code, _EXIT_GRACE), name="devtui-exit", daemon=True).start()
    sys.exit(code)


def _signal_numbers(signals):
    if signals is None:
        signals = [name for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)]
    numbers = [getattr(signal, item) if isinstance(item, str) else int(item) for item in signals]
    if not numbers:
        raise ValueError("on_shutdown needs at least one signal")
    return numbers


def on_shutdown(fn, signals=None):
    """Runs fn(info) once, in the main thread, when the app is asked to stop (a stop signal or
    devtui's shutdown message), then exits 0, or 1 if fn raises. signals defaults to SIGTERM,
    SIGINT and SIGHUP. Must be called from the main thread; a later call replaces fn. Usable as a
    decorator. fn must stop the non-daemon threads the app started, or the exit waits for them."""
    global _handler, _delivery_signal
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("devtui_client.on_shutdown must be called from the main thread")
    numbers = _signal_numbers(signals)
    _handler = fn
    for number in numbers:
        signal.signal(number, _on_signal)
        _installed.add(number)
    _delivery_signal = numbers[0]
    if _channel.shutdown_message is not None:
        _wake_main_thread()
    return fn


def _after_fork_in_child():
    # A forked child is not the app: it must neither share the parent's connection nor run the
    # parent's shutdown handler when the stop signal reaches the whole process group.
    global _handler, _delivery_signal
    _channel.forget()
    for number in _installed:
        with contextlib.suppress(Exception):
            if signal.getsignal(number) is _on_signal:
                signal.signal(number, signal.SIG_DFL)
    _installed.clear()
    _handler = None
    _delivery_signal = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

_channel.connect()
