"""The hash-chained audit log: appends chain, tampering is found, concurrent appends from
threads and processes keep one chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import URL
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from khidma.storage import Database
from khidma.storage import Submission
from khidma.storage import audit
from khidma.storage.trust_models import AuditEntry


def _fill(database: Database, n: int) -> None:
    for i in range(n):
        with database.session(write=True) as session:
            audit.append(
                session,
                actor="tester",
                action="viewed",
                object_type="submission",
                object_id=i,
                details={"i": i, "text": "عربي", "nested": {"b": 1, "a": [1, 2]}},
            )


def _verify(database: Database) -> audit.Verification:
    with database.session() as session:
        return audit.verify(session)


def test_an_empty_log_verifies_and_has_the_genesis_head(database: Database) -> None:
    with database.session() as session:
        assert audit.head(session) == (0, audit.GENESIS)
        assert audit.verify(session).ok


def test_appended_entries_form_one_chain_that_verifies(database: Database) -> None:
    _fill(database, 5)
    with database.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        result = audit.verify(session)
        assert result.ok and result.checked == 5
        assert audit.head(session) == (5, entries[-1].hash)


def test_what_is_hashed_is_what_is_stored(database: Database) -> None:
    # A time with microseconds, and details whose key order a database may change.
    at = datetime(2026, 12, 2, 3, 4, 5, 123456, tzinfo=UTC)
    with database.session(write=True) as session:
        written = audit.append(
            session,
            actor=None,
            action="x",
            object_type="t",
            object_id="1",
            details={"z": 1, "a": "ب"},
            at=at,
        )
        digest = written.hash
    with database.session() as session:
        stored = session.scalars(select(AuditEntry)).one()
        assert stored.at == at
        assert audit.entry_hash(stored) == digest
        assert stored.details == '{"a":"ب","z":1}'


@pytest.mark.parametrize(
    "change",
    [
        {"action": "approved"},
        {"object_id": "999"},
        {"details": '{"i":2,"text":"x"}'},
        {"at": datetime(2020, 1, 1, tzinfo=UTC)},
        {"actor": "someone else"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_an_updated_entry_is_named(database: Database, change: dict[str, object]) -> None:
    _fill(database, 5)
    with database.session(write=True) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(**change))
    result = _verify(database)
    assert not result.ok
    assert result.bad_seq == 3 and result.checked == 2
    assert "content" in result.reason


def test_a_deleted_entry_is_named(database: Database) -> None:
    _fill(database, 5)
    with database.session(write=True) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    result = _verify(database)
    assert not result.ok and result.bad_seq == 4


def test_a_deleted_entry_with_the_chain_renumbered_is_still_found(database: Database) -> None:
    _fill(database, 4)
    with database.session(write=True) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
        for seq in (3, 4):
            session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(seq=seq - 1))
    result = _verify(database)
    assert not result.ok and result.bad_seq == 2
    assert "does not follow" in result.reason


def test_an_inserted_entry_is_named(database: Database) -> None:
    _fill(database, 4)
    with database.session(write=True) as session:
        # Forge an entry in the middle: move the tail up one place and slip it in.
        for seq in (4, 3):
            session.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(seq=seq + 1))
        second = session.scalars(select(AuditEntry).where(AuditEntry.seq == 2)).one()
        forged = AuditEntry(
            seq=3,
            at=second.at,
            actor="intruder",
            actor_role="admin",
            action="approved",
            object_type="submission",
            object_id="7",
            details="{}",
            prev_hash="f" * 64,
            hash="",
        )
        forged.hash = audit.entry_hash(forged)
        session.add(forged)
    result = _verify(database)
    assert not result.ok and result.bad_seq == 3
    assert "does not follow" in result.reason


def test_removed_newest_entries_are_found_against_an_anchored_head(database: Database) -> None:
    _fill(database, 4)
    with database.session() as session:
        _, anchor = audit.head(session)
    with database.session(write=True) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    with database.session() as session:
        assert audit.verify(session).ok  # a shorter chain is still a chain...
        result = audit.verify(session, anchor=anchor)
    assert not result.ok and "anchored head" in result.reason  # ...but not the one anchored


def test_an_append_rolls_back_with_its_transaction(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        audit.append(session, actor=None, action="x", object_type="t", object_id=1)
        raise RuntimeError("the action failed")
    with database.session() as session:
        assert audit.head(session) == (0, audit.GENESIS)


def test_sqlite_refuses_an_append_outside_a_write_session(database: Database) -> None:
    if database.backend != "sqlite":
        pytest.skip("PostgreSQL takes the advisory lock in any transaction")
    with pytest.raises(audit.AuditWriteLockMissing), database.session() as session:
        audit.append(session, actor=None, action="x", object_type="t", object_id=1)


THREADS, PER_THREAD = 6, 8


def test_concurrent_appends_from_threads_keep_one_chain(database: Database) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            _fill(database, PER_THREAD)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = _verify(database)
    assert result.ok and result.checked == THREADS * PER_THREAD


PROCESSES, PER_PROCESS = 4, 10


def _append_in_process(url: str, n: int) -> None:
    database = Database(url)
    try:
        _fill(database, n)
    finally:
        database.dispose()


def test_concurrent_appends_from_processes_keep_one_chain(
    database: Database, database_url: URL
) -> None:
    context = multiprocessing.get_context("spawn")
    url = database_url.render_as_string(hide_password=False)
    processes = [
        context.Process(target=_append_in_process, args=(url, PER_PROCESS))
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    result = _verify(database)
    assert result.ok and result.checked == PROCESSES * PER_PROCESS


def test_the_commands_print_the_head_and_name_the_first_bad_entry(
    database: Database, database_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from khidma.cli import main

    _fill(database, 3)
    monkeypatch.setenv("KHIDMA_DATABASE_URL", database_url.render_as_string(hide_password=False))
    runner = CliRunner()
    with database.session() as session:
        seq, digest = audit.head(session)
    shown = runner.invoke(main, ["audit", "head"])
    assert shown.exit_code == 0 and shown.output.strip() == f"{seq} {digest}"
    good = runner.invoke(main, ["audit", "verify", "--anchor", digest])
    assert good.exit_code == 0 and "ok: 3 entries" in good.output
    with database.session(write=True) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(action="forged"))
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "entry 2" in bad.output


def test_every_status_change_is_an_entry_in_its_own_transaction(
    database: Database, new_submission: Any
) -> None:
    from khidma.storage.models import StatusEvent

    with database.session(write=True) as session:
        submission = new_submission(1, 1448)
        session.add(submission)
        session.flush()
        session.add(StatusEvent(submission=submission, to_status="submitted", actor_role="citizen"))
        session.add(
            StatusEvent(
                submission=submission,
                from_status="submitted",
                to_status="approved",
                actor_role="staff",
            )
        )
        submission_id = submission.id
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        again = session.get_one(Submission, submission_id)
        session.add(StatusEvent(submission=again, to_status="x", actor_role="staff"))
        session.flush()
        raise RuntimeError("rolled back: its entry goes with it")
    with database.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert audit.verify(session).ok
    assert [(e.action, e.object_id, e.actor_role) for e in entries] == [
        ("status_change", str(submission_id), "citizen"),
        ("status_change", str(submission_id), "staff"),
    ]
    assert '"to":"approved"' in entries[1].details
