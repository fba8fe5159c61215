"""What every folder of tests shares: the suite's one browser (tests/browser.py), password
hashing cheap enough for tests, the service definitions compiled once per session, and
the migrations run once per session (an empty database is upgraded by copying a template).

And the fixtures several folders use: `app` (the wizard's settings: development mode, CSRF
off, a real SQLite file), `client`, `citizen` (signed in through the development SSO),
`actions` (the account pages driven like a person), `pg_url` (a fresh PostgreSQL schema),
and the storage fixtures (`database_url`, `make_database`, `database`: each test on a real
SQLite file and, when KHIDMA_TEST_DATABASE_URL is set, on PostgreSQL in a schema of its own
that is dropped afterwards). A folder whose app differs overrides `app` in its own
conftest. The drivers themselves are in `tests/drivers.py`; any folder runs on its own
with plain `pytest tests/<folder>`.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2 import Type
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import URL
from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text

import khidma.app
from khidma.definitions.loader import LoadResult
from khidma.definitions.loader import load
from khidma.identity import passwords
from khidma.storage import Database
from khidma.storage import Submission
from khidma.storage.db import normalise_url
from khidma.storage.snapshots import save_definition
from tests.drivers import Actions
from tests.drivers import make_app
from tests.drivers import sign_in

pytest_plugins = ["tests.browser"]

# argon2id still, with the smallest cost it takes: the real parameters (64 MiB, 3 passes)
# spend over a second per hash on this machine, and the suite signs up hundreds of times.
# tests/identity/test_units.py checks the real ones through `real_password_hashing`.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
REAL_HASHER = passwords._HASHER


def _hash_with(hasher: PasswordHasher) -> None:
    passwords._HASHER = hasher
    passwords._dummy_hash.cache_clear()  # the dummy hash is made with the hasher in use


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    _hash_with(CHEAP_HASHER)
    yield
    _hash_with(REAL_HASHER)


@pytest.fixture
def real_password_hashing() -> Iterator[None]:
    """The production argon2 parameters, for the test that checks them."""
    _hash_with(REAL_HASHER)
    yield
    _hash_with(CHEAP_HASHER)


def _fingerprint(paths: Iterable[str | Path]) -> tuple[Any, ...]:
    """What a load depends on: every definition file's path, size and modification."""
    found = []
    for path in paths:
        root = Path(path).resolve()
        files = sorted(root.rglob("*.y*ml")) if root.is_dir() else [root]
        found += [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.exists()]
    return tuple(found)


_LOADED: dict[tuple[Any, ...], LoadResult] = {}


def load_once(paths: Iterable[str | Path], *args: Any, **kwargs: Any) -> LoadResult:
    """`load`, compiled once per session for the same unchanged files. The compiled
    definitions are frozen, so apps may share them; each app still builds its own
    registry (which remembers pinned versions per app)."""
    paths = list(paths)
    if args or kwargs:
        return load(paths, *args, **kwargs)
    key = _fingerprint(paths)
    if key not in _LOADED:
        _LOADED[key] = load(paths)
    cached = _LOADED[key]
    return dataclasses.replace(
        cached,
        services=list(cached.services),
        lists=dict(cached.lists),
        problems=list(cached.problems),
    )


@pytest.fixture(scope="session", autouse=True)
def definitions_loaded_once() -> Iterator[None]:
    real = khidma.app.load
    khidma.app.load = load_once  # type: ignore[assignment]
    yield
    khidma.app.load = real


# ----------------------------------------------------------------- migrations, once

_REAL_UPGRADE = Database.upgrade


class _Templates:
    """`Database.upgrade()` for the suite: an *empty* SQLite database brought to "head" gets
    a copy (SQLite's backup API) of one migrated by Alembic once per session. The same
    schema and rows as the migrations make, for a fraction of the time: Alembic loads every
    revision file and rebuilds tables in batch mode, ~0.1 s a database (a third of a fresh
    app), and the suite makes about a thousand. Any other upgrade runs Alembic."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.enabled = True
        self._sqlite: Path | None = None
        self._lock = threading.Lock()

    def upgrade(self, database: Database, revision: str = "head") -> None:
        if self.enabled and revision == "head" and self._copied(database):
            return
        _REAL_UPGRADE(database, revision)

    def _copied(self, database: Database) -> bool:
        url = database.url
        if database.backend != "sqlite" or url.query or url.database in (None, "", ":memory:"):
            return False
        with self._lock:
            if self._sqlite is None:
                template = Database.sqlite(self.folder, "template.sqlite3")
                _REAL_UPGRADE(template)
                template.dispose()  # the last connection checkpoints the WAL into the file
                self._sqlite = self.folder / "template.sqlite3"
            with (
                closing(sqlite3.connect(self._sqlite)) as source,
                closing(sqlite3.connect(url.database)) as target,
            ):
                if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    return False  # not empty: a half-migrated database, say
                source.backup(target)
        return True


@pytest.fixture(scope="session", autouse=True)
def migrations_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("migrated"))

    def upgrade(database: Database, revision: str = "head") -> None:
        templates.upgrade(database, revision)

    Database.upgrade = upgrade  # type: ignore[method-assign]
    yield templates
    Database.upgrade = _REAL_UPGRADE  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def real_migrations_where_they_are_tested(
    request: pytest.FixtureRequest, migrations_once: _Templates
) -> None:
    """A test marked `real_migrations` (its subject is the migrations, or the SQLite file a
    `Database` makes) runs Alembic on every database, as production does."""
    migrations_once.enabled = request.node.get_closest_marker("real_migrations") is None


# ------------------------------------------------------------------- apps and people


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    made = make_app(tmp_path)
    yield made
    made.extensions["khidma.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def citizen(app: Any) -> Any:
    return sign_in(app, "citizen")


@pytest.fixture
def actions(app: Flask, client: FlaskClient) -> Actions:
    return Actions(app, client)


# -------------------------------------------------------------------------- databases


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set: PostgreSQL tests need a server URL")
    schema = f"khidma_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


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
