"""One database handle: an engine, sessions, and the schema migrations.

SQLite (a file, WAL) is the embedded default and PostgreSQL the production database; the
same code runs on both. No web framework here: the web layer builds a `Database` in its
app factory and calls `session()` / `upgrade()` itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import make_url
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from khidma.storage.write_lock import WRITE_LOCK

ENV_URL = "KHIDMA_DATABASE_URL"
SQLITE_FILENAME = "khidma.sqlite3"


class Database:
    """An engine plus a session factory for one database URL.

    `session()` is a unit of work: it commits when the block ends and rolls back when it
    raises. Objects loaded in it stay readable after the block (no expiry on commit).

    On SQLite every connection runs in WAL mode with foreign keys enforced and a busy
    timeout, and SQLAlchemy, not the sqlite3 module, emits BEGIN (so SELECTs are inside
    the transaction, savepoints and transactional DDL work). `session(write=True)` starts
    with BEGIN IMMEDIATE: it holds the single write lock from the start, so a transaction
    that reads then writes (allocating a reference number, claiming outbox rows, saving a
    draft it has just loaded) can never fail half-way on a stale snapshot. Open every
    transaction that writes with `write=True`: a plain `session()` that reads, then writes
    while another writer has committed, fails with "database is locked". Write sessions
    of one `Database` queue on a lock in this process, so threads take turns without
    SQLite's sleep-and-retry. On PostgreSQL `write` changes nothing; row locks do that job.
    """

    def __init__(
        self,
        url: str | URL,
        *,
        busy_timeout: float = 30.0,
        echo: bool = False,
        **engine_options: Any,
    ) -> None:
        self.url = normalise_url(url)
        self._busy_timeout = busy_timeout
        self._writer_lock = threading.Lock()
        backend = self.url.get_backend_name()
        # Arabic stays readable in the stored JSON (and half the size of \u escapes).
        engine_options.setdefault("json_serializer", _json_dumps)
        if backend == "sqlite":
            _check_sqlite_url(self.url)
        elif backend == "postgresql":
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: Engine = create_engine(self.url, echo=echo, **engine_options)
        if backend == "sqlite":
            _install_sqlite_hooks(self.engine, busy_timeout_ms=int(busy_timeout * 1000))
        self._write_engine = self.engine.execution_options(**{WRITE_LOCK: True})
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessionmaker = sessionmaker(self._write_engine, expire_on_commit=False)

    @classmethod
    def sqlite(
        cls, folder: str | os.PathLike[str], filename: str = SQLITE_FILENAME, **options: Any
    ) -> Database:
        """The embedded database: one SQLite file in `folder` (created if missing)."""
        path = Path(folder).resolve() / filename
        return cls(URL.create("sqlite", database=str(path)), **options)

    @classmethod
    def from_env(
        cls,
        instance_path: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> Database:
        """`KHIDMA_DATABASE_URL` if set, else SQLite in `instance_path`."""
        url = (os.environ if environ is None else environ).get(ENV_URL, "").strip()
        if url:
            return cls(url, **options)
        if instance_path is None:
            raise RuntimeError(
                f"{ENV_URL} is not set and no instance folder was given: set it to a "
                "database URL (postgresql+psycopg://user@host/db) or pass instance_path "
                "to use the embedded SQLite database"
            )
        return cls.sqlite(instance_path, **options)

    @property
    def backend(self) -> str:
        """`"sqlite"` or `"postgresql"`."""
        return self.url.get_backend_name()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A transaction: commit on success, rollback on error.

        Pass `write=True` when the transaction must hold the write lock from its start
        (see the class docstring); `references.allocate` requires it on SQLite.
        """
        factory = self._write_sessionmaker if write else self.sessionmaker
        with self._writer_queue(write), factory() as session, session.begin():
            yield session

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[Connection]:
        """A transaction on a Core connection, with `session()`'s rules (commit on
        success, `write=True` holds the write lock from the start): for the few hot
        statements every request runs, where the ORM's unit of work is most of the cost
        (`khidma.storage.rows` turns their rows into model instances)."""
        engine = self._write_engine if write else self.engine
        with self._writer_queue(write), engine.begin() as connection:
            yield connection

    @contextmanager
    def _writer_queue(self, write: bool) -> Iterator[None]:
        # SQLite lets one writer in at a time and makes the others poll with growing
        # sleeps. Threads of this process queue on a lock instead and are handed the
        # turn at once; other processes still wait through the busy timeout.
        if not (write and self.backend == "sqlite"):
            yield
            return
        if not self._writer_lock.acquire(timeout=self._busy_timeout):
            raise TimeoutError(
                f"no write turn on {self!r} within {self._busy_timeout:g} s "
                "(a long write transaction, or a write session nested in another?)"
            )
        try:
            yield
        finally:
            self._writer_lock.release()

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema to `revision` (default: the newest)."""
        from khidma.storage.migrations import run

        run(self, "upgrade", revision)

    def downgrade(self, revision: str) -> None:
        from khidma.storage.migrations import run

        run(self, "downgrade", revision)

    def dispose(self) -> None:
        """Close pooled connections (end of process, or after a fork)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def normalise_url(url: str | URL) -> URL:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _check_sqlite_url(url: URL) -> None:
    if sqlite3.sqlite_version_info < (3, 35):
        raise RuntimeError(
            f"SQLite {sqlite3.sqlite_version} is too old: Khidma needs 3.35 or newer "
            "(UPSERT … RETURNING); use a newer Python build or PostgreSQL"
        )
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise ValueError(
            "an in-memory SQLite database gives every pooled connection its own empty "
            "database; use a file, e.g. Database.sqlite(tmp_path)"
        )
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_hooks(engine: Engine, *, busy_timeout_ms: int) -> None:
    # SQLAlchemy's documented recipe for sqlite3 (Python < 3.12 has no `autocommit`
    # attribute): stop the driver from emitting BEGIN, and emit it ourselves.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_LOCK, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
