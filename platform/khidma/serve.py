"""`khidma serve`: the platform under gunicorn, with defaults fit for a public portal.

- **Workers and threads.** `gthread` workers: each process serves several requests at
  once on threads, so a few slow clients hold a few threads, never the whole process.
  Gunicorn (23+) waits for a new connection's first bytes before it gives it a thread;
  `client_timeout` below drops a client that stops sending half-way through a body. By
  default one worker per core (at least two) and 16 threads each. In production a
  reverse proxy that buffers request bodies (nginx's default) makes slow uploads free.
- **Recycling.** A worker is replaced after `max_requests` (± jitter) requests: PDF
  rendering (WeasyPrint) grows the heap, and a fresh process gives it back.
- **The app is loaded once, before the fork** (`preload_app`): definitions are parsed
  and compiled once, a broken services folder or an unmigrated database stops the start
  with the reason instead of every worker answering 500, and the workers share the
  compiled definitions' memory. Each worker drops the parent's database connections
  after the fork.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from sqlalchemy.orm import configure_mappers

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


@dataclass
class ServeOptions:
    bind: list[str] = field(default_factory=lambda: ["127.0.0.1:8000"])
    workers: int = field(default_factory=default_workers)
    threads: int = 16
    timeout: int = 60  # a worker silent this long is killed and replaced
    graceful_timeout: int = 30
    keepalive: int = 5
    max_requests: int = 2000
    max_requests_jitter: int = 200
    client_timeout: float = 30.0  # seconds a client may stay silent while sending
    access_log: bool = False  # the app logs one JSON line per request itself

    def gunicorn(self) -> dict[str, Any]:
        return {
            "bind": self.bind,
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread",
            "timeout": self.timeout,
            "graceful_timeout": self.graceful_timeout,
            "keepalive": self.keepalive,
            "max_requests": self.max_requests,
            "max_requests_jitter": self.max_requests_jitter,
            "preload_app": True,
            "accesslog": "-" if self.access_log else None,
            "errorlog": "-",
            "post_fork": _post_fork,
            "proc_name": "khidma",
        }


class ClientTimeout:
    """WSGI middleware: a client that sends nothing for `seconds` while the app reads
    its request body is cut off (the read fails, the request ends with 400) instead of
    holding a thread for as long as it likes."""

    def __init__(self, app: WSGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sock = environ.get("gunicorn.socket")
        if isinstance(sock, socket.socket):
            sock.settimeout(self.seconds)
        return self.app(environ, start_response)


def _post_fork(_server: Any, worker: Any) -> None:
    app = getattr(worker.app, "flask_app", None)
    if app is not None:
        # Connections opened before the fork belong to the parent; never share them.
        app.extensions["khidma.db"].engine.dispose(close=False)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: ServeOptions) -> None:
        self.flask_app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.gunicorn().items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return ClientTimeout(self.flask_app.wsgi_app, self.options.client_timeout)


def warm(app: Flask) -> None:
    """Do in the master, once, what every worker would otherwise do on its first
    requests: compile every page template and configure the database mappers. The
    workers inherit the result when they fork, so the first requests after a start are
    as fast as the rest, instead of each of a worker's threads compiling the same
    template at once (half a second of a busy start)."""
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt"))):
        env.get_template(name)
    configure_mappers()


def serve(app: Flask, options: ServeOptions) -> None:
    """Run gunicorn in this process (its master) until it is told to stop."""
    warm(app)
    Server(app, options).run()
