"""A small API in the shape of many long-running dev servers: an HTTP thread, a runtime loop that
mutates in-memory state, and a queue of recent events. Under devtui it is restarted on every change
to a .py file and carries its state across the restart, so the tick counter keeps counting.

    cd examples/python-api && node ../../dist/src/cli.js     # or: npm run example (from the repo root)
    curl -s localhost:8765/state

Standard library only, plus devtui_client (devtui puts it on PYTHONPATH).
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import devtui_client as devtui
except ImportError:  # started by hand, without devtui: use the client from this repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "client", "python"))
    import devtui_client as devtui

TICK_SECONDS = 0.25
MAX_EVENTS = 50


def log(message):
    print("[api %d] %s" % (os.getpid(), message), flush=True)


class Api(object):
    def __init__(self, port, saved):
        saved = saved or {}
        self.self_state = saved.get("self_state") or {"ticks": 0, "started_at": time.time(), "restarts": 0}
        if saved:
            self.self_state["restarts"] = self.self_state.get("restarts", 0) + 1
        self.event_queue = list(saved.get("event_queue") or [])[-MAX_EVENTS:]
        self.config = {"port": port, "tick_seconds": TICK_SECONDS}
        self.lock = threading.Lock()
        self.stop_loop = threading.Event()
        # On the socket devtui holds across restarts ("listen" in devtui.config.json), or a new one.
        self.server = devtui.http_server(self._handler(), port, "127.0.0.1", server_class=ThreadingHTTPServer)
        self.server.daemon_threads = True
        # A short poll interval keeps server.shutdown() (and so every restart) quick.
        self.api_thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="api_server")
        self.loop_thread = threading.Thread(target=self._runtime_loop, name="runtime_loop")

    def start(self):
        self.api_thread.start()
        self.loop_thread.start()

    def _runtime_loop(self):
        while not self.stop_loop.wait(TICK_SECONDS):
            with self.lock:
                self.self_state["ticks"] += 1
                ticks = self.self_state["ticks"]
                if ticks % 4 == 0:
                    self.event_queue.append({"kind": "tick", "ticks": ticks, "at": time.time()})
                    del self.event_queue[:-MAX_EVENTS]

    def snapshot(self):
        with self.lock:
            return {
                "self_state": dict(self.self_state),
                "event_queue": len(self.event_queue),
                "pid": os.getpid(),
                "restart": devtui.restart,
            }

    def drain(self):
        """The loop is stopped: take what is queued, to be saved with the rest of the state."""
        with self.lock:
            pending, self.event_queue = self.event_queue, []
        return pending

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/state":
                    self._reply(200, api.snapshot())
                elif self.path == "/health":
                    self._reply(200, {"ok": True})
                else:
                    self._reply(404, {"error": "try /state or /health"})

            def _reply(self, status, body):
                data = (json.dumps(body) + "\n").encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass  # one line per request would drown devtui's own lines

        return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--restart", action="store_true", help="restore the state saved by the last shutdown")
    args = parser.parse_args()
    port = int(os.environ.get("PORT", "8765"))

    saved = devtui.load_state()
    if args.restart or devtui.is_restart:
        if saved:
            log("restoring: ticks=%d, %d queued events" % (saved.get("self_state", {}).get("ticks", 0), len(saved.get("event_queue") or [])))
        else:
            log("restart without saved state; starting fresh")

    api = Api(port, saved)

    @devtui.on_shutdown
    def stop(info):
        log("stopping (%s)" % (info.reason or info.signal))
        with devtui.phase("api_server"):
            api.server.shutdown()
            api.api_thread.join()
            api.server.server_close()
        with devtui.phase("runtime_loop"):
            api.stop_loop.set()
            api.loop_thread.join()
        with devtui.phase("event_queue"):
            pending = api.drain()
        with devtui.phase("state"):
            devtui.save_state({"self_state": api.self_state, "event_queue": pending, "config": api.config})
        log("saved: ticks=%d, %d events" % (api.self_state["ticks"], len(pending)))

    api.start()
    log("serving on http://127.0.0.1:%d (restart %d, ticks=%d)" % (port, devtui.restart, api.self_state["ticks"]))
    devtui.ready()
    while True:
        time.sleep(3600)  # the shutdown handler interrupts this and exits


if __name__ == "__main__":
    main()
