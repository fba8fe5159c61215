"""The storage fixtures (real SQLite file, and PostgreSQL in a schema of its own) and the
web ones (an app on a real SQLite file, citizens)."""

from tests.storage.conftest import (
    database,
    database_url,
    empty_database,
    make_database,
    new_submission,
    service_id,
)
from tests.web.support import app, citizens, client

__all__ = [
    "app",
    "citizens",
    "client",
    "database",
    "database_url",
    "empty_database",
    "make_database",
    "new_submission",
    "service_id",
]
