"""Notifications: written in the transaction of the change, delivered afterwards.

`enqueue` adds a row to the caller's session, so a notification exists exactly when the
change that causes it was committed. The delivery worker (`khidma.delivery`) then works
through the rows with the functions here, each one short transaction:

1. `claim` takes a batch of due rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers
   in several processes share the work; SQLite: BEGIN IMMEDIATE), counts the attempt and
   pushes `next_attempt_at` out by a lease. No lock is held while a gateway talks to the
   network; the attempt number is the claim's ticket.
2. `record_sent` / `record_failure` write the outcome: `sent_at`, or the error and the
   next attempt after an exponential back-off with jitter, or `given_up_at` after the
   last attempt or a permanent error. A failure is recorded only by the ticket's holder.
3. `release` hands back claimed messages the worker will not send (it is stopping, or
   the lease is running out), uncounted and due at once.

A worker that dies between sending and recording leaves the claim to expire, and the
message goes again: gateways see a message at least once, and `OutgoingMessage.key` lets
a gateway that honours idempotency keys keep it at exactly once.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.types import utcnow

if TYPE_CHECKING:
    from khidma.storage.db import Database

MAX_ATTEMPTS = 8
BACKOFF = timedelta(seconds=30)  # after the first failure; doubles each time
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # how long a claimed message is left to its worker
ERROR_LENGTH = 2000


class State(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    GIVEN_UP = "given_up"


def state_of(message: OutboxMessage) -> State:
    if message.sent_at is not None:
        return State.SENT
    if message.given_up_at is not None or message.next_attempt_at is None:
        return State.GIVEN_UP
    return State.QUEUED


def enqueue(
    session: Session,
    channel: Channel | str,
    recipient: str,
    body: str,
    subject: str | None = None,
    event: str | None = None,
    submission_id: int | None = None,
    *,
    html: str | None = None,
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Queue a notification in the caller's transaction: due at once, or at `due_at`
    (a reminder). `html` is an HTML alternative of `body`, for e-mails."""
    channel = Channel(channel)  # ValueError for anything but "sms" / "email"
    if not recipient.strip():
        raise ValueError("a notification needs a recipient")
    if html is not None and channel is not Channel.EMAIL:
        raise ValueError("only e-mails have an HTML body")
    message = OutboxMessage(
        channel=channel,
        recipient=recipient.strip(),
        body=body,
        subject=subject,
        event=event,
        submission_id=submission_id,
        html_body=html,
    )
    if due_at is not None:
        message.next_attempt_at = due_at
    session.add(message)
    session.info[_QUEUED] = True
    return message


@dataclass(frozen=True)
class OutgoingMessage:
    """A claimed message, as gateways see it. `attempt` counts from 1 and is the claim's
    ticket: only its holder records a failure."""

    id: int
    channel: Channel
    recipient: str
    subject: str | None
    body: str
    html: str | None
    attempt: int
    created_at: datetime

    @property
    def key(self) -> str:
        """The same for every attempt at this message, different for any other message
        (also in another database): an idempotency key for the gateway."""
        return f"khidma-{self.id}-{self.created_at:%Y%m%d%H%M%S%f}"


def has_due(database: Database, channels: Collection[Channel], now: datetime) -> bool:
    """Whether anything is due, without taking a write lock (cheap enough to poll)."""
    with database.session() as session:
        return (
            session.scalar(
                select(OutboxMessage.id)
                .where(OutboxMessage.next_attempt_at <= now, OutboxMessage.channel.in_(channels))
                .limit(1)
            )
            is not None
        )


def claim(
    database: Database,
    channels: Collection[Channel],
    *,
    now: datetime,
    batch: int,
    lease: timedelta = LEASE,
) -> list[OutgoingMessage]:
    """Take up to `batch` due messages of `channels`, oldest due first, for `lease`."""
    if not channels or batch <= 0 or not has_due(database, channels, now):
        return []
    with database.session(write=True) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.next_attempt_at <= now, OutboxMessage.channel.in_(channels))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + lease
        return [
            OutgoingMessage(
                r.id,
                r.channel,
                r.recipient,
                r.subject,
                r.body,
                r.html_body,
                r.attempts,
                r.created_at,
            )
            for r in rows
        ]


def record_sent(
    database: Database, message: OutgoingMessage, *, at: datetime, gateway_ref: str | None = None
) -> bool:
    """Mark the message sent. False when it already was: another worker sent it too
    (its claim outlived the lease), which the caller should report."""
    with database.session(write=True) as session:
        done = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.sent_at.is_(None))
            .values(
                sent_at=at,
                next_attempt_at=None,
                given_up_at=None,
                last_error=None,
                gateway_ref=gateway_ref[:128] if gateway_ref else None,
            )
        )
        return _rowcount(done) == 1


class Outcome(enum.StrEnum):
    RETRY = "retry"
    GIVEN_UP = "given_up"
    LOST = "lost"  # the claim had passed to another worker, which records the outcome


@dataclass(frozen=True)
class Failure:
    outcome: Outcome
    next_attempt_at: datetime | None = None


def record_failure(
    database: Database,
    message: OutgoingMessage,
    error: str,
    *,
    now: datetime,
    permanent: bool,
    max_attempts: int,
    delay: timedelta,
) -> Failure:
    """Keep the error; retry after `delay`, or give up after the last attempt or a
    permanent error."""
    give_up = permanent or message.attempt >= max_attempts
    next_attempt = None if give_up else now + delay
    with database.session(write=True) as session:
        done = session.execute(
            update(OutboxMessage)
            .where(*_held(message))
            .values(
                last_error=error[:ERROR_LENGTH],
                next_attempt_at=next_attempt,
                given_up_at=now if give_up else None,
            )
        )
    if _rowcount(done) != 1:
        return Failure(Outcome.LOST)
    return Failure(Outcome.GIVEN_UP) if give_up else Failure(Outcome.RETRY, next_attempt)


def release(database: Database, messages: Iterable[OutgoingMessage], *, now: datetime) -> int:
    """Hand back claimed messages that were not tried: the attempt is not counted and
    they are due at once. Returns how many were still held."""
    released = 0
    with database.session(write=True) as session:
        for message in messages:
            done = session.execute(
                update(OutboxMessage)
                .where(*_held(message))
                .values(attempts=message.attempt - 1, next_attempt_at=now)
            )
            released += _rowcount(done)
    return released


def _held(message: OutgoingMessage) -> tuple[Any, ...]:
    return (
        OutboxMessage.id == message.id,
        OutboxMessage.attempts == message.attempt,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.given_up_at.is_(None),
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def retry_delay(
    attempts: int,
    backoff: timedelta = BACKOFF,
    max_backoff: timedelta = MAX_BACKOFF,
    *,
    jitter: float = 0.0,
    rng: Callable[[], float] = random.random,
) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, …
    up to `max_backoff`. With `jitter` j (0–1) the wait is shortened by a random share
    of up to j, so workers that failed together (a gateway went down) do not all come
    back at the same moment."""
    nominal = min(backoff * (1 << min(max(attempts - 1, 0), 20)), max_backoff)
    return nominal * (1 - min(max(jitter, 0.0), 1.0) * rng())


# -- waking an in-process worker when a transaction that queued a message commits ---------
_QUEUED = "khidma.outbox.queued"
_wake_listeners: list[Callable[[], None]] = []


def add_wake_listener(callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` after each commit (in this process) that queued a message;
    returns the function that removes it."""
    _wake_listeners.append(callback)
    return lambda: _wake_listeners.remove(callback) if callback in _wake_listeners else None


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_QUEUED, False):
        for callback in list(_wake_listeners):
            callback()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def retry(database: Database, message_id: int, *, now: datetime | None = None) -> bool:
    """Queue a given-up message again, with a fresh set of attempts (its last error is
    kept until the next outcome). False if it is not given up (sent, queued, unknown)."""
    with database.session(write=True) as session:
        done = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.given_up_at.is_not(None),
            )
            .values(given_up_at=None, attempts=0, next_attempt_at=now or utcnow())
        )
        return _rowcount(done) == 1
