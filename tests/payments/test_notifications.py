"""Provider notifications: signed with HMAC-SHA256 over the raw body, fresh, once.
Unsigned, wrongly signed, malformed and replayed ones are refused and change nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest

from khidma.payments.gateway import SIGNATURE_HEADER
from khidma.payments.gateway import Method
from khidma.payments.gateway import NotificationRefused
from khidma.payments.gateway import ProviderPayment
from khidma.payments.gateway import notification_body
from khidma.payments.gateway import sign
from khidma.payments.gateway import verify_signed
from khidma.payments.simulator import RunningSimulator
from khidma.payments.states import State
from khidma.storage.models import Submission
from tests.payments.conftest import SECRET
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import hosted_decision
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import seed_request

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def at_provider(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> tuple[Submission, ProviderPayment]:
    """A citizen's request paid by card at the provider, which has not notified us yet:
    the request and the provider's view of its payment."""
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    hosted_decision(location, "success", notify="never")
    (payment,) = payments_of(platform, submission)
    assert payment.provider_id is not None
    view = sim.provider.payment(payment.provider_id).view(sim.url)
    return submission, view


def _post(platform: Platform, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    client = platform.app.test_client()  # no session, no CSRF token: like the provider
    response = client.post(
        "/payments/notifications",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    return response.status_code, response.get_json() or {}


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """The signature header the provider sends with `body`."""
    return {SIGNATURE_HEADER: sign(secret, body)}


def test_refusals_change_nothing_and_a_good_one_is_taken_once(
    platform: Platform, at_provider: tuple[Submission, ProviderPayment]
) -> None:
    submission, view = at_provider
    now = dt.datetime.now(dt.UTC)
    body = notification_body("evt_good", now, view)
    stale = notification_body("evt_old", now - dt.timedelta(hours=1), view)
    tampered = body.replace(b'"amount":30000', b'"amount":1')
    refused = [
        (body, {}, 401, "unsigned"),
        (body, signed(body, "not-the-secret"), 401, "bad_signature"),
        (body, {SIGNATURE_HEADER: "v1=" + "0" * 64}, 401, "bad_signature"),
        (tampered, signed(body), 401, "bad_signature"),
        (b"not json", signed(b"not json"), 400, "malformed"),
        (stale, signed(stale), 400, "stale"),  # a replay
    ]
    for raw, headers, status, reason in refused:
        assert _post(platform, raw, headers) == (status, {"error": reason})
    (payment,) = payments_of(platform, submission)
    assert payment.state == "created" and messages(platform, submission) == []

    signature = signed(body)
    assert _post(platform, body, signature) == (200, {"result": "applied"})
    assert _post(platform, body, signature) == (200, {"result": "duplicate"})  # retried
    (payment,) = payments_of(platform, submission)
    assert payment.state == "success"
    assert len(messages(platform, submission)) == 1


def test_an_older_status_arriving_late_changes_nothing(
    platform: Platform, at_provider: tuple[Submission, ProviderPayment]
) -> None:
    submission, view = at_provider
    now = dt.datetime.now(dt.UTC)
    success = notification_body("evt_1", now, view)
    assert _post(platform, success, signed(success))[1] == {"result": "applied"}
    for i, state in enumerate((State.STARTED, State.FAILED, State.SUBMITTED)):
        late = notification_body(f"evt_late_{i}", now, replace(view, state=state))
        assert _post(platform, late, signed(late)) == (
            200,
            {"result": "unchanged"},
        )
    (payment,) = payments_of(platform, submission)
    assert payment.state == "success"


def test_a_notification_for_a_payment_we_do_not_have_is_acknowledged(
    platform: Platform, at_provider: tuple[Submission, ProviderPayment]
) -> None:
    _, view = at_provider
    other = replace(view, id="pay_elsewhere", reference="someone-else")
    body = notification_body("evt_x", dt.datetime.now(dt.UTC), other)
    assert _post(platform, body, signed(body)) == (
        200,
        {"result": "unknown"},
    )


def test_csrf_protection_stays_on_for_everything_else(platform: Platform, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    response = citizen.client.post(
        f"/account/requests/{submission.token}/pay", data={"method": "card"}
    )
    assert response.status_code == 400  # no CSRF token


@pytest.mark.parametrize("skew", [dt.timedelta(minutes=-6), dt.timedelta(minutes=6)])
def test_verify_signed_refuses_old_and_future_notifications(skew: dt.timedelta) -> None:
    body = json.dumps({"id": "e", "created": int((NOW + skew).timestamp()), "payment": {}}).encode()
    with pytest.raises(NotificationRefused) as caught:
        verify_signed(SECRET, signed(body), body, now=NOW)
    assert caught.value.reason in ("stale", "malformed")


def test_verify_signed_takes_any_matching_signature_of_several() -> None:
    view = ProviderPayment(
        id="p", state=State.SUCCESS, amount=100, method=Method.CARD, reference="r"
    )
    body = notification_body("e1", NOW, view)
    header = f"v1={'f' * 64}, {sign(SECRET, body)}"  # during a secret rotation
    notice = verify_signed(SECRET, {SIGNATURE_HEADER.lower(): header}, body, now=NOW)
    assert (notice.event_id, notice.payment.amount) == ("e1", 100)
    with pytest.raises(NotificationRefused):
        verify_signed("", {SIGNATURE_HEADER: header}, body, now=NOW)
