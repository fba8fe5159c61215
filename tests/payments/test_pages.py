"""The payment pages: what they show in both languages, who may open them (the owner
citizen, the agency's staff; anyone else 404), receipts (page and real PDF), staff
refunds with their messages, a computed fee paid end to end, and a provider that does
not answer."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import render_template_string
from pypdf import PdfReader
from sqlalchemy import URL
from sqlalchemy import select

from khidma.payments.gateway import GatewayUnavailable
from khidma.payments.gateway import PaymentRequest
from khidma.payments.gateway import ProviderPayment
from khidma.payments.http import HttpGateway
from khidma.payments.service import RefundError
from khidma.payments.settings import PaymentSettings
from khidma.payments.settings import PaymentSettingsError
from khidma.payments.simulator import RunningSimulator
from khidma.storage import payments as store
from khidma.storage.models import Submission
from khidma.storage.trust_models import AuditEntry
from tests.payments.conftest import API_KEY
from tests.payments.conftest import SECRET
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import hosted_decision
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import seed_request
from tests.payments.conftest import status_of


@pytest.fixture
def database_url(tmp_path: Path) -> URL:
    """These pages do not depend on the database: SQLite only (the storage races run on
    SQLite and PostgreSQL in test_exactly_once, test_outcomes, test_sadad)."""
    return URL.create("sqlite", database=str(tmp_path / "khidma.sqlite3"))


def paid(platform: Platform, citizen: Person) -> tuple[Submission, str]:
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "success"))
    (payment,) = payments_of(platform, submission)
    assert payment.state == "success"
    return submission, payment.token


def test_the_pay_page_in_both_languages(platform: Platform, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    page = f"/account/requests/{submission.token}/pay"
    arabic = citizen.client.get(page + "?lang=ar").get_data(as_text=True)
    assert "300.00 ر.س" in arabic and "سداد الرسوم" in arabic
    english = citizen.client.get(page + "?lang=en").get_data(as_text=True)
    assert "SAR 300.00" in english and "A fixed fee" in english
    methods = [m for m in ("method-sadad", "method-card", "method-bank_account") if m in english]
    assert methods == ["method-sadad", "method-card", "method-bank_account"]  # the YAML's order


def test_the_pay_form_says_what_is_missing(platform: Platform, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    page = f"/account/requests/{submission.token}/pay?lang=en"
    response = citizen.post_form(page, f"/account/requests/{submission.token}/pay", {})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose how you want to pay." in html and 'class="error-summary"' in html
    response = citizen.post_form(
        page, f"/account/requests/{submission.token}/pay", {"method": "bitcoin"}
    )
    assert response.status_code == 400


def test_nothing_to_pay_before_approval(platform: Platform, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user, status="under_review")
    page = f"/account/requests/{submission.token}/pay?lang=en"
    html = citizen.client.get(page).get_data(as_text=True)
    assert "Nothing is due on this request now." in html and 'name="method"' not in html
    response = citizen.post_form(
        page, f"/account/requests/{submission.token}/pay", {"method": "card"}
    )
    assert response.status_code == 303 and payments_of(platform, submission) == []


def test_only_the_owner_the_agency_and_auditors_see_a_payment(
    platform: Platform, citizen: Person
) -> None:
    submission, token = paid(platform, citizen)
    other = Person(platform, "citizen_female")
    for url in (
        f"/account/requests/{submission.token}/pay",
        f"/payments/{token}/receipt",
        f"/payments/{token}/receipt.pdf",
        f"/payments/{token}/return",
    ):
        assert other.client.get(url).status_code == 404, url
    elsewhere = Person(platform, "staff:test_municipality")
    assert elsewhere.client.get(f"/payments/{token}/receipt").status_code == 404
    assert elsewhere.client.get(f"/staff/requests/{submission.token}/payments").status_code == 404
    agency = Person(platform, "staff:scfhs")
    assert agency.client.get(f"/payments/{token}/receipt").status_code == 200
    assert agency.client.get(f"/staff/requests/{submission.token}/payments").status_code == 200
    assert agency.client.get(f"/payments/{token}/return").status_code == 403  # citizens only
    auditor = Person(platform, "auditor")  # reads every agency's payments; each read audited
    assert auditor.client.get(f"/payments/{token}/receipt").status_code == 200
    assert auditor.client.get(f"/payments/{token}/receipt.pdf").status_code == 200
    assert auditor.client.get(f"/payments/{token}/return").status_code == 403  # citizens only
    page = auditor.client.get(f"/audit/requests/{submission.token}").get_data(as_text=True)
    assert "payments-table" in page and f"/payments/{token}/receipt" in page
    assert "/pay" not in page.replace("/payments/", "")  # read only: no pay button
    with platform.db().session() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions.count("audit_view_receipt") == 1
    assert actions.count("audit_download_receipt") == 1


def test_a_receipt_only_for_a_paid_attempt(platform: Platform, citizen: Person) -> None:
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "decline"))
    (payment,) = payments_of(platform, submission)
    assert citizen.client.get(f"/payments/{payment.token}/receipt").status_code == 404


def test_the_receipt_page_and_pdf(platform: Platform, citizen: Person) -> None:
    submission, token = paid(platform, citizen)
    html = citizen.client.get(f"/payments/{token}/receipt?lang=en").get_data(as_text=True)
    number = f"{submission.reference}-1"
    assert number in html and "SAR 300.00" in html and "Credit or mada card" in html
    response = citizen.client.get(f"/payments/{token}/receipt.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert number in text and "SAR 300.00" in text and "Payment receipt" in text


def test_the_history_partial(platform: Platform, citizen: Person) -> None:
    submission, token = paid(platform, citizen)
    with platform.app.test_request_context("/?lang=en"):
        platform.app.preprocess_request()
        html = render_template_string(
            '{% include "payments/_history.html" %}', submission=submission
        )
    assert f"/payments/{token}/receipt" in html and "Paid" in html


def test_staff_refund_with_permission_and_clear_messages(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission, token = paid(platform, citizen)
    staff = Person(platform, "staff:scfhs")
    page = f"/staff/requests/{submission.token}/payments?lang=en"
    action = f"/staff/payments/{token}/refund"
    html = staff.client.get(page).get_data(as_text=True)
    assert "You are not allowed to refund payments." in html and action not in html
    assert staff.post_form(page, action, {"amount": "10", "reason": "x"}).status_code == 403

    with platform.db().session(write=True) as session:
        store.grant_refund(session, staff.user.id)
    html = staff.client.get(page).get_data(as_text=True)
    assert 'value="300.00"' in html  # the full amount by default
    over = staff.post_form(page, action, {"amount": "300.01", "reason": "duplicate"})
    assert over.status_code == 400
    assert "That is more than can still be refunded (SAR 300.00)." in over.get_data(as_text=True)
    bad = staff.post_form(page, action, {"amount": "12.345", "reason": "x"})
    assert "Use at most two decimals" in bad.get_data(as_text=True)
    no_reason = staff.post_form(page, action, {"amount": "10"})
    assert "Give the reason for the refund." in no_reason.get_data(as_text=True)

    done = staff.post_form(page, action, {"amount": "100", "reason": "partial"})
    assert done.status_code == 303
    again = staff.post_form(page, action, {"amount": "250", "reason": "too much"})
    assert "(SAR 200.00)" in again.get_data(as_text=True)
    assert staff.post_form(page, action, {"amount": "", "reason": "the rest"}).status_code == 303
    (payment,) = payments_of(platform, submission)
    assert payment.refunded == 30000
    (at_provider,) = provider_payments(sim)
    assert at_provider["refund_summary"]["amount_refunded"] == 30000
    refunds = [m for m in messages(platform, submission) if m.event == "payment_refunded"]
    assert len(refunds) == 2 and "SAR 100.00" in refunds[0].body


def test_a_computed_fee_is_paid_end_to_end(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    answers = {"built_area": 100, "usage": "commercial", "district": "centre"}
    submission = seed_request(
        platform,
        citizen.user,
        service_id="building_fee",
        status="awaiting_payment",
        answers=answers,
    )
    page = f"/account/requests/{submission.token}/pay?lang=en"
    html = citizen.client.get(page).get_data(as_text=True)
    assert "SAR 971.00" in html and "Worked out from your request" in html
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "success"))
    (at_provider,) = provider_payments(sim)
    assert at_provider["amount"] == 97100
    with platform.db().session() as session:
        kept = store.fee_of(session, submission.id)
        assert kept is not None and (kept.amount, kept.kind) == (97100, "computed")
        assert kept.snapshot["inputs"]["built_area"] == 100
    assert status_of(platform, submission) == "submitted"  # the workflow went on


class LosesAnswers(HttpGateway):
    """Reaches the provider, then loses its answer (a timeout after the provider acted)."""

    lost = 0

    def create(self, request: PaymentRequest) -> ProviderPayment:
        made = super().create(request)
        if not self.lost:
            self.lost += 1
            raise GatewayUnavailable("read timed out")
        return made


def test_a_lost_answer_is_repeated_with_the_same_key(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    platform.service.gateway = LosesAnswers(sim.url, API_KEY, SECRET)
    submission = seed_request(platform, citizen.user)
    response = citizen.pay(submission, "card")
    assert response.headers["Location"].endswith("/pay")  # back to the pay page, with a notice
    html = citizen.client.get(f"/account/requests/{submission.token}/pay").get_data(as_text=True)
    assert "تعذر الاتصال بمزود الدفع. لم يُخصم أي مبلغ" in html
    (waiting,) = payments_of(platform, submission)
    assert waiting.provider_id is None
    second = citizen.pay(submission, "card")  # the citizen tries again: same key
    assert "/pay/pay_" in second.headers["Location"]
    assert len(payments_of(platform, submission)) == 1
    assert len(provider_payments(sim)) == 1


def test_reconciliation_repeats_a_create_that_got_no_answer(
    make_platform: Callable[..., Platform], sim: RunningSimulator
) -> None:
    platform = make_platform(PAYMENT_URL="http://127.0.0.1:9")  # nothing listens there
    citizen = Person(platform, "citizen")
    submission = seed_request(platform, citizen.user)
    assert citizen.pay(submission, "sadad").status_code == 303
    (waiting,) = payments_of(platform, submission)
    assert waiting.provider_id is None
    platform.service.gateway = HttpGateway(sim.url, API_KEY, SECRET)  # the provider is back
    with platform.app.app_context():
        report = platform.service.reconcile(min_age=dt.timedelta(0))
    assert report.recreated == 1 and report.errors == []
    (made,) = payments_of(platform, submission)
    assert made.provider_id is not None and made.bill_number
    assert [m.event for m in messages(platform, submission)] == ["payment_due"]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"PAYMENT_URL": "http://x", "PAYMENT_WEBHOOK_SECRET": "s"}, "KHIDMA_PAYMENT_API_KEY"),
        ({"PAYMENT_URL": "http://x", "PAYMENT_API_KEY": "k"}, "KHIDMA_PAYMENT_WEBHOOK_SECRET"),
        ({"SADAD_BILL_DAYS": "30"}, "between 1 and 29"),
        ({"SADAD_BILL_DAYS": "soon"}, "must be a number"),
    ],
)
def test_settings_say_what_is_wrong(config: dict[str, str], problem: str) -> None:
    with pytest.raises(PaymentSettingsError, match=problem):
        PaymentSettings.from_config(config, environ={})


def test_no_provider_no_online_payment() -> None:
    settings = PaymentSettings.from_config({}, environ={})
    assert not settings.enabled


def test_every_payment_route_as_every_role_with_payments_on(
    make_platform: Callable[..., Platform],
) -> None:
    # The identity tests walk every route with online payment off; here it is on.
    from flask import g

    from tests.identity.test_access import visit_everything
    from tests.payments.conftest import ROOT

    platform = make_platform(SERVICES_DIR=str(ROOT / "services.d"), WTF_CSRF_ENABLED=False)

    @platform.app.after_request
    def tell(response: Any) -> Any:
        response.headers["X-Test-Access"] = str(g.get("access", ""))
        return response

    assert visit_everything(platform.app, dev=True) == []


def test_the_pay_form_may_redirect_to_the_provider(platform: Platform, citizen: Person) -> None:
    # Browsers hold a form's redirect to the page's form-action: it names the provider.
    submission = seed_request(platform, citizen.user)
    response = citizen.client.get(f"/account/requests/{submission.token}/pay")
    policy = response.headers["Content-Security-Policy"]
    provider = platform.app.config["PAYMENT_URL"]
    assert f"form-action 'self' {provider}" in policy and "script-src 'self'" in policy


def test_a_refund_the_provider_refuses_gives_the_amount_back(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission, _ = paid(platform, citizen)
    (payment,) = payments_of(platform, submission)
    assert payment.provider_id is not None
    # someone refunds at the provider's own dashboard: the amount available changes there
    HttpGateway(sim.url, API_KEY, SECRET).refund(
        payment.provider_id, 1000, refund_amount_available=30000, idempotency_key="dashboard"
    )
    with platform.app.app_context(), pytest.raises(RefundError) as caught:
        platform.service.refund(payment.id, 5000, user_id=None)
    assert (caught.value.code, caught.value.detail) == (
        "refused",
        "refund_amount_available_mismatch",
    )
    (after,) = payments_of(platform, submission)
    assert after.refunded == 0  # the reservation was given back


class RefundsTimeOut(HttpGateway):
    def refund(self, *args: Any, **kwargs: Any) -> Any:
        raise GatewayUnavailable("read timed out")


def test_an_unconfirmed_refund_is_retried_by_reconciliation(
    platform: Platform, sim: RunningSimulator, citizen: Person
) -> None:
    submission, _ = paid(platform, citizen)
    (payment,) = payments_of(platform, submission)
    working = platform.service.gateway
    platform.service.gateway = RefundsTimeOut(sim.url, API_KEY, SECRET)
    with platform.app.app_context(), pytest.raises(RefundError) as caught:
        platform.service.refund(payment.id, 30000, user_id=None)
    assert caught.value.code == "pending"
    assert payments_of(platform, submission)[0].refunded == 30000  # reserved meanwhile
    platform.service.gateway = working
    with platform.app.app_context():
        report = platform.service.reconcile(min_age=dt.timedelta(0))
    assert report.refunds_retried == 1 and report.errors == []
    (at_provider,) = provider_payments(sim)
    assert at_provider["refund_summary"]["amount_refunded"] == 30000
    assert [m.event for m in messages(platform, submission)][-1] == "payment_refunded"
