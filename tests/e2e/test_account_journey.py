"""After submitting: my account, a request's page, its PDF, rating, and the public inquiry.

The citizen signs in through the development SSO stand-in; their request (with a message
from the Emirate's staff) and a draft are written into the live app's database, so these
tests do not depend on the wizard's own journey.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from khidma.definitions.snapshot import snapshot
from khidma.engine.identifiers import make_national_id
from khidma.engine.validate import validate_submission
from khidma.storage.models import Draft
from khidma.storage.models import Message
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.references import numbered_submission
from khidma.storage.snapshots import save_definition
from khidma.storage.types import utcnow
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser

SHA = hashlib.sha256(b"letter").hexdigest()


def sign_in_as_citizen(page: Any, base: str, lang: str = "ar") -> None:
    page.goto(f"{base}/auth/dev-sso?lang={lang}")
    page.locator('button[name="persona"][value="citizen"]').click()
    page.wait_for_load_state()


def citizen(app: Any) -> User:
    from khidma.identity.personas import persona

    chosen = persona(app.extensions["khidma.registry"], "citizen")
    assert chosen is not None
    with app.extensions["khidma.db"].session() as session:
        user: User = session.scalars(
            select(User).where(User.national_id == chosen.claims.national_id)
        ).one()
    return user


def file_ref(name: str) -> dict[str, Any]:
    return {"id": "e2e-" + name, "name": name, "size": 4096, "kind": "pdf", "sha256": SHA}


def new_request(session: Any, d: Any, now: dt.datetime, **fields: Any) -> Submission:
    """A request of service `d` with its next reference (taken at `now`), the definition
    version it is pinned to stored in `session`; `fields` are the rest of its columns."""
    save_definition(session, d, snapshot(d))
    return numbered_submission(session, d, now, **fields)


def store_request(app: Any, user: User) -> Submission:
    """A submitted emirate_visit request, being processed, with an unread staff message."""
    d = app.extensions["khidma.registry"].current("emirate_visit")
    raw = {
        "applicant_type": "individual",
        "full_name": user.name_ar,
        "national_id": user.national_id,
        "mobile": "0501234567",
        "email": "citizen@example.sa",
        "appointment_type": "emir",
        "visit_destination": "emir_majlis",
        "entry_gate": "visitors_gate",
        "visit_reason": "petition",
        "visit_subject": "<script>alert(1)</script> تقديم طلب بخصوص مشروع الحي",
        "visit_letter": [file_ref("letter.pdf")],
        "applicant_id_copy": [file_ref("id.pdf")],
        "has_other_items": False,
        "companions": [
            {
                "companion_name": "سعد محمد",
                "companion_national_id": make_national_id("100000001"),
                "companion_id_image": [file_ref("companion.pdf")],
            }
        ],
    }
    now = utcnow()
    answers, errors, _ = validate_submission(
        d, raw, today=now.date(), identity={"national_id": user.national_id}
    )
    assert errors == []
    with app.extensions["khidma.db"].session(write=True) as session:
        submission = new_request(
            session,
            d,
            now,
            status="needs_info",
            user_id=user.id,
            answers=answers,
            declarations={"data_accuracy": now.isoformat()},
            applicant_name=user.name_ar,
            submitted_at=now - dt.timedelta(hours=5),
        )
        session.add(submission)
        session.flush()
        for to, frm, role, note in (
            ("submitted", None, "citizen", None),
            ("needs_info", "submitted", "staff", "يرجى توضيح موضوع الزيارة"),
        ):
            submission.events.append(
                StatusEvent(
                    submission=submission,
                    to_status=to,
                    from_status=frm,
                    actor_role=role,
                    note=note,
                )
            )
        submission.messages.append(
            Message(submission=submission, author_role="staff", body="يرجى توضيح موضوع الزيارة")
        )
        session.add(
            Draft(
                service_id=d.id,
                definition_hash=d.hash,
                user_id=user.id,
                answers={"applicant_type": "individual"},
                current_step="applicant",
                expires_at=now + dt.timedelta(days=30),
            )
        )
    return submission


@pytest.fixture(scope="module")
def stored(live_app: Any, browser: Any, live_server: Any) -> dict[str, Any]:
    """Sign the citizen in once (creating their account), then store their request."""
    context = browser.new_context(locale="ar-SA")
    page = context.new_page()
    sign_in_as_citizen(page, live_server.url)
    context.close()
    user = citizen(live_app)
    submission = store_request(live_app, user)
    return {"user": user, "submission": submission}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_my_account_and_request_page(
    page: Any, live_server: Any, stored: dict[str, Any], lang: str
) -> None:
    submission = stored["submission"]
    sign_in_as_citizen(page, live_server.url, lang)
    page.goto(f"{live_server.url}/account?lang={lang}")
    row = page.locator("tr.request-row", has_text=submission.reference)
    assert row.count() == 1
    status = "بانتظار رد المستفيد" if lang == "ar" else "Waiting for your reply"
    marker = "لديك رسالة (1)" if lang == "ar" else "You have a message (1)"
    service = "طلب موعد مع الامارة" if lang == "ar" else "Request an appointment with the Emirate"
    assert status in row.inner_text() and service in row.inner_text()
    assert stored["user"].name_ar in row.inner_text()  # the beneficiary
    if lang == "ar":  # the first visit reads the message; the English pass comes after
        assert marker in row.inner_text()
    assert page.locator(".draft-card").count() >= 1
    check_a11y(page, f"my account {lang}")
    shot(page, f"account-{lang}")

    row.locator("th a").click()
    page.wait_for_load_state()
    assert submission.reference in page.locator(".request-facts").inner_text()
    body = page.locator("main").inner_text()
    assert "<script>alert(1)</script> تقديم طلب بخصوص مشروع الحي" in body  # shown as text
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert "يرجى توضيح موضوع الزيارة" in body
    assert page.locator(".summary-table caption").first.is_visible()
    check_a11y(page, f"request page {lang}")
    shot(page, f"account-request-{lang}")

    with page.expect_download() as download:
        page.locator(f'a[href$="/requests/{submission.token}/summary.pdf"]').click()
    assert submission.reference.replace("/", "-") in download.value.suggested_filename
    assert download.value.path().read_bytes().startswith(b"%PDF")


def test_rating_without_javascript(
    nojs_page: Any, live_server: Any, stored: dict[str, Any]
) -> None:
    page = nojs_page
    submission = stored["submission"]
    sign_in_as_citizen(page, live_server.url)
    page.goto(f"{live_server.url}/account/requests/{submission.token}?lang=ar")
    page.locator("#rating button[type=submit]").click()  # no stars chosen
    assert "اختر تقييمًا من نجمة واحدة إلى 5 نجوم." in page.locator(".error-summary").inner_text()
    check_a11y(page, "rating error")
    page.locator("label[for=stars-5]").click()
    page.fill("#comment", "خدمة سريعة")
    page.locator("#rating button[type=submit]").click()
    assert "تقييمك: 5 من 5" in page.locator("#rating").inner_text()
    assert page.locator('input[name="stars"]').count() == 0


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_inquiry(page: Any, live_server: Any, stored: dict[str, Any], lang: str) -> None:
    submission = stored["submission"]
    seq, year = submission.reference.split("/")
    page.goto(f"{live_server.url}/inquiry?lang={lang}")
    check_a11y(page, f"inquiry form {lang}")
    page.select_option("#service", "emirate_visit")
    page.fill("#number", "12a")
    page.fill("#year", "1300")
    page.locator(".inquiry-form button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    check_a11y(page, f"inquiry errors {lang}")
    shot(page, f"inquiry-errors-{lang}")

    page.fill("#number", seq)
    page.fill("#year", year)
    page.locator(".inquiry-form button[type=submit]").click()
    result = page.locator(".inquiry-result").inner_text()
    assert ("بانتظار رد المستفيد" if lang == "ar" else "Waiting for your reply") in result
    assert stored["user"].name_ar not in page.content()
    assert stored["user"].national_id not in page.content()
    check_a11y(page, f"inquiry result {lang}")
    shot(page, f"inquiry-result-{lang}")


def test_inquiry_without_javascript(
    nojs_page: Any, live_server: Any, stored: dict[str, Any]
) -> None:
    page = nojs_page
    seq, year = stored["submission"].reference.split("/")
    page.goto(f"{live_server.url}/inquiry?lang=ar")
    page.select_option("#service", "emirate_visit")
    page.fill("#number", seq)
    page.fill("#year", year)
    page.locator(".inquiry-form button[type=submit]").click()
    assert "بانتظار رد المستفيد" in page.locator(".inquiry-result").inner_text()
    check_a11y(page, "inquiry without javascript")


def test_request_page_fits_a_phone(
    phone_page: Any, live_server: Any, stored: dict[str, Any]
) -> None:
    sign_in_as_citizen(phone_page, live_server.url)
    for path in ("/account", f"/account/requests/{stored['submission'].token}", "/inquiry"):
        phone_page.goto(f"{live_server.url}{path}?lang=ar")
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, path
