"""Fixtures of the trust tests: the identity tests' app (the root conftest gives the storage
fixtures and `actions`), and a web app on either database with one submitted request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from khidma.storage.models import Submission
from tests.drivers import make_app as make_web_app
from tests.drivers import sign_in
from tests.identity.conftest import app  # noqa: F401  (the identity tests' app)
from tests.identity.conftest import make_app  # noqa: F401  (the identity tests' app)
from tests.wizard.test_wizard_web import complete_emirate


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    config: dict[str, Any] = {}
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("pg_url")
    made = make_web_app(tmp_path, **config)
    yield made
    made.extensions["khidma.db"].dispose()


@pytest.fixture
def submitted(web_app: Any) -> tuple[Any, Any, Submission]:
    """(app, the citizen's client, the submission) after one emirate_visit request."""
    citizen = sign_in(web_app, "citizen")
    assert complete_emirate(web_app, citizen).submit().status_code == 302
    with web_app.extensions["khidma.db"].session() as session:
        submission = session.scalars(select(Submission)).one()
    return web_app, citizen, submission
