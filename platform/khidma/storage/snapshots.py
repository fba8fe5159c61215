"""The source of every definition version a draft or submission was made with.

Drafts and submissions name their version by (`service_id`, `definition_hash`) and a
foreign key requires that version's row here, so store a definition (`save_definition`)
before the first draft is made with it; the registry compiles older versions again from
`source_text`.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from khidma.storage.models import DefinitionVersion
from khidma.storage.types import utcnow


class Versioned(Protocol):
    """What is needed of a compiled definition (`ServiceDefinition` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...


def save_definition(session: Session, definition: Versioned, source_text: str) -> None:
    """Keep `source_text` as the source of this version; a no-op when already kept, even
    when several processes save the same version at once."""
    table = DefinitionVersion.__table__
    assert isinstance(table, Table)
    dialect = session.connection().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(
        insert.values(
            service_id=definition.id,
            hash=definition.hash,
            version=definition.version,
            source_text=source_text,
            created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=[table.c.service_id, table.c.hash])
    )


def definition_source(session: Session, service_id: str, content_hash: str) -> str | None:
    """The stored source of one version, or None."""
    return session.scalar(
        select(DefinitionVersion.source_text).where(
            DefinitionVersion.service_id == service_id, DefinitionVersion.hash == content_hash
        )
    )


def stored_versions(session: Session, service_id: str | None = None) -> list[DefinitionVersion]:
    """Every stored version (of one service), oldest first."""
    query = select(DefinitionVersion).order_by(DefinitionVersion.created_at, DefinitionVersion.id)
    if service_id is not None:
        query = query.where(DefinitionVersion.service_id == service_id)
    return list(session.scalars(query))
