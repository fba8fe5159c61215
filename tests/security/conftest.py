"""The hostile suite: each test plays an attack against the real app (Flask test client,
CSRF on, real SQLite file) and checks it is refused with a clear message in Arabic and
English, nothing the user entered lost. Outside parts are faithful fakes on local ports:
the identity-verification service (`khidma.identity.verification_simulator`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from khidma.identity.verification_simulator import VerificationSimulator
from khidma.identity.verification_simulator import VerifierServer
from tests.identity.conftest import make_app  # noqa: F401  (fixtures)

IDV_KEY = "idv-test-key-4b7Qx"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def idv() -> Iterator[VerifierServer]:
    with VerifierServer(VerificationSimulator(IDV_KEY)) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def app(
    request: pytest.FixtureRequest,
    make_app: Callable[..., Flask],  # noqa: F811
    idv: VerifierServer,
) -> Iterator[Flask]:
    """The app on a SQLite file, and on a fresh PostgreSQL schema (skipped without
    KHIDMA_TEST_DATABASE_URL)."""
    extra = {}
    if request.param == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("pg_url")
    made = make_app(IDV_URL=idv.url, IDV_API_KEY=IDV_KEY, **extra)
    yield made
    made.extensions["khidma.db"].dispose()


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))
