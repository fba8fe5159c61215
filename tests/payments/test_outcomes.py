"""Every outcome the simulated provider offers, through the real app: each ends with
exactly one payment recorded, at most one charge at the provider, and one message to the
citizen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from khidma.payments.simulator import RunningSimulator
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import flush
from tests.payments.conftest import hosted_decision
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import seed_request
from tests.payments.conftest import status_of


def start_card(citizen: Person, submission: Submission, method: str = "card") -> str:
    """Choose to pay by card: the platform sends the browser to the hosted page."""
    response = citizen.pay(submission, method)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    location = str(response.headers["Location"])
    assert "/pay/pay_" in location
    return location


def come_back(citizen: Person, location: str) -> str:
    """The browser follows the provider back to the platform; returns where it lands."""
    assert "/payments/" in location and location.endswith("/return")
    response = citizen.get(location)
    assert response.status_code == 303
    return str(response.headers["Location"])


def one_payment(platform: Platform, submission: Submission, state: str) -> None:
    recorded = payments_of(platform, submission)
    assert [p.state for p in recorded] == [state]


def charges(sim: RunningSimulator) -> int:
    return sum(p["charges"] for p in provider_payments(sim))


def test_success(platform: Platform, sim: RunningSimulator, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    back = hosted_decision(start_card(citizen, submission), "success")
    landing = come_back(citizen, back)
    assert "/receipt" in landing  # asked the provider: paid
    assert flush(sim) == 1  # the notification after the return changes nothing
    one_payment(platform, submission, "success")
    assert charges(sim) == 1
    (message,) = messages(platform, submission)
    assert message.event == "payment_received"
    assert "300.00 ريال" in message.body and "300.00 SAR" in message.body
    assert "SAR SAR" not in message.body and "ريال ر.س" not in message.body  # said once
    assert status_of(platform, submission) == "paid"  # approved → paid: the workflow goes on
    with platform.db().session() as session:  # moved as the back office moves a request
        moved = session.get_one(Submission, submission.id)
        last = session.scalars(
            select(StatusEvent)
            .where(StatusEvent.submission_id == submission.id)
            .order_by(StatusEvent.id.desc())
        ).first()
        assert moved.version == submission.version + 1
        assert last is not None and (last.from_status, last.to_status) == ("approved", "paid")
        assert last.actor_role == "system"
        from khidma.storage.trust_models import AuditEntry

        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
        assert "payment_event" in actions and "status_change" in actions  # both chained


@pytest.mark.parametrize(
    ("outcome", "state"),
    [("decline", "failed"), ("cancel", "cancelled"), ("expiry", "expired")],
)
def test_unsuccessful_outcomes(
    platform: Platform, sim: RunningSimulator, citizen: Person, outcome: str, state: str
) -> None:
    submission = seed_request(platform, citizen.user)
    landing = come_back(citizen, hosted_decision(start_card(citizen, submission), outcome))
    assert landing.endswith(f"/account/requests/{submission.token}/pay")
    flush(sim)
    one_payment(platform, submission, state)
    assert charges(sim) == 0
    (message,) = messages(platform, submission)
    assert message.event == "payment_failed"
    assert message.sent_at is None and message.next_attempt_at is not None  # held a while
    assert status_of(platform, submission) == "approved"  # still waiting for payment
    page = citizen.client.get(landing).get_data(as_text=True)
    assert 'name="method"' in page  # and the citizen can try again


def test_notification_before_the_citizen_returns(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    back = hosted_decision(start_card(citizen, submission), "success", notify="before")
    one_payment(platform, submission, "success")  # the notification got there first
    assert len(messages(platform, submission)) == 1
    assert "/receipt" in come_back(citizen, back)
    one_payment(platform, submission, "success")
    assert charges(sim) == 1
    assert len(messages(platform, submission)) == 1


def test_duplicate_notification(platform: Platform, sim: RunningSimulator, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    back = hosted_decision(start_card(citizen, submission), "success", notify="twice")
    assert flush(sim) == 1  # the same event again, answered 200 and ignored
    come_back(citizen, back)
    one_payment(platform, submission, "success")
    assert charges(sim) == 1
    assert len(messages(platform, submission)) == 1
    deliveries = sim.provider.books.deliveries
    assert len(deliveries) == 2 and deliveries[0].event_id == deliveries[1].event_id
    assert {d.status for d in deliveries} == {200}


def test_lost_notification_recovered_by_reconciliation(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    hosted_decision(start_card(citizen, submission), "success", notify="never")
    # the citizen closes the browser instead of coming back; no notification ever comes
    assert flush(sim) == 0
    one_payment(platform, submission, "created")  # all the platform knows
    with platform.app.app_context():
        report = platform.service.reconcile(min_age=dt.timedelta(0))
    assert (report.polled, report.settled, report.errors) == (1, 1, [])
    one_payment(platform, submission, "success")
    assert charges(sim) == 1
    assert len(messages(platform, submission)) == 1
    with platform.app.app_context():  # a second run finds nothing to do
        assert platform.service.reconcile(min_age=dt.timedelta(0)).polled == 0


def test_late_success_after_a_failure(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    back = hosted_decision(start_card(citizen, submission), "decline", late_success=True)
    come_back(citizen, back)
    one_payment(platform, submission, "failed")
    held = messages(platform, submission)
    assert [m.event for m in held] == ["payment_failed"]
    flush(sim)  # the decline's notification, then the bank's late capture and its notification
    one_payment(platform, submission, "success")  # "failed" was not final
    assert charges(sim) == 1
    (message,) = messages(platform, submission)
    assert message.event == "payment_received"  # the held failure message was withdrawn
    withdrawn = [m for m in messages(platform, submission, live=False) if m.id == held[0].id]
    assert withdrawn[0].next_attempt_at is None
    assert status_of(platform, submission) == "paid"
