"""The database handle: connection settings, transactions, constraints, time stamps."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import StatementError

from khidma.storage import Database
from khidma.storage import DefinitionVersion
from khidma.storage import Draft
from khidma.storage import Rating
from khidma.storage import Role
from khidma.storage import StatusEvent
from khidma.storage import Submission
from khidma.storage import User
from khidma.storage.db import ENV_URL
from khidma.storage.snapshots import definition_source
from khidma.storage.snapshots import save_definition
from khidma.storage.snapshots import stored_versions

pytestmark = pytest.mark.real_migrations  # the SQLite file a Database makes, as it makes it

NewSubmission = Callable[..., Submission]


# -- SQLite connection settings ---------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database.sqlite(tmp_path / "instance", busy_timeout=7)
    try:
        with database.engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 7000
        assert (tmp_path / "instance" / "khidma.sqlite3").is_file()
    finally:
        database.dispose()


@pytest.mark.parametrize("opener", ["session", "connection"])
def test_sqlite_write_session_holds_the_write_lock_from_its_first_statement(
    tmp_path: Path, opener: str
) -> None:
    """A write `session()` and a write Core `connection()` alike."""
    first = Database.sqlite(tmp_path)
    second = Database.sqlite(tmp_path, busy_timeout=0.1)
    try:
        first.upgrade()
        outcome: dict[str, Any] = {}

        def other_transactions() -> None:
            with second.session() as session:  # readers are never blocked (WAL)
                outcome["read"] = session.scalar(select(func.count()).select_from(User))
            try:
                with second.session(write=True) as session:
                    session.execute(text("SELECT 1"))
            except OperationalError as error:
                outcome["write"] = str(error.orig)

        with getattr(first, opener)(write=True) as session:
            session.execute(text("SELECT 1"))  # only a read, yet the lock is taken
            thread = threading.Thread(target=other_transactions)
            thread.start()
            thread.join()
        assert outcome == {"read": 0, "write": "database is locked"}
    finally:
        first.dispose()
        second.dispose()


def test_in_memory_sqlite_is_refused() -> None:
    with pytest.raises(ValueError, match="in-memory"):
        Database("sqlite://")


# -- configuration ----------------------------------------------------------------------


def test_from_env_prefers_the_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    database = Database.from_env(tmp_path / "instance", environ={ENV_URL: url})
    assert database.url.database == str(tmp_path / "elsewhere.sqlite3")
    database.dispose()


def test_from_env_falls_back_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    database = Database.from_env(tmp_path / "instance", environ={})
    assert database.backend == "sqlite"
    assert database.url.database == str((tmp_path / "instance" / "khidma.sqlite3").resolve())
    database.dispose()


def test_from_env_without_url_or_folder_says_what_to_set() -> None:
    with pytest.raises(RuntimeError, match=ENV_URL):
        Database.from_env(environ={})


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg(scheme: str) -> None:
    database = Database(f"{scheme}://user:secret@db.example/khidma")
    assert database.url.drivername == "postgresql+psycopg"
    assert "secret" not in repr(database)
    database.dispose()


# -- transactions ------------------------------------------------------------------------


def test_session_commits_at_the_end_of_the_block(database: Database) -> None:
    with database.session() as session:
        session.add(User(username="noura", name_ar="نورة"))
    with database.session() as session:
        user = session.scalars(select(User).where(User.username == "noura")).one()
    assert user.name_ar == "نورة"  # still readable after the block
    assert user.role is Role.CITIZEN and len(user.token) >= 22


def test_session_rolls_back_when_the_block_raises(database: Database) -> None:
    with pytest.raises(LookupError), database.session() as session:
        session.add(User(username="gone"))
        session.flush()
        raise LookupError
    with database.session() as session:
        assert session.scalars(select(User).where(User.username == "gone")).first() is None


def test_savepoints_roll_back_only_their_part(database: Database) -> None:
    with database.session() as session:
        session.add(User(username="kept"))
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(User(username="kept"))  # duplicate username
        session.add(User(username="also-kept"))
    with database.session() as session:
        names = set(session.scalars(select(User.username)))
    assert names == {"kept", "also-kept"}


# -- time stamps and JSON ------------------------------------------------------------------


def test_timestamps_come_back_aware_and_in_utc(database: Database) -> None:
    riyadh = timezone(timedelta(hours=3))
    login = datetime(2025, 6, 26, 0, 30, tzinfo=riyadh)
    with database.session() as session:
        session.add(User(username="t", last_login_at=login))
    with database.session() as session:
        user = session.scalars(select(User).where(User.username == "t")).one()
        found = session.scalars(select(User).where(User.last_login_at < login + timedelta(1)))
        assert [u.username for u in found] == ["t"]
    assert user.last_login_at == login
    assert user.last_login_at is not None and user.last_login_at.tzinfo is UTC
    assert user.created_at.tzinfo is UTC


def test_naive_timestamps_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), database.session() as session:
        session.add(User(username="n", last_login_at=datetime(2025, 1, 1)))


def test_changes_to_answers_are_saved(database: Database, service_id: str) -> None:
    with database.session() as session:
        version = session.scalars(select(DefinitionVersion)).one()
        draft = Draft(service_id=service_id, definition_hash=version.hash)
        session.add(draft)
    with database.session() as session:
        draft = session.get_one(Draft, draft.id)
        draft.answers["name"] = "سارة"  # in place: noticed by the session
        draft.raw = {"birth_date": "31/02/1990"}
    with database.session() as session:
        draft = session.get_one(Draft, draft.id)
        assert draft.answers == {"name": "سارة"}
        stored = session.execute(text("SELECT CAST(answers AS TEXT) FROM drafts")).scalar()
        assert stored is not None and "سارة" in stored  # not \u escapes
        assert draft.raw == {"birth_date": "31/02/1990"}
        assert draft.updated_at >= draft.created_at


# -- constraints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(lambda: User(username="s", role=Role.STAFF), id="staff-without-agency"),
        pytest.param(lambda: User(username="m", mobile="0501234567"), id="mobile-not-e164"),
        pytest.param(
            lambda: User(username="r", role="superuser"),  # type: ignore[arg-type]
            id="unknown-role",
        ),
    ],
)
def test_user_constraints(database: Database, user: Callable[[], User]) -> None:
    error = (IntegrityError, StatementError, LookupError)
    with pytest.raises(error), database.session() as session:
        session.add(user())


def test_valid_users_pass_the_constraints(database: Database) -> None:
    with database.session() as session:
        session.add(User(username="a", role=Role.STAFF, agency_id="moi", mobile="+966501234567"))


@pytest.mark.parametrize("stars", [0, 6])
def test_ratings_are_one_to_five_stars(database: Database, service_id: str, stars: int) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Rating(service_id=service_id, stars=stars))


def test_a_submission_needs_its_definition_version_stored(
    database: Database, new_submission: NewSubmission
) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(new_submission(1, 1447, definition_hash="b" * 64))


def test_references_are_unique_per_service_and_year(
    database: Database, new_submission: NewSubmission
) -> None:
    with database.session() as session:
        session.add(new_submission(1, 1447))
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(new_submission(1, 1447))


def test_deleting_a_submission_deletes_its_history(
    database: Database, new_submission: NewSubmission
) -> None:
    with database.session() as session:
        submission = new_submission(1, 1447)
        StatusEvent(submission=submission, to_status="submitted", actor_role="citizen")
        session.add(submission)
    with database.session() as session:
        events = session.get_one(Submission, submission.id).events
        assert [e.to_status for e in events] == ["submitted"]
    with database.session() as session:  # in SQL, so that the database does the cascade
        session.execute(
            delete(Submission).where(Submission.id == submission.id),
            execution_options={"synchronize_session": False},
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StatusEvent)) == 0


# -- definition versions -------------------------------------------------------------------


class _Definition:
    id = "mawid"
    version = "2.1"
    hash = "c" * 64


def test_definition_versions_are_saved_once(database: Database) -> None:
    for _ in range(2):
        with database.session() as session:
            save_definition(session, _Definition(), "id: mawid\nversion: '2.1'\n")
    with database.session() as session:
        assert [v.version for v in stored_versions(session, "mawid")] == ["2.1"]
        assert definition_source(session, "mawid", "c" * 64) == "id: mawid\nversion: '2.1'\n"
        assert definition_source(session, "mawid", "d" * 64) is None
