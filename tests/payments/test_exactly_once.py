"""Exactly once under concurrency, on SQLite and PostgreSQL: a double click makes one
payment; notifications racing the citizen's return change the state once and queue one
message; refunds racing cannot exceed what was paid."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from sqlalchemy import func
from sqlalchemy import select

from khidma.payments.gateway import SIGNATURE_HEADER
from khidma.payments.gateway import notification_body
from khidma.payments.gateway import sign
from khidma.payments.service import RefundError
from khidma.payments.simulator import RunningSimulator
from khidma.storage import payments as store
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.payment_models import Payment
from khidma.storage.payment_models import PaymentEvent
from tests.payments.conftest import SECRET
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import hosted_decision
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import seed_request

THREADS = 8


def together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def browser_session(person: Person) -> requests.Session:
    """A `requests` session carrying the person's session cookie (another tab)."""
    cookie = person.client.get_cookie("khidma_session")
    assert cookie is not None
    http = requests.Session()
    http.cookies.set("khidma_session", cookie.value)
    return http


def test_a_double_click_makes_one_payment(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    page = f"/account/requests/{submission.token}/pay"
    token = citizen.token(citizen.client.get(page))
    http = browser_session(citizen)

    def click(_: int) -> tuple[int, str]:
        response = http.post(
            platform.url + page,
            data={"method": "card", "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        return response.status_code, response.headers.get("Location", "")

    answers = together(THREADS, click)
    assert {status for status, _ in answers} == {303}
    assert len({location for _, location in answers}) == 1  # the same hosted page
    assert len(payments_of(platform, submission)) == 1
    assert len(provider_payments(sim)) == 1  # one payment at the provider too


def _signed(sim: RunningSimulator, provider_id: str) -> bytes:
    view = sim.provider.payment(provider_id).view(sim.url)
    return notification_body("evt_" + secrets.token_hex(8), dt.datetime.now(dt.UTC), view)


def test_notifications_racing_the_return_change_the_state_once(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    back = hosted_decision(location, "success", notify="never")  # paid at the provider
    (payment,) = payments_of(platform, submission)
    assert payment.provider_id is not None
    bodies = [_signed(sim, payment.provider_id) for _ in range(THREADS // 2)]
    http = browser_session(citizen)

    def arrive(i: int) -> int:
        if i % 2:  # a notification (each its own event)
            body = bodies[i // 2]
            return requests.post(
                platform.url + "/payments/notifications",
                data=body,
                timeout=30,
                headers={SIGNATURE_HEADER: sign(SECRET, body), "Content-Type": "application/json"},
            ).status_code
        return http.get(back, allow_redirects=False, timeout=30).status_code  # the return

    assert set(together(THREADS, arrive)) <= {200, 303}
    (paid,) = payments_of(platform, submission)
    assert paid.state == "success" and paid.version == 2
    with platform.db().session() as session:
        applied = session.scalar(
            select(func.count()).where(
                PaymentEvent.payment_id == paid.id, PaymentEvent.applied.is_(True)
            )
        )
        seen = session.scalar(select(func.count()).where(PaymentEvent.payment_id == paid.id))
        to_paid = session.scalar(
            select(func.count()).where(
                StatusEvent.submission_id == submission.id, StatusEvent.to_status == "paid"
            )
        )
        status = session.get_one(Submission, submission.id).status
    assert applied == 1  # created → success, once
    assert seen == 1 + THREADS  # every status seen is kept: the creation's, then each racer's
    assert (to_paid, status) == (1, "paid")
    assert [m.event for m in messages(platform, submission)] == ["payment_received"]


def _paid(platform: Platform, sim: RunningSimulator, citizen: Person) -> Payment:
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "success"))
    (payment,) = payments_of(platform, submission)
    assert payment.state == "success"
    return payment


def test_refunds_racing_cannot_exceed_what_was_paid(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    payment = _paid(platform, sim, citizen)  # SAR 300

    def refund(_: int) -> str:
        try:
            platform.service.refund(payment.id, 20000, user_id=None, reason="race")
        except RefundError as error:
            return error.code
        return "refunded"

    with platform.app.app_context():
        results = together(THREADS, refund)
    assert sorted(results) == ["over"] * (THREADS - 1) + ["refunded"]
    (after,) = [p for p in provider_payments(sim) if p["id"] == payment.provider_id]
    assert after["refund_summary"]["amount_refunded"] == 20000
    with platform.db().session() as session:
        assert session.get_one(Payment, payment.id).refunded == 20000


def test_partial_refunds_add_up_to_the_amount_and_no_more(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    payment = _paid(platform, sim, citizen)
    with platform.app.app_context():
        platform.service.refund(payment.id, 10000, user_id=None)
        platform.service.refund(payment.id, 15000, user_id=None)
        try:
            platform.service.refund(payment.id, 5001, user_id=None)
        except RefundError as error:
            assert (error.code, error.refundable) == ("over", 5000)
        else:
            raise AssertionError("a refund above what is left was made")
        platform.service.refund(payment.id, 5000, user_id=None)
    with platform.db().session() as session:
        assert session.get_one(Payment, payment.id).refunded == 30000
        assert store.reserve_refund(session, payment.id, 1, now=dt.datetime.now(dt.UTC)) is None
    refunded = [
        m
        for m in messages(platform, _submission(platform, payment))
        if m.event == "payment_refunded"
    ]
    assert len(refunded) == 3


def _submission(platform: Platform, payment: Payment) -> Submission:
    with platform.db().session() as session:
        return session.get_one(Submission, payment.submission_id)
