"""How many requests each service has in each status, kept in a table (revision 0008).

The staff queue shows its agency's counts per status on every view. Counting them with a
`GROUP BY` over the agency's requests costs ~20 ms at 250,000 requests; reading them
from `status_counts` (one row per service and status) costs a look-up.

The table is kept by a session hook, in the transaction of the change, so no call site
can forget it:

- a new `Submission` row counts one in its service and status;
- a new `StatusEvent` row with a `from_status` (a move: a workflow transition, a
  withdrawal, a payment moving the request on) counts one out of its `from_status` and
  one into its `to_status`. Every status change writes exactly one such history row (the
  audit chain, `storage.audit`, and the citizen's history rely on it too); the first
  event of a request (no `from_status`) is its creation, counted by the insert. History
  stored with a new row, not following the status it was inserted in (an import of old
  requests with their past), is not counted again: the row's status already says it.

A count changes by `UPDATE … SET n = n + d` (the database adds; two transactions never
overwrite each other's count). A row is created on first use by an insert that does
nothing when the row exists (`ON CONFLICT DO NOTHING`, on both databases), then the
update: two first uses at once both end in the update. Rows are touched in key order,
so two transactions cannot deadlock on them.

`recount` rebuilds the table from the requests (`khidma db recount`), should it ever
drift (a status changed by hand in SQL, say).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import Connection
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from khidma.storage.models import Base
from khidma.storage.models import ServiceId
from khidma.storage.models import Status
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission

__all__ = ["StatusCount", "counts", "install_hook", "recount"]

Key = tuple[str, str]  # (service_id, status)


class StatusCount(Base):
    """How many requests of `service_id` are in `status`."""

    __tablename__ = "status_counts"

    service_id: Mapped[str] = mapped_column(ServiceId, primary_key=True)
    status: Mapped[str] = mapped_column(Status, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


def _table() -> Table:
    table = StatusCount.__table__
    assert isinstance(table, Table)
    return table


def counts(
    session: Session,
    services: Collection[str],
    only: Mapping[str, Collection[str]] | None = None,
) -> dict[str, int]:
    """Requests per status over `services`; with `only`, just those statuses of each
    service (the queue's "waiting for" filter)."""
    table = _table()
    rows = session.execute(
        select(table.c.service_id, table.c.status, table.c.n).where(
            table.c.service_id.in_(list(services))
        )
    )
    totals: Counter[str] = Counter()
    for service_id, status, n in rows:
        if only is None or status in only.get(service_id, ()):
            totals[status] += int(n)
    return {status: n for status, n in totals.items() if n > 0}


# --------------------------------------------------------------------------- the hook


def _service_of(session: Session, event: StatusEvent) -> str | None:
    if event.submission is not None:
        return event.submission.service_id
    return session.scalar(select(Submission.service_id).where(Submission.id == event.submission_id))


_NEW = "khidma.counts.new"  # session.info: the requests inserted in this transaction


def _deltas(session: Session, new: Collection[Any]) -> Counter[Key]:
    deltas: Counter[Key] = Counter()
    inserted: dict[int, Key] = session.info.setdefault(_NEW, {})
    for obj in new:
        if isinstance(obj, Submission):
            deltas[(obj.service_id, obj.status)] += 1
            inserted[obj.id] = (obj.service_id, obj.status)
    for obj in new:
        if not isinstance(obj, StatusEvent) or obj.from_status in (None, obj.to_status):
            continue
        if obj.submission_id in inserted:
            service_id, counted = inserted[obj.submission_id]
            if obj.from_status != counted:
                continue  # history stored with the row (an import): its status is counted
            inserted[obj.submission_id] = (service_id, obj.to_status)
        else:
            found = _service_of(session, obj)
            if found is None:
                continue
            service_id = found
        deltas[(service_id, obj.from_status)] -= 1
        deltas[(service_id, obj.to_status)] += 1
    return deltas


def _insert_missing(connection: Connection, key: Key) -> None:
    values = {"service_id": key[0], "status": key[1], "n": 0}
    dialect = connection.dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(_table()).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(_table()).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - Khidma runs on the two above
        raise RuntimeError(f"status counts: no insert-or-ignore for {dialect}")
    connection.execute(statement)


def apply(connection: Connection, deltas: Mapping[Key, int]) -> None:
    """Add `deltas` to the counts, in key order (see the module docstring)."""
    table = _table()
    for key in sorted(k for k, d in deltas.items() if d):
        service_id, status = key
        change = update(table).where(table.c.service_id == service_id, table.c.status == status)
        result = connection.execute(change.values(n=table.c.n + deltas[key]))
        if result.rowcount == 0:  # the first request ever in this status
            _insert_missing(connection, key)
            connection.execute(change.values(n=table.c.n + deltas[key]))


def _after_flush(session: Session, _context: Any) -> None:
    deltas = _deltas(session, list(session.new))
    if any(deltas.values()):
        apply(session.connection(), deltas)


def _transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost: the next one starts afresh
        session.info.pop(_NEW, None)


def install_hook() -> None:
    """Register the hooks on every SQLAlchemy session (idempotent)."""
    from sqlalchemy import event

    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "after_transaction_end", _transaction_end):
        event.listen(Session, "after_transaction_end", _transaction_end)


install_hook()


# --------------------------------------------------------------------------- repair


def recount(connection: Connection) -> dict[Key, int]:
    """Rebuild the table from `submissions` (in the caller's transaction); returns the
    rows that were wrong, with how far off they were (stored minus true).

    On PostgreSQL the table is locked first: a move under way waits for the recount and
    then adds its own change to the true figures (one that committed before the lock is
    in both the requests counted and the rows replaced). On SQLite, run it in a write
    session (`Database.session(write=True)`), which holds the database's one write lock."""
    table = _table()
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE status_counts IN EXCLUSIVE MODE"))
    true = {
        (s, st): int(n)
        for s, st, n in connection.execute(
            select(Submission.service_id, Submission.status, func.count()).group_by(
                Submission.service_id, Submission.status
            )
        )
    }
    stored = {(s, st): int(n) for s, st, n in connection.execute(select(table))}
    wrong = {
        key: stored.get(key, 0) - true.get(key, 0)
        for key in true.keys() | stored.keys()
        if stored.get(key, 0) != true.get(key, 0)
    }
    connection.execute(delete(table))
    if true:
        connection.execute(
            insert(table), [{"service_id": s, "status": st, "n": n} for (s, st), n in true.items()]
        )
    return wrong
