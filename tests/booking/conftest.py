"""The storage fixtures (SQLite file and PostgreSQL schema per test) for booking tests."""

from tests.storage.conftest import database, database_url, make_database

__all__ = ["database", "database_url", "make_database"]
