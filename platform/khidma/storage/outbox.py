"""Notifications: written in the transaction of the change, delivered afterwards.

`enqueue` adds a row to the caller's session, so a notification exists exactly when the
change that causes it was committed. `dispatch` delivers what is due, at least once:

1. In a short write transaction it claims a batch of due rows (PostgreSQL:
   `FOR UPDATE SKIP LOCKED`, so dispatchers in several processes share the work; SQLite:
   BEGIN IMMEDIATE) by counting the attempt and pushing `next_attempt_at` out by a
   lease. No lock is held while a gateway talks to the network.
2. It sends each message, then records the outcome in its own transaction: `sent_at`,
   or the error and the next attempt after an exponential back-off. After
   `max_attempts`, or on `PermanentDeliveryError`, the message is given up
   (`next_attempt_at` NULL) and logged.

A dispatcher that dies between sending and recording leaves the claim to expire, and the
message is sent again: gateways see each message at least once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.storage.models import Channel, OutboxMessage
from khidma.storage.types import utcnow

if TYPE_CHECKING:
    from khidma.storage.db import Database

log = logging.getLogger("khidma.outbox")

MAX_ATTEMPTS = 8
BACKOFF = timedelta(seconds=30)  # after the first failure; doubles each time
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # how long a claimed message is left to its dispatcher
_ERROR_LENGTH = 2000


class SmsGateway(Protocol):
    def send(self, recipient: str, body: str, subject: str | None = None) -> None:
        """Deliver one SMS to an E.164 number, or raise. `subject` is ignored."""
        ...


class EmailGateway(Protocol):
    def send(
        self, recipient: str, body: str, subject: str | None = None, html_body: str | None = None
    ) -> None:
        """Deliver one e-mail (`body` its text part, `html_body` its HTML part), or raise."""
        ...


Gateway = SmsGateway | EmailGateway


class PermanentDeliveryError(Exception):
    """Raised by a gateway when retrying cannot help (e.g. the number does not exist)."""


def enqueue(
    session: Session,
    channel: Channel | str,
    recipient: str,
    body: str,
    subject: str | None = None,
    event: str | None = None,
    submission_id: int | None = None,
    html_body: str | None = None,
) -> OutboxMessage:
    """Queue a notification in the caller's transaction; due at once. An e-mail may carry
    `html_body`, its HTML part, beside the plain-text `body`."""
    channel = Channel(channel)  # ValueError for anything but "sms" / "email"
    if not recipient.strip():
        raise ValueError("a notification needs a recipient")
    message = OutboxMessage(
        channel=channel,
        recipient=recipient.strip(),
        body=body,
        subject=subject,
        html_body=html_body,
        event=event,
        submission_id=submission_id,
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: Channel
    recipient: str
    subject: str | None
    body: str
    attempts: int
    html_body: str | None = None


def dispatch(
    database: Database,
    gateway: Gateway | Mapping[str, Gateway],
    now: datetime | None = None,
    batch: int = 50,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    backoff: timedelta = BACKOFF,
    lease: timedelta = LEASE,
) -> int:
    """Deliver up to `batch` due messages; returns how many were sent.

    `gateway` serves every channel, or maps channel names to gateways (messages of a
    channel without a gateway stay queued). `now` fixes the clock, for tests.
    """
    gateways: Mapping[str, Gateway] = (
        gateway if isinstance(gateway, Mapping) else {c.value: gateway for c in Channel}
    )
    clock = now or utcnow()
    claimed = _claim(database, [Channel(c) for c in gateways], clock, batch, lease)
    sent = 0
    for message in claimed:
        try:
            gateway_of = gateways[message.channel]
            if message.html_body is None:
                gateway_of.send(message.recipient, message.body, message.subject)
            else:  # only e-mails have one; SMS gateways never see the keyword
                gateway_of.send(  # type: ignore[call-arg]
                    message.recipient, message.body, message.subject, html_body=message.html_body
                )
        except Exception as error:
            retry = not isinstance(error, PermanentDeliveryError)
            _record_failure(database, message, error, clock, retry, max_attempts, backoff)
        else:
            _record_success(database, message, now or utcnow())
            sent += 1
    return sent


def _claim(
    database: Database, channels: list[Channel], now: datetime, batch: int, lease: timedelta
) -> list[_Claimed]:
    if not channels or batch <= 0:
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
            _Claimed(r.id, r.channel, r.recipient, r.subject, r.body, r.attempts, r.html_body)
            for r in rows
        ]


def _record_success(database: Database, message: _Claimed, at: datetime) -> None:
    with database.session(write=True) as session:
        row = session.get_one(OutboxMessage, message.id)
        row.sent_at, row.next_attempt_at, row.last_error = at, None, None
    log.info("sent %s #%d to %s", message.channel, message.id, message.recipient)


def _record_failure(
    database: Database,
    message: _Claimed,
    error: Exception,
    now: datetime,
    retry: bool,
    max_attempts: int,
    backoff: timedelta,
) -> None:
    text = f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]
    give_up = not retry or message.attempts >= max_attempts
    next_attempt = None if give_up else now + retry_delay(message.attempts, backoff)
    with database.session(write=True) as session:
        row = session.get_one(OutboxMessage, message.id)
        row.last_error, row.next_attempt_at = text, next_attempt
    if give_up:
        log.error(
            "gave up %s #%d to %s after %d attempt(s): %s",
            message.channel,
            message.id,
            message.recipient,
            message.attempts,
            text,
        )
    else:
        log.warning(
            "%s #%d to %s failed (attempt %d), retry at %s: %s",
            message.channel,
            message.id,
            message.recipient,
            message.attempts,
            next_attempt.isoformat() if next_attempt else None,
            text,
        )


def retry_delay(attempts: int, backoff: timedelta = BACKOFF) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, …
    up to an hour."""
    return min(backoff * (1 << min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


@dataclass(frozen=True)
class Delivered:
    recipient: str
    body: str
    subject: str | None
    at: datetime
    html_body: str | None = None


class DevGateway:
    """Development stand-in for both the SMS and the e-mail gateway: delivers nothing,
    logs each message, and keeps it in `delivered`. The outbox row is marked sent like
    with a real gateway, so the dev page of sent messages reads the outbox table."""

    def __init__(self, name: str = "dev") -> None:
        self.name = name
        self.delivered: list[Delivered] = []
        self._log = logging.getLogger(f"khidma.outbox.{name}")

    def send(
        self, recipient: str, body: str, subject: str | None = None, html_body: str | None = None
    ) -> None:
        self.delivered.append(Delivered(recipient, body, subject, utcnow(), html_body))
        self._log.info("to %s%s: %s", recipient, f" [{subject}]" if subject else "", body)
