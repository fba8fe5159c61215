"""The outbox rows: notifications commit with their change; claims, outcomes and health
are guarded single statements (the worker that uses them: tests/delivery)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage import OutboxMessage
from khidma.storage import Submission
from khidma.storage.outbox import Outcome
from khidma.storage.outbox import OutgoingMessage
from khidma.storage.outbox import State
from khidma.storage.outbox import add_wake_listener
from khidma.storage.outbox import claim
from khidma.storage.outbox import enqueue
from khidma.storage.outbox import record_failure
from khidma.storage.outbox import record_sent
from khidma.storage.outbox import release
from khidma.storage.outbox import retry
from khidma.storage.outbox import retry_delay
from khidma.storage.outbox import state_of
from khidma.storage.outbox_health import given_up
from khidma.storage.outbox_health import health

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SMS = [Channel.SMS]
BOTH = [Channel.SMS, Channel.EMAIL]


def queue(database: Database, count: int = 1, channel: str = "sms", at: datetime = NOW) -> None:
    with database.session(write=True) as session:
        for i in range(count):
            message = enqueue(session, channel, "+966501234567", f"رسالة {i}", event="submitted")
            message.created_at = message.next_attempt_at = at


def messages(database: Database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def fail(
    database: Database, message: OutgoingMessage, *, permanent: bool = False, now: datetime = NOW
) -> Outcome:
    return record_failure(
        database,
        message,
        "ConnectionError: down",
        now=now,
        permanent=permanent,
        max_attempts=3,
        delay=timedelta(seconds=30),
    ).outcome


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
            session,
            Channel.EMAIL,
            "a@example.sa",
            "body",
            "subject",
            "submitted",
            submission.id,
            html="<p>body</p>",
        )
    [message] = messages(database)
    assert (message.channel, message.subject, message.attempts) == (Channel.EMAIL, "subject", 0)
    assert message.submission_id == submission.id and message.sent_at is None
    assert message.html_body == "<p>body</p>" and state_of(message) is State.QUEUED


def test_enqueue_refuses_unknown_channels_empty_recipients_and_html_sms(
    database: Database,
) -> None:
    with database.session() as session:
        with pytest.raises(ValueError):
            enqueue(session, "fax", "+966501234567", "x")
        with pytest.raises(ValueError, match="recipient"):
            enqueue(session, "sms", "  ", "x")
        with pytest.raises(ValueError, match="HTML"):
            enqueue(session, "sms", "+966501234567", "x", html="<p>x</p>")


def test_claim_takes_due_messages_oldest_first_and_counts_the_attempt(
    database: Database,
) -> None:
    queue(database, 2, at=NOW - timedelta(minutes=1))
    queue(database, 1, at=NOW + timedelta(minutes=1))  # a reminder for later
    claimed = claim(database, SMS, now=NOW, batch=10, lease=timedelta(minutes=5))
    assert [m.body for m in claimed] == ["رسالة 0", "رسالة 1"]
    assert [m.attempt for m in claimed] == [1, 1]
    rows = messages(database)
    assert rows[0].next_attempt_at == NOW + timedelta(minutes=5)  # leased, not due
    assert claim(database, SMS, now=NOW, batch=10) == []  # nothing twice
    [later] = claim(database, SMS, now=NOW + timedelta(minutes=1), batch=10)
    assert later.body == "رسالة 0" and later.id == rows[2].id
    assert claim(database, [Channel.EMAIL], now=NOW + timedelta(days=1), batch=10) == []


def test_claim_respects_the_batch_and_the_channels(database: Database) -> None:
    queue(database, 5)
    queue(database, 1, "email")
    assert len(claim(database, SMS, now=NOW, batch=2)) == 2
    assert len(claim(database, SMS, now=NOW, batch=10)) == 3
    assert [m.channel for m in claim(database, BOTH, now=NOW, batch=10)] == [Channel.EMAIL]


def test_the_key_is_stable_across_attempts_and_unique_per_message(database: Database) -> None:
    queue(database, 2)
    first, second = claim(database, SMS, now=NOW, batch=2, lease=timedelta(seconds=1))
    [again] = claim(database, SMS, now=NOW + timedelta(seconds=1), batch=1)
    assert again.id == first.id and again.attempt == 2 and again.key == first.key
    assert first.key != second.key


def test_record_sent_and_failure_outcomes(database: Database) -> None:
    queue(database, 3)
    one, two, three = claim(database, SMS, now=NOW, batch=3)
    assert record_sent(database, one, at=NOW, gateway_ref="gw-1")
    assert not record_sent(database, one, at=NOW)  # already sent: reported, not rewritten
    assert fail(database, two) is Outcome.RETRY
    assert fail(database, three, permanent=True) is Outcome.GIVEN_UP
    sent, retrying, dead = messages(database)
    assert (sent.sent_at, sent.gateway_ref, state_of(sent)) == (NOW, "gw-1", State.SENT)
    assert retrying.next_attempt_at == NOW + timedelta(seconds=30)
    assert retrying.last_error == "ConnectionError: down" and state_of(retrying) is State.QUEUED
    assert (dead.next_attempt_at, dead.given_up_at, state_of(dead)) == (None, NOW, State.GIVEN_UP)


def test_gives_up_after_max_attempts(database: Database) -> None:
    queue(database)
    clock = NOW
    outcomes = []
    for _ in range(3):
        [message] = claim(database, SMS, now=clock, batch=1)
        outcomes.append(fail(database, message, now=clock))
        clock += timedelta(hours=1)
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.GIVEN_UP]
    [row] = messages(database)
    assert (row.attempts, row.sent_at, row.next_attempt_at) == (3, None, None)
    assert claim(database, SMS, now=clock + timedelta(days=30), batch=1) == []


def test_only_the_claims_holder_records_a_failure(database: Database) -> None:
    # A worker whose lease ran out: another claimed the message; the first one's late
    # failure must not reschedule it under the second's feet.
    queue(database)
    [stale] = claim(database, SMS, now=NOW, batch=1, lease=timedelta(seconds=1))
    [fresh] = claim(database, SMS, now=NOW + timedelta(seconds=1), batch=1)
    assert fail(database, stale) is Outcome.LOST
    assert release(database, [stale], now=NOW) == 0
    assert record_sent(database, fresh, at=NOW)
    assert messages(database)[0].sent_at == NOW


def test_release_hands_back_untried_messages_uncounted(database: Database) -> None:
    queue(database, 2)
    claimed = claim(database, SMS, now=NOW, batch=2)
    assert release(database, claimed, now=NOW + timedelta(seconds=5)) == 2
    for row in messages(database):
        assert (row.attempts, row.next_attempt_at) == (0, NOW + timedelta(seconds=5))


def test_retry_delay_doubles_up_to_the_cap_with_jitter_below_it() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert retry_delay(50) == timedelta(hours=1)
    assert retry_delay(3, timedelta(seconds=10), timedelta(seconds=25)).total_seconds() == 25
    assert retry_delay(2, jitter=0.5, rng=lambda: 0.0) == timedelta(seconds=60)
    assert retry_delay(2, jitter=0.5, rng=lambda: 1.0) == timedelta(seconds=30)
    assert retry_delay(2, jitter=5, rng=lambda: 1.0) == timedelta(0)  # jitter capped at 1


def test_retry_requeues_a_given_up_message_only(database: Database) -> None:
    queue(database, 2)
    dead, sent = claim(database, SMS, now=NOW, batch=2)
    fail(database, dead, permanent=True)
    record_sent(database, sent, at=NOW)
    assert not retry(database, sent.id, now=NOW)
    assert not retry(database, 999_999, now=NOW)
    assert retry(database, dead.id, now=NOW + timedelta(hours=1))
    assert not retry(database, dead.id, now=NOW)  # queued now, not given up
    row = messages(database)[0]
    assert (row.attempts, row.given_up_at, state_of(row)) == (0, None, State.QUEUED)
    assert row.next_attempt_at == NOW + timedelta(hours=1)
    assert row.last_error == "ConnectionError: down"  # kept until the next outcome


def test_health_counts_per_channel_and_state(database: Database) -> None:
    assert health(database, now=NOW).total(State.QUEUED) == 0
    queue(database, 4, at=NOW - timedelta(hours=2))
    queue(database, 2, "email", at=NOW - timedelta(minutes=3))
    queue(database, 1, "email", at=NOW + timedelta(days=1))  # scheduled
    a, b, c, d = claim(database, SMS, now=NOW, batch=4)
    record_sent(database, a, at=NOW - timedelta(days=2))  # sent, but not recently
    record_sent(database, b, at=NOW)
    fail(database, c, permanent=True)
    fail(database, d)  # retrying
    report = health(database, now=NOW)
    sms, email = report.channels[Channel.SMS], report.channels[Channel.EMAIL]
    assert (sms.sent, sms.sent_recently, sms.given_up, sms.queued, sms.retrying) == (2, 1, 1, 1, 1)
    assert sms.oldest_due_at is None  # the retrying one is due later
    assert (email.queued, email.sent, email.given_up, email.retrying) == (3, 0, 0, 0)
    assert email.oldest_due_at == NOW - timedelta(minutes=3)
    assert report.total(State.QUEUED) == 4 and report.total(State.GIVEN_UP) == 1


def test_given_up_lists_newest_first_with_their_error_a_page_at_a_time(
    database: Database,
) -> None:
    queue(database, 5)
    claimed = claim(database, SMS, now=NOW, batch=5)
    for i, message in enumerate(claimed):
        fail(database, message, permanent=True, now=NOW + timedelta(minutes=i % 2))
    first = given_up(database, limit=3)
    assert [g.id for g in first] == [claimed[3].id, claimed[1].id, claimed[4].id]
    assert first[0].last_error == "ConnectionError: down" and first[0].attempts == 1
    assert first[0].given_up_at == NOW + timedelta(minutes=1)
    rest = given_up(database, limit=3, before_id=first[-1].id)
    assert [g.id for g in rest] == [claimed[2].id, claimed[0].id]
    assert given_up(database, channel=Channel.EMAIL) == []


def test_a_commit_that_queued_a_message_wakes_listeners(database: Database) -> None:
    woken: list[int] = []
    remove = add_wake_listener(lambda: woken.append(1))
    try:
        with database.session(write=True) as session:
            session.add(OutboxMessage(channel=Channel.SMS, recipient="+966501234567", body="x"))
        assert woken == []  # not queued through enqueue: nothing promised
        queue(database)
        assert woken == [1]
        with pytest.raises(RuntimeError), database.session(write=True) as session:
            enqueue(session, "sms", "+966501234567", "rolled back")
            raise RuntimeError
        with database.session(write=True):
            pass
        assert woken == [1]
    finally:
        remove()
    queue(database)
    assert woken == [1]


def test_concurrent_claims_share_the_messages(make_database: Callable[..., Database]) -> None:
    # Two worker processes, each with its own engine, claiming at the same moment.
    first = make_database()
    second = make_database(migrated=False)
    queue(first, 40)
    barrier = threading.Barrier(2)

    def take(database: Database) -> list[int]:
        barrier.wait()
        taken: list[int] = []
        while batch := claim(database, SMS, now=NOW, batch=3):
            taken += [m.id for m in batch]
        return taken

    with ThreadPoolExecutor(max_workers=2) as pool:
        one, two = pool.map(take, [first, second])
    assert sorted(one + two) == sorted(m.id for m in messages(first))
    assert not set(one) & set(two)
