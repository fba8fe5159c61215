"""Storage fixtures: every test runs on a real SQLite file and, when
KHIDMA_TEST_DATABASE_URL is set, on PostgreSQL in a schema of its own that is dropped
afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import URL, create_engine, make_url

from khidma.storage import Database, Submission
from khidma.storage.db import normalise_url
from khidma.storage.snapshots import save_definition

PG_ENV = "KHIDMA_TEST_DATABASE_URL"
SERVICE = "traffic_violation_objection"
DEFINITION_HASH = "a" * 64

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[URL]:
    """A URL to an empty database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield URL.create("sqlite", database=str(tmp_path / "khidma.sqlite3"))
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"{PG_ENV} not set: PostgreSQL storage tests skipped "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    schema = f"khidma_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield make_url(normalise_url(base)).update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


@pytest.fixture
def make_database(database_url: URL) -> Iterator[Callable[..., Database]]:
    """Build `Database` objects on the test's database (disposed at the end). Unless
    `migrated=False`, the schema is brought up to date and the test service's definition
    version stored."""
    made: list[Database] = []

    def make(*, migrated: bool = True, **options: Any) -> Database:
        database = Database(database_url, **options)
        made.append(database)
        if migrated:
            database.upgrade()
            with database.session() as session:
                save_definition(session, _TestDefinition(), "id: x")
        return database

    yield make
    for database in made:
        database.dispose()


class _TestDefinition:
    id = SERVICE
    version = "1.0"
    hash = DEFINITION_HASH


@pytest.fixture
def empty_database(make_database: Callable[..., Database]) -> Database:
    return make_database(migrated=False)


@pytest.fixture
def database(make_database: Callable[..., Database]) -> Database:
    """A database migrated to the newest schema, with one definition version stored."""
    return make_database()


@pytest.fixture
def service_id() -> str:
    """The service of `new_submission`, whose definition version `database` stores."""
    return SERVICE


@pytest.fixture
def new_submission() -> Callable[..., Submission]:
    """Build a submission of the test service with reference `seq/year`."""
    return _new_submission


def _new_submission(seq: int, year: int, **overrides: Any) -> Submission:
    values: dict[str, Any] = {
        "service_id": SERVICE,
        "definition_version": "1.0",
        "definition_hash": DEFINITION_HASH,
        "reference_seq": seq,
        "hijri_year": year,
        "reference": f"{seq}/{year}",
        "status": "submitted",
        "answers": {"plate": "ABC 123"},
    }
    values.update(overrides)
    return Submission(**values)
