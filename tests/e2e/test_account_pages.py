"""The account pages in a real browser: every step in Arabic and English through axe-core
(WCAG 2.1 AA, zero violations), the error summary taking the focus, and a whole account
life with JavaScript off."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from khidma.engine.identifiers import make_national_id
from khidma.identity.accounts import create_local_account
from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.types import utcnow
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser

# Each test uses its own ID and mobile: the live server's database is shared.
PEOPLE = {
    "ar": (make_national_id("103300001"), "0503300001"),
    "en": (make_national_id("103300002"), "0503300002"),
    "nojs": (make_national_id("103300003"), "0503300003"),
    "reset-ar": (make_national_id("103300004"), "0503300004"),
    "reset-en": (make_national_id("103300005"), "0503300005"),
}
PASSWORD = "Bustan-2025-x"


def last_code(live_app: Any, mobile: str) -> str:
    e164 = "+966" + mobile[1:]
    with live_app.extensions["khidma.db"].session() as session:
        body = session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.channel == Channel.SMS, OutboxMessage.recipient == e164)
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body, f"no SMS to {e164}"
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", body)
    assert found
    return found.group(1)


def send_details(page: Any, handle: str) -> None:
    """Step 3 of sign-up, filled in for Layla, whose username is `handle` (and e-mail
    `handle@example.sa`), and sent: the account is made and the profile shown."""
    for field, value in {
        "first_name_ar": "ليلى",
        "father_name_ar": "فهد",
        "grandfather_name_ar": "ناصر",
        "family_name_ar": "الدوسري",
        "name_en": "Layla Fahad Nasser Aldosari",
        "email": f"{handle}@example.sa",
        "username": handle,
        "password": PASSWORD,
        "password2": PASSWORD,
    }.items():
        page.fill(f"#{field}", value)
    page.click("form[action='/auth/sign-up/details'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/profile$"))


def expect_page(page: Any, lang: str) -> None:
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator(".dev-banner").count() == 1


def summary_has_focus(page: Any) -> bool:
    """The error summary took the focus (autofocus: no script needed)."""
    page.wait_for_function(
        "() => document.activeElement"
        " && document.activeElement.classList.contains('error-summary')",
        timeout=5000,
    )
    return True


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_sign_in_page(page: Any, live_server: Any, lang: str) -> None:
    page.goto(f"{live_server.url}/auth/sign-in?lang={lang}")
    expect_page(page, lang)
    check_a11y(page, f"sign-in {lang}")
    shot(page, f"auth-sign-in-{lang}")
    page.click("form[action='/auth/sign-in'] button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert summary_has_focus(page)
    assert page.locator("#identifier").get_attribute("aria-invalid") == "true"
    check_a11y(page, f"sign-in errors {lang}")
    shot(page, f"auth-sign-in-errors-{lang}")
    page.fill("#identifier", "nobody.here")
    page.fill("#password", "Wrong-pass-1")
    page.click("form[action='/auth/sign-in'] button[type=submit]")
    assert page.locator("#identifier").input_value() == "nobody.here"
    assert page.locator("#password").input_value() == ""
    check_a11y(page, f"sign-in wrong password {lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_create_account_every_step(page: Any, live_server: Any, live_app: Any, lang: str) -> None:
    national_id, mobile = PEOPLE[lang]
    page.goto(f"{live_server.url}/auth/sign-up?lang={lang}")
    expect_page(page, lang)
    check_a11y(page, f"sign-up step 1 {lang}")
    shot(page, f"auth-sign-up-1-{lang}")

    page.fill("#national_id", national_id[:-1] + str((int(national_id[-1]) + 1) % 10))
    page.fill("#mobile", "+201001234567")
    page.click("main button[type=submit]")
    assert summary_has_focus(page)
    check_a11y(page, f"sign-up step 1 errors {lang}")
    shot(page, f"auth-sign-up-1-errors-{lang}")

    page.fill("#national_id", national_id)
    page.fill("#mobile", mobile)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/sign-up/verify$"))
    expect_page(page, lang)
    check_a11y(page, f"sign-up step 2 {lang}")
    shot(page, f"auth-sign-up-2-{lang}")
    page.fill("#code", "000000" if last_code(live_app, mobile) != "000000" else "111111")
    page.click("form[action='/auth/sign-up/verify'] button[type=submit]")
    assert summary_has_focus(page)
    check_a11y(page, f"sign-up step 2 wrong code {lang}")

    page.fill("#code", last_code(live_app, mobile))
    page.click("form[action='/auth/sign-up/verify'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/sign-up/details$"))
    check_a11y(page, f"sign-up step 3 {lang}")
    shot(page, f"auth-sign-up-3-{lang}")
    page.click("form[action='/auth/sign-up/details'] button[type=submit]")
    assert summary_has_focus(page)
    check_a11y(page, f"sign-up step 3 errors {lang}")
    shot(page, f"auth-sign-up-3-errors-{lang}")

    send_details(page, f"layla.{lang}")
    assert page.locator("h1").count() == 1
    check_a11y(page, f"profile {lang}")
    shot(page, f"auth-profile-{lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_reset_every_step(page: Any, live_server: Any, live_app: Any, lang: str) -> None:
    national_id, mobile = PEOPLE[f"reset-{lang}"]
    username = f"reset.{lang}"
    with live_app.extensions["khidma.db"].session(write=True) as session:
        create_local_account(
            session,
            national_id=national_id,
            mobile="+966" + mobile[1:],
            name_ar="هند علي سعد الحارثي",
            name_en="Hind Ali Saad Alharthi",
            email=None,
            username=username,
            password="Old-pass-2024",
            now=utcnow(),
        )
    page.goto(f"{live_server.url}/auth/reset?lang={lang}")
    expect_page(page, lang)
    check_a11y(page, f"reset step 1 {lang}")
    shot(page, f"auth-reset-1-{lang}")
    page.fill("#username", username)
    page.fill("#national_id", national_id)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/reset/verify$"))
    check_a11y(page, f"reset step 2 {lang}")
    page.fill("#code", last_code(live_app, mobile))
    page.click("form[action='/auth/reset/verify'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/reset/password$"))
    check_a11y(page, f"reset step 3 {lang}")
    shot(page, f"auth-reset-3-{lang}")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("form[action='/auth/reset/password'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/sign-in"))
    assert page.locator(".notice").count() >= 1
    check_a11y(page, f"sign-in after reset {lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_dev_sso_and_session_pages(page: Any, live_server: Any, lang: str) -> None:
    page.goto(f"{live_server.url}/auth/dev-sso?lang={lang}")
    expect_page(page, lang)
    check_a11y(page, f"dev SSO {lang}")
    shot(page, f"auth-dev-sso-{lang}")
    page.goto(f"{live_server.url}/auth/session-expired?next=/services/mawid")
    expect_page(page, lang)
    check_a11y(page, f"session expired {lang}")
    shot(page, f"auth-session-expired-{lang}")
    page.goto(f"{live_server.url}/auth/signed-out")
    check_a11y(page, f"signed out {lang}")


def test_account_life_without_javascript(nojs_page: Any, live_server: Any, live_app: Any) -> None:
    page = nojs_page
    national_id, mobile = PEOPLE["nojs"]
    page.goto(f"{live_server.url}/services/emirate_visit?lang=ar")
    page.goto(f"{live_server.url}/auth/sign-up?next=/services/emirate_visit")
    page.fill("#national_id", national_id)
    page.fill("#mobile", mobile)
    page.click("main button[type=submit]")
    page.fill("#code", last_code(live_app, mobile))
    page.click("form[action='/auth/sign-up/verify'] button[type=submit]")
    page.fill("#first_name_ar", "ماجد")
    page.fill("#father_name_ar", "سالم")
    page.fill("#grandfather_name_ar", "عبد الله")
    page.fill("#family_name_ar", "العنزي")
    page.fill("#name_en", "Majed Salem Abdullah Alenazi")
    page.fill("#email", "majed@example.sa")
    page.fill("#username", "majed.nojs")
    page.fill("#password", PASSWORD)
    page.fill("#password2", "not the same 1")
    page.click("form[action='/auth/sign-up/details'] button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#first_name_ar").input_value() == "ماجد"  # kept
    check_a11y(page, "details errors without JS")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("form[action='/auth/sign-up/details'] button[type=submit]")
    assert page.url.endswith("/services/emirate_visit")  # back where the citizen started

    page.goto(f"{live_server.url}/auth/profile")
    assert "ماجد سالم عبد الله العنزي" in page.inner_text("main")
    page.click("header form[action='/auth/sign-out'] button")
    assert page.url.endswith("/auth/signed-out")
    check_a11y(page, "signed out without JS")

    page.goto(f"{live_server.url}/auth/sign-in?next=/auth/profile")
    page.fill("#identifier", national_id)
    page.fill("#password", PASSWORD)
    page.click("form[action^='/auth/sign-in'] button[type=submit]")
    assert page.url.endswith("/auth/profile")
