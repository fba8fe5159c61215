"""Reference numbers: per service, a sequence restarting each Hijri year, "67/1448".

`allocate` is gap-free and duplicate-free under concurrency because the counter row is
changed by one atomic upsert inside the caller's transaction, the same transaction that
inserts the submission:

* PostgreSQL: `INSERT … ON CONFLICT DO UPDATE … RETURNING` takes the row lock; a
  concurrent allocation for the same service and year waits for this transaction to end
  and then sees its result (READ COMMITTED, the default).
* SQLite: the transaction must have begun with BEGIN IMMEDIATE
  (`Database.session(write=True)`), so it holds the database's only write lock.

If the transaction rolls back, so does the counter: the number is given again, no gap.
The counter row stays locked until commit, so allocate late in the transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hijridate import Gregorian
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from khidma.formatting import RIYADH
from khidma.storage.models import ReferenceCounter
from khidma.storage.models import Submission
from khidma.storage.snapshots import Versioned
from khidma.storage.types import utcnow
from khidma.storage.write_lock import WRITE_LOCK

_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_REFERENCE = re.compile(r"\s*(\d{1,9})\s*/\s*(\d{4})\s*")


class WriteLockRequired(RuntimeError):
    """A reference number was asked for outside a write-locked SQLite transaction."""


def allocate(session: Session, service_id: str, hijri_year: int) -> int:
    """The next reference number of `service_id` in `hijri_year`, starting at 1."""
    connection = session.connection()
    dialect = connection.dialect.name
    table = ReferenceCounter.__table__
    assert isinstance(table, Table)
    insert: sqlite.Insert | postgresql.Insert
    if dialect == "sqlite":
        if not connection.get_execution_options().get(WRITE_LOCK):
            raise WriteLockRequired(
                "references.allocate on SQLite needs a transaction that holds the write "
                "lock from its start: use `with database.session(write=True) as session:`"
            )
        insert = sqlite.insert(table)
    elif dialect == "postgresql":
        insert = postgresql.insert(table)
    else:
        raise NotImplementedError(f"reference numbers on {dialect}")
    statement = (
        insert.values(service_id=service_id, hijri_year=hijri_year, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.service_id, table.c.hijri_year],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )
    return int(session.execute(statement).scalar_one())


def format_reference(seq: int, year: int) -> str:
    """`format_reference(67, 1448) == "67/1448"`."""
    return f"{seq}/{year}"


def parse_reference(text: str) -> tuple[int, int] | None:
    """`(seq, year)` from what a person typed ("67/1448", "٦٧/١٤٤٨"), or None."""
    match = _REFERENCE.fullmatch(text.translate(_EASTERN_DIGITS))
    return (int(match[1]), int(match[2])) if match else None


def hijri_year(moment: datetime | None = None) -> int:
    """The Umm al-Qura year of `moment` (default: now) on the calendar in Riyadh."""
    local = (moment or utcnow()).astimezone(RIYADH).date()
    return Gregorian.fromdate(local).to_hijri().year


@dataclass(frozen=True)
class Reference:
    seq: int
    year: int

    def __str__(self) -> str:
        return format_reference(self.seq, self.year)


def next_reference(session: Session, service_id: str, moment: datetime | None = None) -> Reference:
    """The next reference of `service_id` in the Hijri year of `moment` (default now);
    `numbered_submission` takes it for a new request."""
    year = hijri_year(moment)
    return Reference(allocate(session, service_id, year), year)


def numbered_submission(
    session: Session, definition: Versioned, moment: datetime, **columns: Any
) -> Submission:
    """A new request of `definition` (not added to `session`), pinned to its version and
    numbered with the next reference of its service in the Hijri year of `moment`;
    `columns` are the rest. Call it in the transaction that inserts the request."""
    reference = next_reference(session, definition.id, moment)
    return Submission(
        service_id=definition.id,
        definition_version=definition.version,
        definition_hash=definition.hash,
        reference_seq=reference.seq,
        hijri_year=reference.year,
        reference=str(reference),
        **columns,
    )
