"""The catalog and the service card, as a citizen sees them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_catalog_and_card_are_accessible(page: Any, live_server: Any, lang: str) -> None:
    page.goto(f"{live_server.url}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    check_a11y(page, f"catalog {lang}")
    shot(page, f"catalog-{lang}")
    page.goto(f"{live_server.url}/services/emirate_visit")
    check_a11y(page, f"emirate card {lang}")
    shot(page, f"service-card-{lang}")


def test_search_finds_services_without_javascript(nojs_page: Any, live_server: Any) -> None:
    nojs_page.goto(f"{live_server.url}/?lang=ar")
    nojs_page.fill("#q", "المرور")
    nojs_page.click("button[type=submit]")
    titles = nojs_page.locator(".card h3").all_inner_texts()
    assert titles == ["حجز موعد المرور"]
    check_a11y(nojs_page, "search results")


def test_phone_width(phone_page: Any, live_server: Any) -> None:
    phone_page.goto(f"{live_server.url}/services/mumaris_renewal")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360
