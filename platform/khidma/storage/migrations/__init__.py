"""Alembic migrations, configured in code so they run from an installed wheel.

`Database.upgrade()` is the normal way in. For writing a new revision or printing SQL for
a DBA, `python -m khidma.storage.migrations <alembic command> …` runs Alembic's own
command line against `KHIDMA_DATABASE_URL` (e.g. `revision --autogenerate -m "…"`,
`upgrade head --sql`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from typing import Protocol

from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy import Engine

from khidma.storage.types import UTCDateTime
from khidma.storage.write_lock import WRITE_LOCK


class Migratable(Protocol):
    """What a migration needs of `khidma.storage.db.Database` (which calls `run`): its
    engine. A protocol, so this module does not import the one that imports it."""

    @property
    def engine(self) -> Engine: ...


SCRIPT_LOCATION = Path(__file__).resolve().parent


def _render_item(kind: str, obj: Any, _context: AutogenContext) -> str | bool:
    # Revisions are frozen history: they spell out plain SQLAlchemy types rather than
    # import Khidma's column types, which may change later.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# What Alembic compares and how it renders; env.py and the test that checks the models
# against the migrations use the same options.
CONTEXT_OPTIONS: dict[str, Any] = {
    "compare_type": True,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead, and on
    # PostgreSQL it emits plain ALTERs, so revisions written this way run on both.
    "render_as_batch": True,
    "render_item": _render_item,
}

# pg_advisory_xact_lock key, so that two processes starting at once migrate one by one.
ADVISORY_LOCK_KEY = 0x6B6869646D61  # "khidma"


def alembic_config(url: str | None = None) -> Config:
    """The equivalent of an alembic.ini, built in code."""
    config = Config()
    config.set_main_option("script_location", _escape(str(SCRIPT_LOCATION)))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", _escape(url))
    return config


# Alembic keeps the running migration in module globals (`alembic.context`, `alembic.op`),
# so one process runs one migration at a time; processes are kept apart by the database.
_ONE_AT_A_TIME = threading.Lock()


def run(database: Migratable, action: str, revision: str) -> None:
    """Run `alembic upgrade|downgrade revision` on `database`'s engine."""
    config = alembic_config()
    with _ONE_AT_A_TIME, database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's procedure for schema changes: foreign keys off while tables are
            # rebuilt (batch mode), then checked. The pragma only works outside a
            # transaction, hence the driver connection.
            _pragma(connection, "foreign_keys = OFF")
            # BEGIN IMMEDIATE: a second process waits, then finds the schema up to date.
            connection.execution_options(**{WRITE_LOCK: True})
        try:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
            if sqlite:
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.rollback()
                if problems:
                    raise RuntimeError(f"foreign keys broken by the migration: {problems}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys = ON")


def pending(database: Migratable) -> list[str]:
    """The revisions `database` still lacks, oldest first (empty when it is up to date).

    A database whose revision this code does not know (a newer release migrated it) is
    reported as a RuntimeError: serving it with older code could corrupt it.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    with database.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise RuntimeError(
            f"the database is at revision {', '.join(sorted(unknown))}, which this version "
            "of Khidma does not know: it was migrated by a newer release"
        )
    if current == set(script.get_heads()):
        return []
    lower = tuple(sorted(current)) or "base"
    missing = [r.revision for r in script.iterate_revisions("heads", lower)]
    return list(reversed(missing))


def _pragma(connection: Connection, pragma: str) -> None:
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute(f"PRAGMA {pragma}")


def _escape(value: str) -> str:
    return value.replace("%", "%%")  # Config values go through ConfigParser interpolation
