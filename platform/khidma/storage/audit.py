"""The tamper-evident audit log: an append-only chain of entries, each hashed with the
one before it.

An entry's hash is the SHA-256 of its canonical JSON (`canonical`): its place in the
chain, time, actor, action, object, details and the previous entry's hash. Changing,
removing or inserting a row breaks the chain at that row, and `verify` names it;
removing the newest rows, or rewriting the whole tail, is caught by comparing with a
head hash kept outside the platform (`head`, `verify(…, anchor=…)`).

What is hashed is what is stored: the time is cut to whole microseconds (what both
databases keep) before hashing, and `details` is stored as the canonical JSON text that
was hashed, never re-serialised by the database (PostgreSQL's JSONB reorders keys).

Appends are serialised, so two of them can never both follow the same entry: on
PostgreSQL by a transaction-scoped advisory lock, on SQLite by the database's single
write lock (the caller's session must be a write session, `Database.session(write=True)`,
which holds it from BEGIN). The unique `prev_hash` makes a fork impossible even if that
were forgotten: the second append fails instead of branching.

`append` runs inside the caller's transaction: the entry commits or rolls back with the
action it records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from khidma.storage.models import User
from khidma.storage.trust_models import AuditEntry
from khidma.storage.types import utcnow
from khidma.storage.write_lock import WRITE_LOCK

GENESIS = "0" * 64
FORMAT = "khidma.audit/1"
# pg_advisory_xact_lock key of the chain ("audit" in ASCII).
ADVISORY_LOCK_KEY = 0x6175646974

SYSTEM = "system"


class AuditWriteLockMissing(RuntimeError):
    """An append on SQLite outside a write session (it could not hold the chain)."""


@dataclass(frozen=True)
class Verification:
    """The outcome of `verify`: `ok`, how many entries were checked, and the first one
    that does not match (`bad_seq`, with `reason`)."""

    ok: bool
    checked: int
    head: str
    bad_seq: int | None = None
    bad_id: int | None = None
    reason: str = ""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces, Unicode kept: one text for one value."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry) -> str:
    """The text an entry's hash is taken over."""
    return canonical_json(
        {
            "format": FORMAT,
            "seq": entry.seq,
            "at": _moment(entry.at),
            "actor": entry.actor,
            "actor_user_id": entry.actor_user_id,
            "actor_role": entry.actor_role,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
            "prev": entry.prev_hash,
        }
    )


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif connection.dialect.name == "sqlite" and not connection.get_execution_options().get(
        WRITE_LOCK
    ):
        raise AuditWriteLockMissing(
            "audit.append on SQLite needs a write session (Database.session(write=True)): "
            "a read transaction cannot take the chain's lock without failing on a stale "
            "snapshot"
        )


def _last(session: Session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def append(
    session: Session,
    *,
    actor: User | str | None,
    action: str,
    object_type: str,
    object_id: str | int,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry at the end of the chain, in the caller's transaction.

    `actor` is the user who acted, or a name for the platform itself (`"system"`, a
    worker's name). `details` must be JSON-serialisable (keep personal data out of it
    beyond what the action needs). Returns the entry, flushed, with its hash.
    """
    _lock_chain(session)
    session.flush()
    last = _last(session)
    if isinstance(actor, User):
        name = actor.username or actor.national_id or f"user:{actor.id}"
        user_id: int | None = actor.id
        role = str(actor.role)
    else:
        name, user_id, role = actor or SYSTEM, None, SYSTEM
    moment = (at or utcnow()).astimezone(UTC)
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        at=moment,
        actor=name[:120],
        actor_user_id=user_id,
        actor_role=role,
        action=action[:64],
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        details=canonical_json(dict(details or {})),
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the newest entry; (0, GENESIS) for an empty log."""
    last = _last(session)
    return (last.seq, last.hash) if last else (0, GENESIS)


def verify(session: Session, *, anchor: str | None = None, batch: int = 1000) -> Verification:
    """Recompute the chain from the first entry and stop at the first that does not
    match: its hash is not its content's, it does not follow the entry before it, or
    its place is not the next one. With `anchor` (a head hash printed earlier), the
    chain must also still contain that entry."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    anchored = anchor is None or anchor == GENESIS
    statement = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    entries = session.scalars(statement)
    try:
        for entry in entries:
            reason = ""
            if entry.seq != expected_seq:
                reason = (
                    f"expected entry {expected_seq} here, found {entry.seq} (removed or inserted)"
                )
            elif entry.prev_hash != expected_prev:
                reason = "does not follow the entry before it (one was removed or inserted)"
            elif entry_hash(entry) != entry.hash:
                reason = "its content does not match its hash (changed after it was written)"
            if reason:
                return Verification(
                    ok=False,
                    checked=checked,
                    head=expected_prev,
                    bad_seq=entry.seq,
                    bad_id=entry.id,
                    reason=reason,
                )
            checked += 1
            expected_prev, expected_seq = entry.hash, entry.seq + 1
            anchored = anchored or entry.hash == anchor
            session.expunge(entry)
    finally:
        entries.close()  # a server-side cursor on PostgreSQL
    if not anchored:
        return Verification(
            ok=False,
            checked=checked,
            head=expected_prev,
            reason=f"the anchored head {anchor} is not in the chain (entries were removed)",
        )
    return Verification(ok=True, checked=checked, head=expected_prev)


# --------------------------------------------------------------------------- automatic entries
#
# Every status change of a request and every payment event is an entry, whichever code
# path writes it: a session hook appends one for each new `status_events` and
# `payment_events` row, in the same flush and so the same transaction. It runs after the
# flush, when the transaction has written and so holds SQLite's write lock (and a current
# snapshot), and writes with Core so the flush is not re-entered.


def _append_core(session: Session, connection: Any, **values: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    table = AuditEntry.__table__
    assert isinstance(table, Table)
    last = connection.execute(
        select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        prev_hash=last.hash if last else GENESIS,
        hash="",
        **values,
    )
    entry.hash = entry_hash(entry)
    connection.execute(
        table.insert().values(
            {c.name: getattr(entry, c.name) for c in table.columns if c.name != "id"}
        )
    )


def _row_entries(obj: Any) -> dict[str, Any] | None:
    from khidma.storage.models import StatusEvent
    from khidma.storage.payment_models import PaymentEvent

    if isinstance(obj, StatusEvent):
        return {
            "actor": f"user:{obj.actor_user_id}" if obj.actor_user_id else obj.actor_role,
            "actor_user_id": obj.actor_user_id,
            "actor_role": obj.actor_role,
            "action": "status_change",
            "object_type": "submission",
            "object_id": str(obj.submission_id),
            "details": canonical_json(
                {"from": obj.from_status, "to": obj.to_status, "event_id": obj.id}
            ),
        }
    if isinstance(obj, PaymentEvent):
        return {
            "actor": SYSTEM,
            "actor_user_id": None,
            "actor_role": SYSTEM,
            "action": "payment_event",
            "object_type": "payment",
            "object_id": str(obj.payment_id),
            "details": canonical_json(
                {"source": obj.source, "state": obj.state, "event_id": obj.id}
            ),
        }
    return None


def _after_flush(session: Session, _context: Any) -> None:
    found = [values for obj in list(session.new) if (values := _row_entries(obj)) is not None]
    if not found:
        return
    connection = session.connection()
    for values in found:
        _append_core(session, connection, at=utcnow(), **values)


def install_automatic_entries() -> None:
    """Register the hook on every SQLAlchemy session (idempotent)."""
    from sqlalchemy import event

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


install_automatic_entries()
