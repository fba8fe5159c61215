"""The refusal pages of the hostile suite in a real browser: a local account whose identity
is not verified asks for emirate_visit (national SSO only) and for mumaris_renewal (local
accounts, verified only); each page passes axe in Arabic and English, and works with
JavaScript off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from khidma.engine.identifiers import make_national_id
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import live_app  # noqa: F401
from tests.e2e.conftest import live_server  # noqa: F401
from tests.e2e.test_account_pages import last_code
from tests.e2e.test_account_pages import send_details

pytestmark = pytest.mark.browser

PEOPLE = {
    "ar": (make_national_id("103700001"), "0503700001"),
    "en": (make_national_id("103700002"), "0503700002"),
}


def _sign_up(page: Any, url: str, app: Any, lang: str) -> None:
    national_id, mobile = PEOPLE[lang]
    page.goto(f"{url}/auth/sign-up?lang={lang}")
    page.fill("#national_id", national_id)
    page.fill("#mobile", mobile)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/sign-up/verify$"))
    page.fill("#code", last_code(app, mobile))
    page.click("form[action='/auth/sign-up/verify'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/sign-up/details$"))
    send_details(page, f"gate.{lang}")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_refusal_pages_are_accessible(
    nojs_page: Any,
    live_server: Any,  # noqa: F811
    live_app: Any,  # noqa: F811
    lang: str,
) -> None:
    page = nojs_page
    _sign_up(page, live_server.url, live_app, lang)
    check_a11y(page, f"profile unverified {lang}")
    for service, heading in (("emirate_visit", "method"), ("mumaris_renewal", "unverified")):
        page.goto(f"{live_server.url}/services/{service}?lang={lang}")
        page.click(f"form[action='/services/{service}/start'] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".error-page h1").count() == 1, heading
        check_a11y(page, f"sign-in refused ({heading}) {lang}")
    page.click("form[action='/auth/verify-identity'] button[type=submit]")
    page.wait_for_url(re.compile(r"/auth/profile$"))
    assert page.locator(".notice-error").count() == 1  # no verifier configured: unavailable
    check_a11y(page, f"profile verify refused {lang}")
