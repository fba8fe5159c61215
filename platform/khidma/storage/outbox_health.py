"""How the outbox is doing, for the admin's page: counts per channel and state, the
messages that were given up (with why), and re-queueing one (`outbox.retry`).

The counts read the whole table in one grouped query (one pass, no per-row work); the
given-up list walks the `given_up_at` index newest first, a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce

from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.outbox import State
from khidma.storage.outbox import retry
from khidma.storage.types import UTCDateTime
from khidma.storage.types import utcnow

if TYPE_CHECKING:
    from khidma.storage.db import Database

__all__ = ["ChannelHealth", "GivenUp", "OutboxHealth", "given_up", "health", "retry"]


@dataclass(frozen=True)
class ChannelHealth:
    queued: int = 0  # not sent yet and still to be tried (scheduled ones included)
    retrying: int = 0  # of those, how many have failed at least once
    sent: int = 0
    sent_recently: int = 0  # sent within the window asked for
    given_up: int = 0
    oldest_due_at: datetime | None = None  # the longest-waiting due message: the backlog


@dataclass(frozen=True)
class OutboxHealth:
    channels: dict[Channel, ChannelHealth] = field(default_factory=dict)

    def total(self, state: State) -> int:
        return sum(getattr(c, state.value) for c in self.channels.values())


def health(
    database: Database, *, now: datetime | None = None, window: timedelta = timedelta(hours=24)
) -> OutboxHealth:
    """Counts per channel (every channel appears, with zeros if it has no messages)."""
    now = now or utcnow()
    m = OutboxMessage
    sent = m.sent_at.is_not(None)
    given = m.sent_at.is_(None) & (m.given_up_at.is_not(None) | m.next_attempt_at.is_(None))
    queued = m.sent_at.is_(None) & m.given_up_at.is_(None) & m.next_attempt_at.is_not(None)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = select(
        m.channel,
        count(queued),
        count(queued & (m.attempts > 0)),
        count(sent),
        count(sent & (m.sent_at >= now - window)),
        count(given),
        type_coerce(
            func.min(case((queued & (m.next_attempt_at <= now), m.next_attempt_at))),
            UTCDateTime(),
        ),
    ).group_by(m.channel)
    channels = {c: ChannelHealth() for c in Channel}
    with database.session() as session:
        for channel, queued_, retrying, sent_, recent, given_, oldest in session.execute(query):
            channels[Channel(channel)] = ChannelHealth(
                queued=int(queued_),
                retrying=int(retrying),
                sent=int(sent_),
                sent_recently=int(recent),
                given_up=int(given_),
                oldest_due_at=oldest,
            )
    return OutboxHealth(channels)


@dataclass(frozen=True)
class GivenUp:
    id: int
    channel: Channel
    recipient: str
    subject: str | None
    event: str | None
    submission_id: int | None
    attempts: int
    last_error: str | None
    created_at: datetime
    given_up_at: datetime | None


def given_up(
    database: Database,
    *,
    channel: Channel | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[GivenUp]:
    """Given-up messages, newest first; pass the last one's id as `before_id` for the
    next page."""
    m = OutboxMessage
    query = (
        select(m)
        .where(m.sent_at.is_(None), m.given_up_at.is_not(None))
        .order_by(m.given_up_at.desc(), m.id.desc())
        .limit(max(1, min(limit, 500)))
    )
    if channel is not None:
        query = query.where(m.channel == channel)
    with database.session() as session:
        if before_id is not None:
            anchor = session.get(m, before_id)
            if anchor is not None and anchor.given_up_at is not None:
                query = query.where(
                    (m.given_up_at < anchor.given_up_at)
                    | ((m.given_up_at == anchor.given_up_at) & (m.id < anchor.id))
                )
        return [
            GivenUp(
                r.id,
                r.channel,
                r.recipient,
                r.subject,
                r.event,
                r.submission_id,
                r.attempts,
                r.last_error,
                r.created_at,
                r.given_up_at,
            )
            for r in session.scalars(query)
        ]
