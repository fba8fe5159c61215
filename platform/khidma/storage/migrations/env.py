"""Alembic environment: a connection handed over by `Database` or a URL for the CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlalchemy import pool
from sqlalchemy import text

from khidma.storage.db import Database
from khidma.storage.migrations import ADVISORY_LOCK_KEY
from khidma.storage.migrations import CONTEXT_OPTIONS
from khidma.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    """Print the SQL instead of running it (`upgrade head --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        **CONTEXT_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online(connection: Connection) -> None:
    # One transaction around every revision, on SQLite too (SQLAlchemy emits its BEGIN).
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        transactional_ddl=True,
        **CONTEXT_OPTIONS,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    run_online(given)
else:  # the command line: connect like the application does
    database = Database(config.get_main_option("sqlalchemy.url", ""), poolclass=pool.NullPool)
    with database.engine.connect() as own:
        run_online(own)
    database.dispose()
