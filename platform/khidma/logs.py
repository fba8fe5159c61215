"""Logs as JSON lines with a request id, for a deployment's log collector.

Each request gets an id: the `X-Request-ID` the proxy sent (when it looks like one), or
a new one. It is echoed in the response header, attached to every log record written
while the request runs, and one access line per request records method, path, status
and duration. In development the format stays plain text unless `LOG_FORMAT=json`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask
from flask import g
from flask import has_request_context
from flask import request
from werkzeug.wrappers import Response

access_log = logging.getLogger("khidma.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# LogRecord attributes every record has; anything else was passed in `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key != "request_id" and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id()
        return True


def configure(fmt: str, level: int = logging.INFO) -> None:
    """Send the platform's logs to stderr in `fmt` ("json" or "text"). Idempotent."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_khidma", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._khidma = True  # type: ignore[attr-defined]
    handler.addFilter(_RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        started = g.get("request_started")
        if started is not None and request.endpoint != "static":
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": rid,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": request.remote_addr,
                },
            )
        return response
