"""Health checks for load balancers and orchestrators.

`/healthz` says the process is alive and serving (it touches nothing else), so a proxy
can tell a hung worker from a busy one. `/readyz` says whether this instance can do its
work now: the database answers, the blob store answers, and Redis answers when the
deployment uses it. A failing dependency makes `/readyz` answer 503 with what failed, so
the instance is taken out of rotation until it recovers; nothing here needs a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from sqlalchemy import text

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    checks: dict[str, Callable[[], None]] = {"database": _database, "blobs": _blobs}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis
    results: dict[str, dict[str, Any]] = {}
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    ready = all(r["ok"] for r in results.values())
    response = jsonify(status="ready" if ready else "not ready", checks=results)
    response.status_code = 200 if ready else 503
    return response


def _database() -> None:
    database = current_app.extensions["khidma.db"]
    with database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _blobs() -> None:
    store = current_app.extensions["khidma.blobs"]
    store.exists("0" * 64)  # a round trip to the store; the answer does not matter


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()
