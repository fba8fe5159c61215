"""The requests per (service, status) kept in `status_counts`: right after a submission,
a workflow move, a withdrawal and a payment moving the request on, under two moves at
once on PostgreSQL, after the migration's backfill, and after a recount of a drifted
table; and the queue's counts that the table cannot answer (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from khidma.storage import Database
from khidma.storage import StatusEvent
from khidma.storage import Submission
from khidma.storage import User
from khidma.storage import requests as store
from khidma.storage.counts import StatusCount
from khidma.storage.counts import counts
from khidma.storage.counts import recount
from khidma.storage.migrations import run
from tests.backoffice.support import page
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import citizen  # noqa: F401  (the payment platform's fixtures)
from tests.payments.conftest import make_platform  # noqa: F401  (the payment platform's fixtures)
from tests.payments.conftest import platform  # noqa: F401  (the payment platform's fixtures)
from tests.payments.conftest import services_dir  # noqa: F401  (the payment platform's fixtures)
from tests.payments.conftest import sim  # noqa: F401  (the payment platform's fixtures)
from tests.payments.test_pages import paid
from tests.web.support import csrf_from
from tests.web.support import db
from tests.web.support import make_submission
from tests.web.support import sign_in
from tests.web.support import store_submission

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
NewSubmission = Callable[..., Submission]


def kept(database: Database, *services: str) -> dict[str, int]:
    with database.session() as session:
        return counts(session, services)


def _stored(database: Database, new_submission: NewSubmission, n: int, **kw: object) -> list[int]:
    """`n` requests, each as the submit route writes it: the row and its first event."""
    with database.session(write=True) as session:
        made = [new_submission(seq, 1448, **kw) for seq in range(1, n + 1)]
        session.add_all(made)
        session.flush()
        for submission in made:
            session.add(
                StatusEvent(
                    submission=submission,
                    to_status=submission.status,
                    actor_role="citizen",
                    created_at=NOW,
                )
            )
        return [s.id for s in made]


def _move(database: Database, sid: int, to: str) -> None:
    with database.session(write=True) as session:
        _move_in(session, sid, to)


def _move_in(session: Session, sid: int, to: str) -> None:
    submission = session.get_one(Submission, sid)
    store.move(
        session,
        submission,
        status=submission.status,
        version=submission.version,
        to=to,
        role="staff",
        actor_id=None,
        note=None,
        now=NOW,
    )


def test_a_submission_counts_once_in_its_status(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    _stored(database, new_submission, 3)
    assert kept(database, service_id) == {"submitted": 3}  # the first event adds nothing
    assert kept(database, "another") == {}


def test_a_move_counts_out_of_one_status_and_into_the_other(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    first, second, _ = _stored(database, new_submission, 3)
    _move(database, first, "in_progress")
    _move(database, second, "in_progress")
    _move(database, first, "approved")
    assert kept(database, service_id) == {"submitted": 1, "in_progress": 1, "approved": 1}


def test_a_request_moved_in_the_transaction_that_made_it_counts_once(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    with database.session(write=True) as session:
        made = new_submission(1, 1448)
        session.add(made)
        session.flush()
        _move_in(session, made.id, "in_progress")
        old = new_submission(2, 1448, status="approved")  # an import: row and its past
        session.add(old)
        session.flush()
        for start, end in (
            (None, "submitted"),
            ("submitted", "in_progress"),
            ("in_progress", "approved"),
        ):
            session.add(
                StatusEvent(
                    submission=old,
                    from_status=start,
                    to_status=end,
                    actor_role="staff",
                    created_at=NOW,
                )
            )
    assert kept(database, service_id) == {"in_progress": 1, "approved": 1}


def test_a_move_that_fails_changes_no_count(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    (sid,) = _stored(database, new_submission, 1)
    with pytest.raises(store.Changed), database.session(write=True) as session:
        submission = session.get_one(Submission, sid)
        store.move(
            session,
            submission,
            status="submitted",
            version=submission.version + 5,  # read long ago: another move came first
            to="in_progress",
            role="staff",
            actor_id=None,
            note=None,
            now=NOW,
        )
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        _move_in(session, sid, "in_progress")
        raise RuntimeError("the rest of the transaction failed")  # rolled back, counts too
    assert kept(database, service_id) == {"submitted": 1}


@pytest.mark.postgres
def test_two_moves_at_once_of_the_same_status_end_with_the_exact_counts(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    if database.backend != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite lets one writer in at a time)")
    ids = _stored(database, new_submission, 40)
    halves = [ids[0::2], ids[1::2]]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def mover(mine: list[int]) -> None:
        try:
            for sid in mine:
                barrier.wait(timeout=30)  # the two moves start together, every time
                _move(database, sid, "in_progress")
        except BaseException as exc:  # reported below
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=mover, args=(half,)) for half in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert kept(database, service_id) == {"in_progress": 40}


def test_the_migration_counts_the_requests_already_there(
    empty_database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    run(empty_database, "upgrade", "0007")
    table = Submission.__table__
    with empty_database.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO definition_versions"
                " (service_id, version, hash, source_text, created_at)"
                " VALUES (:s, '1.0', :h, 'id: x', :at)"
            ),
            {"s": service_id, "h": "a" * 64, "at": NOW},
        )
        for seq, status in enumerate(["submitted", "submitted", "approved"], 1):
            row = new_submission(seq, 1448, status=status)
            values = {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}
            c.execute(insert(table).values(values))
    empty_database.upgrade()
    assert kept(empty_database, service_id) == {"submitted": 2, "approved": 1}
    empty_database.downgrade("0007")  # and back: the table goes, the requests stay
    with empty_database.engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM submissions")) == 3


def test_a_recount_repairs_a_drifted_table(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    _stored(database, new_submission, 4)
    with database.engine.begin() as c:  # a status changed by hand, behind the platform
        c.execute(text("UPDATE submissions SET status = 'approved' WHERE reference_seq = 1"))
    assert kept(database, service_id) == {"submitted": 4}
    with database.session(write=True) as session:
        wrong = recount(session.connection())
    assert wrong == {(service_id, "submitted"): 1, (service_id, "approved"): -1}
    assert kept(database, service_id) == {"submitted": 3, "approved": 1}
    with database.session(write=True) as session:
        assert recount(session.connection()) == {}


def test_khidma_db_recount_says_what_it_corrected(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    from click.testing import CliRunner

    from khidma.cli import main

    _stored(database, new_submission, 2)
    env = {"KHIDMA_DATABASE_URL": database.url.render_as_string(hide_password=False)}
    assert CliRunner().invoke(main, ["db", "recount"], env=env).output == "counts were right\n"
    with database.engine.begin() as c:
        c.execute(text("UPDATE status_counts SET n = 5"))
    result = CliRunner().invoke(main, ["db", "recount"], env=env)
    assert result.exit_code == 0
    assert result.output == f"{service_id} submitted: was +3 off, corrected\n1 count(s) corrected\n"
    assert kept(database, service_id) == {"submitted": 2}


def test_the_queue_reads_the_kept_counts_or_counts_a_few(
    database: Database,
    new_submission: NewSubmission,
    service_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stored(database, new_submission, 3)
    with database.session(write=True) as session:  # the table is what the queue reads
        session.execute(text("UPDATE status_counts SET n = 7"))
    with database.session() as session:
        assert store.status_counts(session, store.QueueFilter([service_id])) == {"submitted": 7}
        waiting = store.QueueFilter([service_id], waiting={service_id: ["needs_info"]})
        assert store.status_counts(session, waiting) == {}
        unassigned = store.QueueFilter([service_id], unassigned=True)
        assert store.status_counts(session, unassigned) == {"submitted": 3}  # counted
        monkeypatch.setattr(store, "COUNT_CAP", 2)
        assert store.status_counts(session, unassigned) is None  # more than it counts


# --------------------------------------------------------------------------- the web


def test_a_withdrawal_moves_its_count(
    app: Flask, client: FlaskClient, citizens: tuple[User, User]
) -> None:
    me, other = citizens
    submission = make_submission(app, me, 4, status="in_progress")
    store_submission(app, other, "emirate_visit", {}, 5)
    assert kept(db(app), "emirate_visit") == {"in_progress": 1, "submitted": 1}
    sign_in(client, me)
    url = f"/account/requests/{submission.token}"
    html = page(client, url)
    done = client.post(f"{url}/withdraw", data={"csrf_token": csrf_from(html), "confirm": "1"})
    assert done.status_code == 303
    assert kept(db(app), "emirate_visit") == {"withdrawn": 1, "submitted": 1}


def test_a_payment_moves_the_request_and_its_count(
    platform: Platform,  # noqa: F811  (the fixture imported above)
    citizen: Person,  # noqa: F811
) -> None:
    submission, _ = paid(platform, citizen)
    database = platform.db()
    with database.session() as session:
        status = session.scalar(select(Submission.status).where(Submission.id == submission.id))
        rows = {r.status: r.n for r in session.scalars(select(StatusCount))}
    assert status != "approved" and rows == {"approved": 0, status: 1}
    assert kept(database, submission.service_id) == {status: 1}
