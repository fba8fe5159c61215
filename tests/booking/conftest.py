"""The storage fixtures (SQLite file and PostgreSQL schema per test) and the wizard's
PostgreSQL schema for the booking tests."""

from tests.storage.conftest import database, database_url, make_database
from tests.wizard.conftest import pg_url

__all__ = ["database", "database_url", "make_database", "pg_url"]
