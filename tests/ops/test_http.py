"""Health checks, the proxy setting, HSTS and request ids, through the app."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask import request

from khidma.logs import JsonFormatter
from tests.servers import free_port


def _migrated(app: Flask) -> Flask:
    app.extensions["khidma.db"].upgrade()
    return app


def test_healthz_answers_without_touching_the_database(make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_database_and_blobs(make_app: Callable[..., Flask]) -> None:
    response = _migrated(make_app()).test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert set(response.json["checks"]) == {"database", "blobs"}


def test_readyz_fails_when_the_database_is_unreachable(make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False
    assert response.json["checks"]["blobs"]["ok"] is True


def test_readyz_checks_redis_when_configured(make_app: Callable[..., Flask]) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = _migrated(make_app(REDIS_URL=dead, RATELIMIT_STORAGE_URI="memory://"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": response.json["checks"]["redis"]["ms"],
    }


def _echo(app: Flask) -> Flask:
    from khidma.web import access

    @app.get("/_test/echo")
    def echo() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "scheme": request.scheme, "host": request.host}

    access.ACCESS = {**access.ACCESS, "echo": access.PUBLIC}  # type: ignore[misc]
    return app


@pytest.fixture
def open_access(monkeypatch: pytest.MonkeyPatch) -> None:
    from khidma.web import access

    monkeypatch.setattr(access, "ACCESS", dict(access.ACCESS))


FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "eservices.example.gov.sa",
}


def test_behind_a_trusted_proxy_the_client_and_scheme_are_real(
    make_app: Callable[..., Flask], open_access: None
) -> None:
    app = _echo(make_app(TRUSTED_PROXIES=1))
    answer = app.test_client().get("/_test/echo", headers=FORWARDED).json
    assert answer == {"addr": "203.0.113.7", "scheme": "https", "host": "eservices.example.gov.sa"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
    make_app: Callable[..., Flask], open_access: None
) -> None:
    app = _echo(make_app())
    answer = app.test_client().get("/_test/echo", headers=FORWARDED).json
    assert answer["addr"] == "127.0.0.1"
    assert answer["scheme"] == "http"


def test_hsts_in_production_only(make_app: Callable[..., Flask]) -> None:
    production = make_app().test_client().get("/healthz")
    assert production.headers["Strict-Transport-Security"] == (
        "max-age=63072000; includeSubDomains"
    )
    development = make_app(DEV=True).test_client().get("/healthz")
    assert "Strict-Transport-Security" not in development.headers


def test_request_id_is_kept_from_the_proxy_or_made(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    given = client.get("/healthz", headers={"X-Request-ID": "edge-4f9c1a2b77"})
    assert given.headers["X-Request-ID"] == "edge-4f9c1a2b77"
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert forged.headers["X-Request-ID"] != "<script>"
    assert len(forged.headers["X-Request-ID"]) == 32


def test_access_lines_are_json_with_the_request_id(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    client = make_app().test_client()
    with caplog.at_level(logging.INFO, logger="khidma.access"):
        client.get("/healthz", headers={"X-Request-ID": "edge-4f9c1a2b77"})
    (record,) = [r for r in caplog.records if r.name == "khidma.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "edge-4f9c1a2b77"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert isinstance(line["ms"], float)
