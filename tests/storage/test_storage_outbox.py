"""The outbox: notifications commit with their change and are delivered with retries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from khidma.storage import Channel, Database, OutboxMessage, Submission
from khidma.storage.outbox import (
    DevGateway,
    PermanentDeliveryError,
    dispatch,
    enqueue,
    retry_delay,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FlakyGateway:
    """Fails the first `failures` sends, then delivers."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ConnectionError("gateway timed out")
        self.sent: list[tuple[str, str, str | None]] = []

    def send(self, recipient: str, body: str, subject: str | None = None) -> None:
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append((recipient, body, subject))


def queue(database: Database, count: int = 1, channel: str = "sms", at: datetime = NOW) -> None:
    with database.session() as session:
        for i in range(count):
            message = enqueue(session, channel, "+966501234567", f"رسالة {i}", event="submitted")
            message.created_at = message.next_attempt_at = at


def messages(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_notification_exists_only_if_its_change_commits(
    database: Database, new_submission: Callable[..., Submission]
) -> None:
    with pytest.raises(RuntimeError), database.session() as session:
        submission = new_submission(1, 1447)
        session.add(submission)
        session.flush()
        enqueue(session, "sms", "+966501234567", "تم استلام طلبك", submission_id=submission.id)
        raise RuntimeError("the change failed")
    assert messages(database) == []

    with database.session() as session:
        submission = new_submission(1, 1447)
        session.add(submission)
        session.flush()
        enqueue(
            session, Channel.EMAIL, "a@example.sa", "body", "subject", "submitted", submission.id
        )
    [message] = messages(database)
    assert (message.channel, message.subject, message.attempts) == (Channel.EMAIL, "subject", 0)
    assert message.submission_id == submission.id and message.sent_at is None


def test_enqueue_refuses_unknown_channels_and_empty_recipients(database: Database) -> None:
    with database.session() as session:
        with pytest.raises(ValueError):
            enqueue(session, "fax", "+966501234567", "x")
        with pytest.raises(ValueError, match="recipient"):
            enqueue(session, "sms", "  ", "x")


def test_dispatch_delivers_due_messages(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    queue(database, 3)
    gateway = DevGateway()
    with caplog.at_level(logging.INFO, logger="khidma.outbox"):
        assert dispatch(database, gateway, now=NOW) == 3
    assert [d.body for d in gateway.delivered] == ["رسالة 0", "رسالة 1", "رسالة 2"]
    assert "to +966501234567: رسالة 0" in caplog.text
    for message in messages(database):
        assert (message.sent_at, message.attempts, message.next_attempt_at) == (NOW, 1, None)
    assert dispatch(database, gateway, now=NOW + timedelta(days=1)) == 0  # nothing twice


def test_dispatch_leaves_messages_that_are_not_due(database: Database) -> None:
    queue(database, 1, at=NOW + timedelta(minutes=1))
    assert dispatch(database, DevGateway(), now=NOW) == 0
    assert dispatch(database, DevGateway(), now=NOW + timedelta(minutes=1)) == 1


def test_dispatch_respects_the_batch_size(database: Database) -> None:
    queue(database, 5)
    assert dispatch(database, DevGateway(), now=NOW, batch=2) == 2
    assert dispatch(database, DevGateway(), now=NOW, batch=10) == 3


def test_failures_are_retried_with_exponential_back_off(database: Database) -> None:
    queue(database)
    gateway = FlakyGateway(failures=2)
    assert dispatch(database, gateway, now=NOW) == 0
    [message] = messages(database)
    assert message.attempts == 1 and message.sent_at is None
    assert message.last_error == "ConnectionError: gateway timed out"
    assert message.next_attempt_at == NOW + timedelta(seconds=30)

    assert dispatch(database, gateway, now=NOW + timedelta(seconds=29)) == 0  # not yet due
    assert dispatch(database, gateway, now=NOW + timedelta(seconds=30)) == 0  # fails again
    [message] = messages(database)
    assert message.attempts == 2
    assert message.next_attempt_at == NOW + timedelta(seconds=30 + 60)

    assert dispatch(database, gateway, now=NOW + timedelta(seconds=90)) == 1
    [message] = messages(database)
    assert message.attempts == 3 and message.sent_at == NOW + timedelta(seconds=90)
    assert message.last_error is None and message.next_attempt_at is None
    assert gateway.sent == [("+966501234567", "رسالة 0", None)]


def test_gives_up_after_max_attempts(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    queue(database)
    gateway = FlakyGateway(failures=99)
    clock = NOW
    for _ in range(3):
        dispatch(database, gateway, now=clock, max_attempts=3)
        clock += timedelta(hours=2)
    [message] = messages(database)
    assert (message.attempts, message.sent_at, message.next_attempt_at) == (3, None, None)
    assert "gave up sms" in caplog.text
    assert dispatch(database, gateway, now=clock + timedelta(days=30)) == 0


def test_permanent_errors_are_not_retried(database: Database) -> None:
    queue(database)
    gateway = FlakyGateway(failures=1, error=PermanentDeliveryError("no such number"))
    assert dispatch(database, gateway, now=NOW) == 0
    [message] = messages(database)
    assert message.next_attempt_at is None
    assert message.last_error == "PermanentDeliveryError: no such number"


def test_a_claimed_message_is_not_sent_twice_before_its_lease_ends(database: Database) -> None:
    # A dispatcher that died after claiming: the message waits for the lease, then goes.
    queue(database)
    with database.session() as session:
        message = session.scalars(select(OutboxMessage)).one()
        message.attempts, message.next_attempt_at = 1, NOW + timedelta(minutes=5)
    assert dispatch(database, DevGateway(), now=NOW) == 0
    assert dispatch(database, DevGateway(), now=NOW + timedelta(minutes=5)) == 1


def test_one_gateway_per_channel(database: Database) -> None:
    queue(database, 1, "sms")
    queue(database, 1, "email")
    sms = DevGateway("sms")
    assert dispatch(database, {"sms": sms}, now=NOW) == 1  # e-mail has no gateway: waits
    assert len(sms.delivered) == 1
    with database.session() as session:
        pending = select(func.count()).where(OutboxMessage.sent_at.is_(None))
        assert session.scalar(pending) == 1


def test_retry_delay_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert retry_delay(50) == timedelta(hours=1)


def test_concurrent_dispatchers_send_each_message_once(
    make_database: Callable[..., Database],
) -> None:
    # Two worker processes, each with its own engine and dispatcher, at the same moment.
    first = make_database()
    second = make_database(migrated=False)
    queue(first, 20)
    gateway = DevGateway()
    barrier = threading.Barrier(2)

    def run(database: Database) -> int:
        barrier.wait()
        return dispatch(database, gateway, now=NOW, batch=20)

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(run, [first, second]))
    assert sum(counts) == 20
    assert sorted(d.body for d in gateway.delivered) == sorted(f"رسالة {i}" for i in range(20))
