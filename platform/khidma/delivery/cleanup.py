"""The worker's housekeeping: expired drafts, attachments that belong to nothing, and
blobs that no row refers to.

1. Drafts past `expires_at` (or, without one, not saved for `DRAFT_TTL_DAYS`) are
   deleted with their attachments, a batch per short write transaction; the condition
   is in the DELETE itself, so a draft saved meanwhile is not touched.
2. Attachments that belong to nothing (every foreign key but their owner is NULL: a
   draft deleted elsewhere) and are older than the grace period are deleted.
3. Blobs: the store is listed, and a blob is deleted only if it is older than the grace
   period, no column that holds blob keys names it, and it is still that old just before
   it goes (storing the same bytes again renews a blob). So an upload in progress (bytes
   stored, row not yet committed) is never deleted.

Which columns hold blob keys is read from the database itself, not from the models this
process happens to import: every column named `blob_key` or ending in `_blob_key`, in
any table. A feature that keeps blob keys elsewhere must follow that naming, or its
blobs are not safe from this job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from itertools import islice
from typing import TYPE_CHECKING
from typing import Protocol
from typing import runtime_checkable

from sqlalchemy import and_
from sqlalchemy import column
from sqlalchemy import delete
from sqlalchemy import inspect
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import table

from khidma.storage.blobs import StoredBlob
from khidma.storage.models import Attachment
from khidma.storage.models import Draft
from khidma.storage.types import utcnow

if TYPE_CHECKING:
    from khidma.storage.db import Database

log = logging.getLogger("khidma.delivery.cleanup")

BATCH = 500


@runtime_checkable
class ListableBlobStore(Protocol):
    """A blob store the clean-up job can sweep (`LocalBlobStore`, `MemoryBlobStore`)."""

    def iter_blobs(self) -> Iterator[StoredBlob]: ...

    def stored_at(self, key: str) -> datetime | None: ...

    def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class CleanupResult:
    drafts: int = 0
    attachments: int = 0
    blobs: int = 0
    blobs_kept: int = 0  # unreferenced but within the grace period


def clean_up(
    database: Database,
    blobs: object,
    *,
    draft_ttl: timedelta,
    grace: timedelta,
    now: datetime | None = None,
) -> CleanupResult:
    """Run the three steps once; returns what was removed."""
    now = now or utcnow()
    drafts, attachments = delete_expired_drafts(database, now=now, draft_ttl=draft_ttl)
    attachments += delete_orphan_attachments(database, older_than=now - grace)
    removed = kept = 0
    if isinstance(blobs, ListableBlobStore):
        removed, kept = delete_unused_blobs(database, blobs, older_than=now - grace)
    else:
        log.warning("blob store %r cannot be listed: unused blobs are not removed", blobs)
    result = CleanupResult(drafts, attachments, removed, kept)
    log.info(
        "clean-up: %d expired draft(s), %d attachment(s), %d unused blob(s) removed; "
        "%d recent unused blob(s) kept",
        *(result.drafts, result.attachments, result.blobs, result.blobs_kept),
    )
    return result


def delete_expired_drafts(
    database: Database, *, now: datetime, draft_ttl: timedelta
) -> tuple[int, int]:
    """(drafts, attachments) deleted."""
    expired = or_(
        and_(Draft.expires_at.is_not(None), Draft.expires_at < now),
        and_(Draft.expires_at.is_(None), Draft.updated_at < now - draft_ttl),
    )
    drafts = attachments = 0
    while True:
        with database.session(write=True) as session:
            ids = list(session.scalars(select(Draft.id).where(expired).limit(BATCH)))
            if not ids:
                return drafts, attachments
            attachments += _count(
                session.execute(
                    delete(Attachment).where(
                        Attachment.draft_id.in_(ids), Attachment.submission_id.is_(None)
                    )
                )
            )
            drafts += _count(session.execute(delete(Draft).where(Draft.id.in_(ids), expired)))


def delete_orphan_attachments(database: Database, *, older_than: datetime) -> int:
    """Attachments whose every reference (but their owner) is NULL."""
    links = [
        key["constrained_columns"][0]
        for key in inspect(database.engine).get_foreign_keys("attachments")
        if key["referred_table"] != "users" and len(key["constrained_columns"]) == 1
    ]
    if not links:
        return 0
    # Columns by name, not from the model: a feature may have added a link this process
    # does not know of (names come from the database itself).
    orphan = and_(*(column(name).is_(None) for name in links))
    deleted = 0
    while True:
        with database.session(write=True) as session:
            ids = list(
                session.scalars(
                    select(Attachment.id)
                    .where(orphan, Attachment.created_at < older_than)
                    .limit(BATCH)
                )
            )
            if not ids:
                return deleted
            deleted += _count(
                session.execute(
                    delete(Attachment).where(Attachment.id.in_(ids), orphan),
                    execution_options={"synchronize_session": False},
                )
            )


def blob_key_columns(database: Database) -> list[tuple[str, str]]:
    """(table, column) of every column of the database that holds blob keys."""
    inspector = inspect(database.engine)
    return [
        (name, c["name"])
        for name in inspector.get_table_names()
        for c in inspector.get_columns(name)
        if c["name"] == "blob_key" or c["name"].endswith("_blob_key")
    ]


def delete_unused_blobs(
    database: Database, store: ListableBlobStore, *, older_than: datetime
) -> tuple[int, int]:
    """(deleted, kept because recent) among the blobs no row refers to."""
    holders = blob_key_columns(database)
    if not holders:
        # No table to ask: better keep everything than delete every file.
        log.warning("no column holds blob keys in %r: blobs are not swept", database)
        return 0, 0
    deleted = kept = 0
    listing = iter(store.iter_blobs())
    while chunk := list(islice(listing, BATCH)):
        unused = {b.key for b in chunk} - _referenced(database, holders, chunk)
        for key in sorted(unused):
            stored = store.stored_at(key)  # again: stored since it was listed?
            if stored is None:
                continue
            if stored >= older_than:
                kept += 1
                continue
            store.delete(key)
            deleted += 1
    return deleted, kept


def _referenced(
    database: Database, holders: list[tuple[str, str]], chunk: list[StoredBlob]
) -> set[str]:
    keys = [b.key for b in chunk]
    found: set[str] = set()
    with database.session() as session:
        for table_name, name in holders:
            holder = table(table_name, column(name))
            found.update(
                session.scalars(select(holder.c[name]).where(holder.c[name].in_(keys)).distinct())
            )
    return found


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0))
