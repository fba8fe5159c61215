"""The schema comes from the migrations, and the models agree with it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL
from sqlalchemy import inspect

from khidma.storage import Base
from khidma.storage import Database
from khidma.storage.migrations import CONTEXT_OPTIONS
from khidma.storage.migrations import alembic_config

pytestmark = pytest.mark.real_migrations  # the schema these tests check is Alembic's own


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_creates_every_table_on_an_empty_database(empty_database: Database) -> None:
    assert current_revision(empty_database) is None
    empty_database.upgrade()
    assert current_revision(empty_database) == head()
    tables = set(inspect(empty_database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_match_the_migrations(empty_database: Database) -> None:
    empty_database.upgrade()
    with empty_database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=CONTEXT_OPTIONS)
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "write a migration: the models differ from the schema"


def test_upgrade_twice_is_a_no_op(empty_database: Database) -> None:
    empty_database.upgrade()
    empty_database.upgrade()
    assert current_revision(empty_database) == head()


def test_downgrade_to_base_and_up_again(empty_database: Database) -> None:
    empty_database.upgrade()
    empty_database.downgrade("base")
    assert set(inspect(empty_database.engine).get_table_names()) <= {"alembic_version"}
    empty_database.upgrade()
    assert current_revision(empty_database) == head()


def test_single_head_and_files_named_after_revisions() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert revision.path.rsplit("/", 1)[-1].startswith(revision.revision + "_")


def test_offline_sql_for_postgresql() -> None:
    # What a DBA gets from `python -m khidma.storage.migrations upgrade head --sql`.
    result = subprocess.run(
        [sys.executable, "-m", "khidma.storage.migrations", "upgrade", "head", "--sql"],
        env={**os.environ, "KHIDMA_DATABASE_URL": "postgresql://nobody@localhost/none"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "CREATE TABLE submissions" in result.stdout
    assert "JSONB" in result.stdout


def test_storage_imports_no_web_framework() -> None:
    # Storage sits at the edge of the core: the web layer calls it, never the reverse.
    code = (
        "import sys, khidma.storage, khidma.storage.outbox, khidma.storage.references, "
        "khidma.storage.snapshots, khidma.storage.migrations; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'werkzeug', 'jinja2'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_workers_starting_together_migrate_one_after_the_other(database_url: URL) -> None:
    # Four worker processes booting at once, each upgrading: one migrates, the others
    # wait (advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite) and find it done.
    code = (
        "import sys; from khidma.storage import Database; "
        "d = Database(sys.argv[1]); d.upgrade(); d.dispose()"
    )
    url = database_url.render_as_string(hide_password=False)
    workers = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(4)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0, 0]
    database = Database(database_url)
    try:
        assert current_revision(database) == head()
    finally:
        database.dispose()


def test_threads_of_one_process_migrate_one_after_the_other(
    make_database: Callable[..., Database],
) -> None:
    workers = [make_database(migrated=False) for _ in range(3)]
    barrier = threading.Barrier(len(workers))

    def start(database: Database) -> None:
        barrier.wait()
        database.upgrade()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        list(pool.map(start, workers))
    assert current_revision(workers[0]) == head()
