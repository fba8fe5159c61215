"""One pass over the outbox: claim what is due, send each through its channel's gateway,
record each outcome. Logs one line per attempt (recipients masked: the log is not the
place for citizens' numbers).

A pass stops early, handing the messages it has not tried back to the outbox
(`outbox.release`), when `stop` is set (the worker is shutting down: it finishes the
message in hand, nothing more) or when so little of the claim's lease is left that a
slow gateway could outlive it and another worker send the same message again.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import Senders
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.storage import outbox
from khidma.storage.outbox import Outcome
from khidma.storage.outbox import OutgoingMessage
from khidma.storage.types import utcnow

if TYPE_CHECKING:
    from khidma.storage.db import Database

log = logging.getLogger("khidma.delivery")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = outbox.MAX_ATTEMPTS
    backoff: timedelta = outbox.BACKOFF
    max_backoff: timedelta = outbox.MAX_BACKOFF
    jitter: float = 0.5  # up to half of each wait taken off at random
    lease: timedelta = outbox.LEASE
    # the longest one send may take (the gateways' timeouts); no send starts with less
    # than this left of its lease
    send_budget: timedelta = timedelta(seconds=60)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.lease <= self.send_budget:
            raise ValueError(
                f"the lease ({self.lease}) must be longer than the longest send "
                f"({self.send_budget}), or a slow send could be claimed again and sent twice"
            )


@dataclass(frozen=True)
class PassResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    released: int = 0


Clock = Callable[[], datetime]


def deliver_due(
    database: Database,
    senders: Senders,
    *,
    policy: RetryPolicy | None = None,
    batch: int = 50,
    clock: Clock = utcnow,
    stop: threading.Event | None = None,
    rng: Callable[[], float] = random.random,
) -> PassResult:
    """Deliver up to `batch` due messages of the channels that have a sender."""
    policy = policy or RetryPolicy()
    claimed_at = clock()
    messages = outbox.claim(
        database, list(senders), now=claimed_at, batch=batch, lease=policy.lease
    )
    sent = failed = 0
    deadline = claimed_at + policy.lease - policy.send_budget
    for index, message in enumerate(messages):
        if (stop is not None and stop.is_set()) or clock() >= deadline:
            released = outbox.release(database, messages[index:], now=clock())
            log.info("handed back %d claimed message(s) untried", released)
            return PassResult(len(messages), sent, failed, released)
        if _attempt(database, senders, message, policy, clock, rng):
            sent += 1
        else:
            failed += 1
    return PassResult(len(messages), sent, failed)


def _attempt(
    database: Database,
    senders: Senders,
    message: OutgoingMessage,
    policy: RetryPolicy,
    clock: Clock,
    rng: Callable[[], float],
) -> bool:
    who = f"{message.channel.value} #{message.id} to {mask(message.recipient)}"
    started = time.monotonic()
    try:
        gateway_ref = senders[message.channel].send(message)
    except Exception as error:
        took = _ms(started)
        text = f"{type(error).__name__}: {error}"
        permanent = isinstance(error, PermanentDeliveryError)
        delay = outbox.retry_delay(
            message.attempt, policy.backoff, policy.max_backoff, jitter=policy.jitter, rng=rng
        )
        if isinstance(error, TemporaryDeliveryError) and error.retry_after:
            delay = max(delay, error.retry_after)
        result = outbox.record_failure(
            database,
            message,
            text,
            now=clock(),
            permanent=permanent,
            max_attempts=policy.max_attempts,
            delay=delay,
        )
        if result.outcome is Outcome.RETRY:
            assert result.next_attempt_at is not None
            log.warning(
                "%s failed (attempt %d, %d ms), retry at %s: %s",
                who,
                message.attempt,
                took,
                result.next_attempt_at.isoformat(timespec="seconds"),
                text,
            )
        elif result.outcome is Outcome.GIVEN_UP:
            log.error("%s given up (attempt %d, %d ms): %s", who, message.attempt, took, text)
        else:
            log.warning(
                "%s failed (attempt %d) after its claim passed on: %s", who, message.attempt, text
            )
        return False
    took = _ms(started)
    if outbox.record_sent(database, message, at=clock(), gateway_ref=gateway_ref):
        log.info(
            "%s sent (attempt %d, %d ms, gateway id %s)", who, message.attempt, took, gateway_ref
        )
    else:
        log.error("%s sent (attempt %d) but another worker had sent it too", who, message.attempt)
    return True


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


_EMAIL = re.compile(r"^(.)[^@]*(@.*)$")


def mask(recipient: str) -> str:
    """+966501234567 → +96650•••4567; someone@example.sa → s•••@example.sa."""
    if "@" in recipient:
        return _EMAIL.sub(r"\1•••\2", recipient)
    if len(recipient) > 8:
        return f"{recipient[:6]}•••{recipient[-4:]}"
    return "•••"
