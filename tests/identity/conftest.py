"""Identity fixtures: a fresh app per test (SQLite in a temporary instance folder, DEV on,
the four services) and `Actions`, a small driver that fills the account pages the way a
person does (`tests/drivers.py`; the `actions` fixture is the root conftest's)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask import url_for
from flask.testing import FlaskClient

from khidma.web.access import ACCESS
from khidma.web.access import CITIZEN
from tests.drivers import deployed_app

SECRET = "identity-tests-9f3Kq2LmX8vR4tZ7wB1nC6hD0jG5pY"
START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)  # 12:00 in Riyadh


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    counter = itertools.count()

    def make(**config: Any) -> Flask:
        home = tmp_path / f"app-{next(counter)}"  # each app its own database
        return deployed_app(home, **{"SECRET_KEY": SECRET, "NOW": START, **config})

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def citizen_post_url(app: Flask) -> str:
    """Some registered citizen-only endpoint that takes POSTs, with sample values, and
    CSRF off so that the access check is what answers (the test is skipped when there is
    no such endpoint)."""
    app.config["WTF_CSRF_ENABLED"] = False
    for rule in app.url_map.iter_rules():
        if ACCESS.get(rule.endpoint) == CITIZEN and "POST" in (rule.methods or ()):
            with app.test_request_context():
                return url_for(rule.endpoint, **{name: "x" for name in rule.arguments})
    pytest.skip("no citizen-only POST endpoint is registered yet")
