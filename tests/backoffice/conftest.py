"""The storage fixtures (real SQLite file, and PostgreSQL in a schema of its own)."""

from tests.storage.conftest import (
    database,
    database_url,
    empty_database,
    make_database,
    new_submission,
    service_id,
)

__all__ = [
    "database",
    "database_url",
    "empty_database",
    "make_database",
    "new_submission",
    "service_id",
]
