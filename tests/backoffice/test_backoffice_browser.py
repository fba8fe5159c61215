"""Issue 9's "Done when", in a real browser: a citizen submits emirate_visit, the
Emirate's staff see it in their queue, claim it and ask for a document; the SMS reaches
the SMS gateway simulator; the citizen sees "لديك رسالة", reads it, uploads the document
and replies; staff see the reply and its file and approve with a note; the citizen is
notified (SMS) and sees the new status. The citizen's part also with JavaScript off.
axe on every page, Arabic and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.sms_simulator import SmsSimulator
from khidma.delivery.worker import in_process_delivery
from khidma.storage.models import Submission
from khidma.storage.models import User
from tests.delivery.conftest import wait_until
from tests.e2e.conftest import ROOT
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot
from tests.e2e.test_journeys import check_both
from tests.e2e.test_journeys import emirate_journey
from tests.e2e.test_journeys import files
from tests.web.support import make_submission

__all__ = ["files"]

pytestmark = pytest.mark.browser

API_KEY = "browser-sms-key"
# Request texts go to the account's own mobile (the personas': citizen, citizen_female)
MOBILES = {"+966501234567", "+966551234568"}
STAFF = "staff:najran_emirate"


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[tuple[LiveServer, SmsSimulator]]:
    """The app on a port, delivering its outbox in-process to an SMS gateway simulator."""
    from khidma.app import create_app

    simulator = SmsSimulator(API_KEY, ["Khidma"])
    with SimulatorServer(simulator) as gateway:
        app = create_app(
            {
                "DEV": True,
                "SERVICES_DIR": str(ROOT / "services.d"),
                "SECRET_KEY": "bo-e2e-" + "x" * 40,
                "SMS_URL": gateway.url,
                "SMS_API_KEY": API_KEY,
                "SMS_SENDER": "Khidma",
            },
            instance_path=tmp_path / "instance",
        )
        app.extensions["khidma.db"].upgrade()
        with LiveServer(app) as server, in_process_delivery(app, cleanup=False):
            yield server, simulator
        app.extensions["khidma.db"].dispose()


def sign_in(page: Any, base: str, persona: str = "citizen") -> None:
    page.goto(f"{base}/auth/dev-sso?lang=ar")
    page.locator(f"button[name=persona][value='{persona}']").click()
    page.wait_for_load_state()


def sms_with(simulator: SmsSimulator, text: str) -> list[str]:
    return [m.body for m in simulator.messages() if m.to in MOBILES and text in m.body]


def staff_asks_for_a_document(page: Any, base: str, reference: str, sim: SmsSimulator) -> None:
    sign_in(page, base, STAFF)
    assert "/backoffice" in page.url  # staff land on their agency's queue
    assert page.get_by_text(reference).count()
    check_both(page, "backoffice-queue")
    page.locator(f"a[aria-label*='{reference}']").click()
    page.wait_for_load_state()
    check_both(page, "backoffice-request")
    assert page.get_by_text("تاريخ الاستحقاق").count()  # the SLA's day
    page.get_by_role("button", name="استلام الطلب").click()
    page.wait_for_load_state()
    assert page.get_by_text("تم استلام الطلب.").count()
    page.fill("#body", "نرجو إرفاق خطاب التفويض موقعاً من الجهة.")
    page.fill("#documents", "خطاب التفويض")
    assert page.locator("#ask").is_checked()
    page.get_by_role("button", name="إرسال الرسالة").click()
    page.wait_for_load_state()
    assert page.get_by_text("تم إرسال الرسالة إلى المستفيد.").count()
    check_a11y(page, "backoffice request after the message")
    shot(page, "backoffice-request-asked")
    wait_until(lambda: bool(sms_with(sim, "وثائق إضافية")))
    assert "خطاب التفويض" not in sms_with(sim, "وثائق إضافية")[0]  # the SMS never holds it


def citizen_replies(page: Any, base: str, persona: str, letter: Path) -> None:
    sign_in(page, base, persona)
    page.goto(f"{base}/account")
    assert page.get_by_text("لديك رسالة").count()
    check_both(page, "account-with-message")
    page.locator("a[href*='/account/requests/']").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("نرجو إرفاق خطاب التفويض").count()
    assert page.get_by_text("التاريخ المتوقع للإنجاز").count()
    check_both(page, "account-request-message")
    # a reply without the document asked for is refused, clearly
    page.fill("#reply-body", "مرفق خطاب التفويض")
    page.get_by_role("button", name="إرسال الرد").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").inner_text().count("أرفق خطاب التفويض")
    assert page.input_value("#reply-body") == "مرفق خطاب التفويض"
    check_a11y(page, "reply with an error")
    page.set_input_files("#reply-file-0", str(letter))
    page.get_by_role("button", name="إرسال الرد").click()
    page.wait_for_load_state()
    assert page.get_by_text("تم إرسال ردك إلى الجهة.").count()
    check_a11y(page, "account request after the reply")
    page.goto(f"{base}/account")
    assert not page.get_by_text("لديك رسالة").count()


def staff_approve(page: Any, base: str, reference: str) -> None:
    sign_in(page, base, STAFF)
    page.locator(f"a[aria-label*='{reference}']").click()
    page.wait_for_load_state()
    assert page.get_by_text("من المستفيد").count()
    assert page.locator("a[href*='/backoffice/files/']", has_text=re.compile(r"\.pdf$")).count()
    page.fill("#note-approved", "موعدكم يوم الأحد الساعة العاشرة صباحاً.")
    page.get_by_role("button", name="تحديد الموعد").click()
    page.wait_for_load_state()
    assert page.get_by_text("تم تحديث حالة الطلب إلى: تم تحديد الموعد.").count()
    check_both(page, "backoffice-request-approved")


def citizen_sees_the_outcome(page: Any, base: str, persona: str, sim: SmsSimulator) -> None:
    wait_until(lambda: bool(sms_with(sim, "تم تحديد الموعد")))
    sign_in(page, base, persona)
    page.goto(f"{base}/account")
    assert page.get_by_text("تم تحديد الموعد").count()
    page.locator("a[href*='/account/requests/']").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("موعدكم يوم الأحد").count()
    check_a11y(page, "account request approved")


def test_the_request_s_life_with_javascript(
    page: Any, platform: tuple[LiveServer, SmsSimulator], files: dict[str, Path]
) -> None:
    server, sim = platform
    base = server.url
    sign_in(page, base)
    reference = emirate_journey(page, base, files, js=True)
    wait_until(lambda: bool(sms_with(sim, reference)))  # "received" SMS, delivered
    staff_asks_for_a_document(page, base, reference, sim)
    citizen_replies(page, base, "citizen", files["letter"])
    staff_approve(page, base, reference)
    citizen_sees_the_outcome(page, base, "citizen", sim)


def test_the_citizen_s_part_without_javascript(
    nojs_page: Any, platform: tuple[LiveServer, SmsSimulator], files: dict[str, Path]
) -> None:
    server, sim = platform
    base = server.url
    page = nojs_page
    sign_in(page, base, "citizen_female")  # creates the account
    app = server.app
    with app.extensions["khidma.db"].session() as session:
        user = session.scalars(select(User).where(User.role == "citizen")).one()
        session.expunge(user)
    submission: Submission = make_submission(app, user, 1)
    staff_asks_for_a_document(page, base, submission.reference, sim)
    citizen_replies(page, base, "citizen_female", files["letter"])
    staff_approve(page, base, submission.reference)
    citizen_sees_the_outcome(page, base, "citizen_female", sim)


def test_the_admin_page(page: Any, platform: tuple[LiveServer, SmsSimulator]) -> None:
    server, _ = platform
    base = server.url
    sign_in(page, base, "admin")
    assert "/admin" in page.url  # administrators land on their page
    check_both(page, "admin")
    # a form with errors, then the account
    page.fill("#username", "x")
    page.get_by_role("button", name="إنشاء الحساب").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count()
    check_a11y(page, "admin with errors")
    page.get_by_role("button", name="إعادة تحميل التعريفات").click()
    page.wait_for_load_state()
    assert page.get_by_text("تمت إعادة تحميل").count()
    check_a11y(page, "admin reloaded")
