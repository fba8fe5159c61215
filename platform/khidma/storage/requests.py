"""A request's life in the database: status moves, the holder, messages, read marks and
the staff queue.

Every change of status or holder is ONE guarded UPDATE (`… WHERE id = ? AND status = ?
AND version = ?`, setting `version = version + 1`): when two members of staff act on the
same request at once, the database lets exactly one through and the other gets `Changed`
("the request has just changed"); nothing is applied twice. What to move to, and whether
the role may, is decided before (`khidma.engine.workflow`); the caller queues the
notifications in the same transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.storage.counts import counts as kept_counts
from khidma.storage.models import Message
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User

__all__ = [
    "COUNT_CAP",
    "Changed",
    "QueueFilter",
    "QueuePage",
    "add_message",
    "claim",
    "mark_read",
    "move",
    "queue",
    "reassign",
    "release",
    "status_counts",
    "unread_counts",
]

FAR = dt.date(9999, 12, 31)  # the due day of a request without an SLA, when sorting


class Changed(Exception):
    """The request is no longer as the caller read it (another action came first)."""


def _guarded(session: Session, submission_id: int, version: int, *where: Any, **values: Any) -> int:
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.version == version, *where)
        .values(version=Submission.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Changed(submission_id)
    return version + 1


def move(
    session: Session,
    submission: Submission,
    *,
    status: str,
    version: int,
    to: str,
    role: str,
    actor_id: int | None,
    note: str | None,
    now: dt.datetime,
    **values: Any,
) -> int:
    """Move `submission` from `status` (as read, at `version`) to `to`, with the history
    row; `values` are further columns to set (due_on, paused_at). Returns the new version;
    raises `Changed` when the request moved on meanwhile."""
    new_version = _guarded(
        session, submission.id, version, Submission.status == status, status=to, **values
    )
    session.add(
        StatusEvent(
            submission=submission,
            from_status=status,
            to_status=to,
            actor_role=role,
            actor_user_id=actor_id,
            note=note or None,
            created_at=now,
        )
    )
    session.flush()
    session.refresh(submission)
    return new_version


def claim(session: Session, submission: Submission, *, version: int, user_id: int) -> int:
    """Take a request no one holds; `Changed` when someone else took it first."""
    new = _guarded(
        session, submission.id, version, Submission.assigned_to.is_(None), assigned_to=user_id
    )
    session.refresh(submission)
    return new


def release(session: Session, submission: Submission, *, version: int, user_id: int) -> int:
    """Give back a request `user_id` holds; `Changed` when they no longer hold it."""
    new = _guarded(
        session, submission.id, version, Submission.assigned_to == user_id, assigned_to=None
    )
    session.refresh(submission)
    return new


def reassign(
    session: Session, submission: Submission, *, version: int, to_user_id: int | None
) -> int:
    """Hand a request to another member of staff (a supervisor's move), or to no one."""
    new = _guarded(session, submission.id, version, assigned_to=to_user_id)
    session.refresh(submission)
    return new


def add_message(
    session: Session,
    submission: Submission,
    *,
    role: str,
    author_id: int | None,
    body: str,
    now: dt.datetime,
    documents: Sequence[str] = (),
) -> Message:
    message = Message(
        submission=submission,
        author_role=role,
        author_user_id=author_id,
        body=body,
        requests_documents=bool(documents),
        documents=list(documents),
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def mark_read(session: Session, submission_id: int, *, reader_role: str, now: dt.datetime) -> int:
    """Mark as read what the other side wrote on a request (the citizen reads staff's
    messages, staff read the citizen's); returns how many were unread."""
    others = Message.author_role == "citizen" if reader_role != "citizen" else _from_staff()
    result = session.execute(
        update(Message)
        .where(Message.submission_id == submission_id, others, Message.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _from_staff() -> ColumnElement[bool]:
    return Message.author_role != "citizen"


def unread_counts(session: Session, user_id: int) -> dict[int, int]:
    """Per request of this citizen, how many messages from the agency they have not read."""
    rows = session.execute(
        select(Message.submission_id, func.count())
        .join(Submission, Submission.id == Message.submission_id)
        .where(Submission.user_id == user_id, _from_staff(), Message.read_at.is_(None))
        .group_by(Message.submission_id)
    )
    return {int(sid): int(n) for sid, n in rows}


# --- the queue ---------------------------------------------------------------------------
SORTS = ("oldest", "newest", "due")


@dataclass(frozen=True)
class QueueFilter:
    """What a member of staff asks of their agency's queue. Status sets are given per
    service (the workflow is each service's own): `waiting` limits to the statuses whose
    `waiting_for` is the one asked, `open_statuses` are the non-final ones (for overdue)."""

    services: Collection[str]
    service: str | None = None
    status: str | None = None
    waiting: Mapping[str, Collection[str]] | None = None
    overdue_on: dt.date | None = None  # today, to list only the overdue
    open_statuses: Mapping[str, Collection[str]] = field(default_factory=dict)
    assigned_to: int | None = None
    unassigned: bool = False
    search: str | None = None
    sort: str = "oldest"


@dataclass(frozen=True)
class QueuePage:
    rows: list[Submission]
    next_cursor: str | None


def _in_statuses(per_service: Mapping[str, Collection[str]]) -> ColumnElement[bool]:
    parts = [
        and_(Submission.service_id == sid, Submission.status.in_(list(statuses)))
        for sid, statuses in per_service.items()
        if statuses
    ]
    return or_(*parts) if parts else false()


def _conditions(f: QueueFilter, *, with_status: bool = True) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Submission.service_id.in_(list(f.services))]
    if f.service:
        where.append(Submission.service_id == f.service)
    if f.status and with_status:
        where.append(Submission.status == f.status)
    if f.waiting is not None:
        where.append(_in_statuses(f.waiting))
    if f.overdue_on is not None:
        where += [
            Submission.due_on < f.overdue_on,
            Submission.paused_at.is_(None),
            _in_statuses(f.open_statuses),
        ]
    if f.assigned_to is not None:
        where.append(Submission.assigned_to == f.assigned_to)
    if f.unassigned:
        where.append(Submission.assigned_to.is_(None))
    text = (f.search or "").strip().translate(_DIGITS)
    if text:
        where.append(_search(text))
    return where


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_REFERENCE = re.compile(r"\d{1,9}/\d{4}")
_NATIONAL_ID = re.compile(r"\d{10}")


def _search(text: str) -> ColumnElement[bool]:
    """A reference ("67/1448") or an ID number (ten digits) is looked up exactly, through
    an index; anything else is a part of the applicant's name."""
    if _REFERENCE.fullmatch(text):
        return Submission.reference == text
    if _NATIONAL_ID.fullmatch(text):
        owner = select(User.id).where(User.national_id == text).scalar_subquery()
        return Submission.user_id == owner
    like = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    return Submission.applicant_name.ilike(like, escape="\\")


def _key(row: Submission, sort: str) -> list[Any]:
    if sort == "due":
        return [(row.due_on or FAR).isoformat(), row.id]
    return [row.submitted_at.isoformat(), row.id]


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str | None, sort: str) -> tuple[Any, int] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value, ident = raw
        if sort == "due":
            return dt.date.fromisoformat(value), int(ident)
        return dt.datetime.fromisoformat(value), int(ident)
    except (ValueError, TypeError):
        return None  # a cursor someone edited: start from the beginning


def queue(
    session: Session, f: QueueFilter, *, after: str | None = None, limit: int = 25
) -> QueuePage:
    """One page of the queue, keyset-paginated: `after` is the previous page's
    `next_cursor` (stable while requests arrive, no OFFSET)."""
    sort = f.sort if f.sort in SORTS else "oldest"
    where = _conditions(f)
    cursor = _decode(after, sort)
    if sort == "due":
        rows = _by_due(session, where, cursor, limit + 1)
    else:
        rows = _by_age(session, where, cursor, limit + 1, newest=sort == "newest")
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(rows, _encode(_key(rows[-1], sort)) if more and rows else None)


def _by_age(
    session: Session,
    where: list[ColumnElement[bool]],
    cursor: tuple[Any, int] | None,
    n: int,
    *,
    newest: bool,
) -> list[Submission]:
    """Along the (submitted_at, id) index, from the cursor on."""
    at, ident = Submission.submitted_at, Submission.id
    if cursor is not None:
        value, last = cursor
        # The plain bound (`at <= value`) is what the index scan starts from; the OR alone
        # is only a filter, read from the first row on (page 101: 10,000 rows, 30 ms).
        if newest:
            where = [*where, at <= value, or_(at < value, and_(at == value, ident < last))]
        else:
            where = [*where, at >= value, or_(at > value, and_(at == value, ident > last))]
    order = [at.desc(), ident.desc()] if newest else [at, ident]
    return list(session.scalars(select(Submission).where(*where).order_by(*order).limit(n)))


def _by_due(
    session: Session, where: list[ColumnElement[bool]], cursor: tuple[Any, int] | None, n: int
) -> list[Submission]:
    """Due soonest: the requests with a due day along its index, then those without one
    (a service without `sla_days`) by id; a cursor past the dated ones carries FAR."""
    value, last = cursor if cursor is not None else (None, 0)
    rows: list[Submission] = []
    if value is None or value < FAR:
        dated = [*where, Submission.due_on.is_not(None)]
        if value is not None:
            dated += [  # the plain bound starts the index scan (see `_by_age`)
                Submission.due_on >= value,
                or_(
                    Submission.due_on > value,
                    and_(Submission.due_on == value, Submission.id > last),
                ),
            ]
        rows = list(
            session.scalars(
                select(Submission).where(*dated).order_by(Submission.due_on, Submission.id).limit(n)
            )
        )
    if len(rows) < n:
        undated = [*where, Submission.due_on.is_(None)]
        if value == FAR:
            undated.append(Submission.id > last)
        rows += session.scalars(
            select(Submission).where(*undated).order_by(Submission.id).limit(n - len(rows))
        )
    return rows


# Filters the kept counts (`storage.counts`) cannot answer: who holds the request, overdue,
# a search. Those counts are a query over the matching requests, stopped after this many
# (read along the page's index: 1.9 ms in EXPLAIN ANALYZE at 250,000 requests of an agency).
COUNT_CAP = 1_000


def status_counts(session: Session, f: QueueFilter) -> dict[str, int] | None:
    """How many requests of the filtered queue are in each status (the status filter
    itself left out, so every count stays visible).

    By service and "waiting for" (statuses) they are read from the kept counts, one row
    per service and status. Other filters count the matching requests, up to
    `COUNT_CAP`: None when more match (too many to count on every view)."""
    if not (f.overdue_on or f.assigned_to is not None or f.unassigned or (f.search or "").strip()):
        services = [f.service] if f.service else list(f.services)
        return kept_counts(session, services, f.waiting)
    matching = (
        select(Submission.status)
        .where(*_conditions(f, with_status=False))
        # in the page's order, so along its index: unordered, PostgreSQL may scan the
        # table for the first rows that match (480 ms when they are at its end)
        .order_by(Submission.submitted_at, Submission.id)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    rows = list(
        session.execute(select(matching.c.status, func.count()).group_by(matching.c.status))
    )
    if sum(int(n) for _, n in rows) > COUNT_CAP:
        return None
    return {status: int(n) for status, n in rows}
