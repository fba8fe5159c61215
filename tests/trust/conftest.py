"""Fixtures of the trust tests: the storage fixtures (a real SQLite file and, when
configured, a PostgreSQL schema of its own) and the identity tests' app and actions."""

from tests.identity.conftest import actions, app, client, make_app  # noqa: F401
from tests.storage.conftest import (  # noqa: F401
    database,
    database_url,
    make_database,
    new_submission,
    service_id,
)
from tests.wizard.conftest import pg_url  # noqa: F401
