"""SADAD: a bill number issued under the biller code with the amount and an expiry (at
most 29 days), shown on the pay page and sent to the citizen; paid when the provider
notifies; an expired bill can be reissued."""

from __future__ import annotations

import datetime as dt
import re

import requests

from khidma.payments.simulator import RunningSimulator
from khidma.storage.models import Submission
from tests.payments.conftest import BILLER
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import flush
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import seed_request
from tests.payments.conftest import status_of


def issue_bill(citizen: Person, submission: Submission) -> str:
    response = citizen.pay(submission, "sadad")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/account/requests/{submission.token}/pay#bill")
    page = citizen.client.get(f"/account/requests/{submission.token}/pay?lang=en")
    html = page.get_data(as_text=True)
    found = re.search(r'class="bill-number" dir="ltr">(\d+)<', html)
    assert found, html[:3000]
    assert f'class="biller-code" dir="ltr">{BILLER}<' in html
    assert "SAR 300.00" in html
    return found.group(1)


def desk(sim: RunningSimulator, bill: str, action: str, notify: str = "normal") -> None:
    response = requests.post(
        f"{sim.url}/sadad/{bill}/{action}",
        data={"notify": notify},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 303, response.text[:300]


def test_a_bill_is_issued_shown_sent_and_paid_on_notification(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    bill = issue_bill(citizen, submission)
    assert issue_bill(citizen, submission) == bill  # asking again shows the same bill
    (payment,) = payments_of(platform, submission)
    assert (payment.state, payment.bill_number, payment.biller_code) == ("submitted", bill, BILLER)
    assert payment.bill_expires_at is not None
    assert payment.bill_expires_at - payment.created_at.replace(microsecond=0) == dt.timedelta(
        days=3
    )
    (sent,) = messages(platform, submission)
    assert sent.event == "payment_due" and bill in sent.body and BILLER in sent.body
    assert "300.00 ر.س" in sent.body

    desk(sim, bill, "pay")
    assert payments_of(platform, submission)[0].state == "submitted"  # not until notified
    assert flush(sim) == 1
    (paid,) = payments_of(platform, submission)
    assert paid.state == "success"
    assert [m.event for m in messages(platform, submission)] == ["payment_due", "payment_received"]
    assert sum(p["charges"] for p in provider_payments(sim)) == 1
    assert status_of(platform, submission) == "paid"


def test_an_expired_bill_is_reissued_and_the_new_one_paid(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    first = issue_bill(citizen, submission)
    desk(sim, first, "expire")
    flush(sim)
    assert [p.state for p in payments_of(platform, submission)] == ["expired"]
    html = citizen.client.get(f"/account/requests/{submission.token}/pay?lang=en").get_data(
        as_text=True
    )
    assert "The bill expired unpaid." in html and 'id="reissue"' in html

    second = issue_bill(citizen, submission)  # "Issue a new bill" posts method=sadad
    assert second != first
    desk(sim, second, "pay", notify="before")
    attempts = payments_of(platform, submission)
    assert [(p.attempt, p.state) for p in attempts] == [(1, "expired"), (2, "success")]
    events = [m.event for m in messages(platform, submission)]
    # the held "bill expired" message was withdrawn once the request was paid
    assert events == ["payment_due", "payment_due", "payment_received"]


def test_a_bill_past_its_expiry_is_settled_by_reconciliation(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission = seed_request(platform, citizen.user)
    issue_bill(citizen, submission)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    sim.provider.clock = lambda: later  # the provider's day moves past the bill's expiry
    with platform.app.app_context():
        report = platform.service.reconcile(now=later)
    assert report.settled == 1
    assert [p.state for p in payments_of(platform, submission)] == ["expired"]


def test_the_provider_refuses_a_bill_longer_than_29_days(sim: RunningSimulator) -> None:
    from tests.payments.conftest import API_KEY

    body = {
        "amount": 100,
        "currency": "SAR",
        "method": "sadad",
        "reference": "r1",
        "sadad": {
            "biller_code": "901",
            "expires_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat(),
        },
    }
    response = requests.post(
        f"{sim.url}/v1/payments",
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {API_KEY}", "Idempotency-Key": "k-30-days"},
    )
    assert (response.status_code, response.json()["code"]) == (422, "sadad_expiry_too_far")


def test_a_bill_paid_after_the_card_is_refunded_by_reconciliation(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    from tests.payments.conftest import hosted_decision

    submission = seed_request(platform, citizen.user)
    bill = issue_bill(citizen, submission)  # the citizen takes a bill, then pays by card
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "success"))
    assert status_of(platform, submission) == "paid"
    desk(sim, bill, "pay", notify="before")  # ...and pays the bill at the bank as well
    card, sadad = sorted(payments_of(platform, submission), key=lambda p: p.method)
    assert (card.state, sadad.state, sadad.duplicate) == ("success", "success", True)
    with platform.app.app_context():
        report = platform.service.reconcile(min_age=dt.timedelta(0))
    assert report.duplicates_refunded == 1 and report.errors == []
    refunded = {p["method"]: p["refund_summary"]["amount_refunded"] for p in provider_payments(sim)}
    assert refunded == {"card": 0, "sadad": 30000}
    events = [m.event for m in messages(platform, submission)]
    assert events == ["payment_due", "payment_received", "payment_refunded"]
    with platform.app.app_context():  # once is enough
        assert platform.service.reconcile(min_age=dt.timedelta(0)).duplicates_refunded == 0
