"""`serve`: build, show the site on localhost, and rebuild when a source is saved.

Polling (twice a second) instead of OS file events: no extra dependency, works the same on
every platform and in editors that save by renaming. A failed rebuild prints its findings
and leaves the last good output in place, so the browser keeps showing something sensible.
"""
from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WATCHED = ("*.yaml", "*.docx", "*.json", "*.j2", "*.css", "*.js")


def snapshot(folders: list[Path]) -> dict[Path, int]:
    """Modification times of every source, template and schema under the given folders."""
    state = {}
    for folder in folders:
        for pattern in WATCHED:
            for path in folder.rglob(pattern):
                try:
                    state[path] = path.stat().st_mtime_ns
                except OSError:
                    continue  # removed while we looked; the next snapshot sees it gone
    return state


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the author wants build messages, not one line per request
        pass


def start_server(site: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(folders: list[Path], rebuild, *, interval: float = 0.5, stop: threading.Event | None = None) -> None:
    """Call `rebuild()` whenever something under `folders` changes, until `stop` is set."""
    stop = stop or threading.Event()
    last = snapshot(folders)
    while not stop.wait(interval):
        current = snapshot(folders)
        if current != last:
            time.sleep(0.1)  # let an editor finish writing before we read
            last = snapshot(folders)
            rebuild()
