"""Fifty citizens press "submit" at once: fifty distinct references, no gap, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from khidma.definitions.snapshot import snapshot
from khidma.storage.models import Draft
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.snapshots import save_definition
from tests.drivers import make_app
from tests.drivers import sign_in
from tests.wizard.test_wizard_web import complete_emirate

COUNT = 50


def fifty_concurrent_submits(app: Any) -> list[str]:
    first = sign_in(app, "citizen")
    template = complete_emirate(app, first)
    db = app.extensions["khidma.db"]
    with db.session(write=True) as s:
        model = s.scalar(select(Draft).where(Draft.token == template.token))
        definition = app.extensions["khidma.registry"].current("emirate_visit")
        save_definition(s, definition, snapshot(definition))
        user = s.scalar(select(User).where(User.id == model.user_id))
        tokens = []
        for _ in range(COUNT):
            copy = Draft(
                service_id=model.service_id,
                definition_hash=model.definition_hash,
                user_id=user.id,
                answers=dict(model.answers),
                accepted_instructions_at=model.accepted_instructions_at,
                expires_at=model.expires_at,
            )
            s.add(copy)
            s.flush()
            tokens.append(copy.token)
    clients = [sign_in(app, "citizen") for _ in range(COUNT)]
    barrier = threading.Barrier(COUNT)
    statuses: list[int] = []

    def submit(client: Any, token: str) -> None:
        barrier.wait()
        response = client.post(f"/drafts/{token}/submit", data={"declaration": ["data_accuracy"]})
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses.count(302) == COUNT, statuses
    with db.session() as s:
        return list(s.scalars(select(Submission.reference)))


def _check(references: list[str]) -> None:
    assert len(references) == COUNT
    numbers = sorted(int(r.split("/")[0]) for r in references)
    assert numbers == list(range(1, COUNT + 1))
    assert len({r.split("/")[1] for r in references}) == 1


def _run(app: Any) -> None:
    # What the suite has built up before this test (a gigabyte of objects by the end)
    # is moved out of the collector's reach: otherwise the fifty threads' collections
    # scan all of it, and the test takes minutes in the full run instead of seconds.
    gc.collect()
    gc.freeze()
    try:
        _check(fifty_concurrent_submits(app))
    finally:
        gc.unfreeze()
        app.extensions["khidma.db"].dispose()


def test_fifty_concurrent_submits_on_sqlite(tmp_path: Path) -> None:
    _run(make_app(tmp_path))


@pytest.mark.postgres
def test_fifty_concurrent_submits_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    _run(make_app(tmp_path, DATABASE_URL=pg_url))
