"""One delivery pass: due messages go out through their channel's gateway, failures are
retried with back-off and given up in the end, a pass that must stop hands back what it
has not tried, and workers racing each other deliver every message exactly once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from khidma.delivery.dev import DevSender
from khidma.delivery.dispatcher import RetryPolicy
from khidma.delivery.dispatcher import deliver_due
from khidma.delivery.dispatcher import mask
from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.sms_http import SmsSettings
from khidma.delivery.sms_simulator import SimulatorServer
from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage import OutboxMessage
from khidma.storage.outbox import OutgoingMessage
from tests.delivery.conftest import API_KEY
from tests.delivery.conftest import NOW
from tests.delivery.conftest import SENDER
from tests.delivery.conftest import Clock
from tests.delivery.conftest import queue_email
from tests.delivery.conftest import queue_sms

NO_JITTER = RetryPolicy(jitter=0, max_attempts=3)


class Flaky:
    """Fails the first `failures` sends with `error`, then delivers."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ConnectionError("gateway timed out")
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str | None:
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append(message)
        return f"gw-{message.id}"


def rows(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_due_messages_go_out_through_their_channels_gateway(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    queue_sms(database, 2, at=NOW)
    queue_email(database, 1, at=NOW)
    queue_sms(database, 1, at=NOW + timedelta(hours=1))  # a reminder: not yet
    sms, email = DevSender(Channel.SMS), DevSender(Channel.EMAIL)
    with caplog.at_level(logging.INFO, logger="khidma"):
        result = deliver_due(database, {Channel.SMS: sms, Channel.EMAIL: email}, clock=Clock())
    assert (result.claimed, result.sent, result.failed) == (3, 3, 0)
    assert [m.body for m in sms.delivered] == ["رمز التحقق 0000", "رمز التحقق 0001"]
    assert [m.recipient for m in email.delivered] == ["citizen0@example.sa"]
    sent = [r for r in rows(database) if r.sent_at]
    assert [(r.sent_at, r.attempts, r.gateway_ref) for r in sent] == [
        (NOW, 1, f"dev-{r.id}") for r in sent
    ]
    attempts = [r for r in caplog.records if r.name == "khidma.delivery"]
    assert len(attempts) == 3  # one line per attempt
    assert "sms #1 to +96650•••4567 sent (attempt 1" in attempts[0].getMessage()
    assert "+966501234567" not in attempts[0].getMessage()  # the worker's log is masked
    assert "to +966501234567: رمز التحقق 0000" in caplog.text  # the dev gateway shows all

    later = deliver_due(database, {Channel.SMS: sms}, clock=Clock(NOW + timedelta(hours=1)))
    assert later.sent == 1


def test_a_channel_without_a_gateway_keeps_its_messages_queued(database: Database) -> None:
    queue_sms(database, 1, at=NOW)
    queue_email(database, 1, at=NOW)
    assert deliver_due(database, {Channel.SMS: DevSender(Channel.SMS)}, clock=Clock()).sent == 1
    email = [r for r in rows(database) if r.channel is Channel.EMAIL]
    assert [(r.sent_at, r.attempts, r.given_up_at) for r in email] == [(None, 0, None)]


def test_failures_back_off_then_succeed(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    queue_sms(database, 1, at=NOW)
    gateway, clock = Flaky(failures=2), Clock()
    senders = {Channel.SMS: gateway}
    assert deliver_due(database, senders, policy=NO_JITTER, clock=clock).failed == 1
    [row] = rows(database)
    assert (row.attempts, row.next_attempt_at) == (1, NOW + timedelta(seconds=30))
    assert row.last_error == "ConnectionError: gateway timed out"
    assert "failed (attempt 1" in caplog.text and "retry at" in caplog.text

    clock.advance(timedelta(seconds=29))
    assert deliver_due(database, senders, policy=NO_JITTER, clock=clock).claimed == 0
    clock.advance(timedelta(seconds=1))
    assert deliver_due(database, senders, policy=NO_JITTER, clock=clock).failed == 1
    assert rows(database)[0].next_attempt_at == clock.now + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    assert deliver_due(database, senders, policy=NO_JITTER, clock=clock).sent == 1
    [row] = rows(database)
    assert (row.attempts, row.sent_at, row.last_error) == (3, clock.now, None)


def test_jitter_spreads_the_retries(database: Database) -> None:
    queue_sms(database, 2, at=NOW)
    policy = RetryPolicy(jitter=0.5)
    shares = iter([0.0, 1.0])
    deliver_due(
        database, {Channel.SMS: Flaky(9)}, policy=policy, clock=Clock(), rng=lambda: next(shares)
    )
    assert [r.next_attempt_at for r in rows(database)] == [
        NOW + timedelta(seconds=30),
        NOW + timedelta(seconds=15),
    ]


def test_a_gateways_retry_after_is_honoured(database: Database) -> None:
    queue_sms(database, 1, at=NOW)
    busy = Flaky(1, TemporaryDeliveryError("429", retry_after=timedelta(minutes=10)))
    deliver_due(database, {Channel.SMS: busy}, policy=NO_JITTER, clock=Clock())
    assert rows(database)[0].next_attempt_at == NOW + timedelta(minutes=10)


def test_gives_up_after_the_last_attempt_and_on_a_permanent_error(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    queue_sms(database, 1, at=NOW)
    clock, gateway = Clock(), Flaky(99)
    for _ in range(3):
        deliver_due(database, {Channel.SMS: gateway}, policy=NO_JITTER, clock=clock)
        clock.advance(timedelta(hours=2))
    [row] = rows(database)
    assert (row.attempts, row.sent_at, row.next_attempt_at) == (3, None, None)
    assert row.given_up_at == NOW + timedelta(hours=4)
    assert "given up (attempt 3" in caplog.text
    assert (
        deliver_due(database, {Channel.SMS: gateway}, clock=Clock(NOW + timedelta(days=9))).claimed
        == 0
    )

    queue_email(database, 1, at=NOW)
    refused = Flaky(1, PermanentDeliveryError("550 no such user"))
    deliver_due(database, {Channel.EMAIL: refused}, policy=NO_JITTER, clock=Clock())
    email = rows(database)[1]
    assert (email.attempts, email.next_attempt_at) == (1, None)
    assert email.last_error == "PermanentDeliveryError: 550 no such user"


def test_a_stopping_pass_finishes_the_message_in_hand_and_hands_back_the_rest(
    database: Database,
) -> None:
    queue_sms(database, 4, at=NOW)
    stop = threading.Event()

    class StopsTheWorker(Flaky):
        def send(self, message: OutgoingMessage) -> str | None:
            stop.set()  # SIGTERM arrives while this message is being sent
            return super().send(message)

    gateway = StopsTheWorker()
    result = deliver_due(database, {Channel.SMS: gateway}, clock=Clock(), stop=stop)
    assert (result.claimed, result.sent, result.released) == (4, 1, 3)
    first, *rest = rows(database)
    assert first.sent_at == NOW
    assert {(r.attempts, r.next_attempt_at) for r in rest} == {(0, NOW)}  # due, uncounted


def test_no_send_starts_too_close_to_the_end_of_the_lease(database: Database) -> None:
    # A slow gateway: each send takes 30 s of a 100 s lease with a 50 s budget per send.
    queue_sms(database, 3, at=NOW)
    clock = Clock()

    class Slow(Flaky):
        def send(self, message: OutgoingMessage) -> str | None:
            clock.advance(timedelta(seconds=30))
            return super().send(message)

    policy = RetryPolicy(lease=timedelta(seconds=100), send_budget=timedelta(seconds=50))
    result = deliver_due(database, {Channel.SMS: Slow()}, policy=policy, clock=clock)
    assert (result.sent, result.released) == (2, 1)
    assert rows(database)[2].next_attempt_at == NOW + timedelta(seconds=60)


def test_a_lease_shorter_than_a_send_is_refused() -> None:
    with pytest.raises(ValueError, match="sent twice"):
        RetryPolicy(lease=timedelta(seconds=30), send_budget=timedelta(seconds=30))


def test_mask_keeps_recipients_out_of_the_log() -> None:
    assert mask("+966501234567") == "+96650•••4567"
    assert mask("someone@example.sa") == "s•••@example.sa"
    assert mask("12345") == "•••"


def test_racing_workers_deliver_every_message_exactly_once(
    make_database: Callable[..., Database], sms_gateway: SimulatorServer
) -> None:
    # Two worker processes (each its own engine and gateway), draining at the same time.
    first = make_database()
    second = make_database(migrated=False)
    queue_sms(first, 60)
    barrier = threading.Barrier(2)

    def work(database: Database) -> int:
        gateway = HttpSmsGateway(SmsSettings(sms_gateway.url, API_KEY, SENDER))
        barrier.wait()
        sent = 0
        while (result := deliver_due(database, {Channel.SMS: gateway}, batch=7)).claimed:
            sent += result.sent
        gateway.close()
        return sent

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(work, [first, second]))
    assert sum(counts) == 60
    delivered = sorted(m.body for m in sms_gateway.simulator.messages())
    assert delivered == [f"رمز التحقق {i:04d}" for i in range(60)]
    assert {(r.attempts, r.sent_at is not None) for r in rows(first)} == {(1, True)}
