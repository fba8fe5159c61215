"""Defects 3 and 10 of issue 7 as a person with JavaScript sees them, on the CME step of
mumaris_renewal: the hours still required follow an activity added or removed at once,
and the error summary goes once the hours are complete. Every page visited gets axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import check_a11y
from tests.e2e.test_journeys import check_both
from tests.e2e.test_journeys import choose_first
from tests.e2e.test_journeys import next_page
from tests.e2e.test_journeys import settle
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_journeys import start

pytestmark = pytest.mark.browser


def remaining(page: Any) -> int:
    return int(re.sub(r"\D", "", page.locator("#block-cme_remaining_hours output").inner_text()))


def wait_remaining(page: Any, hours: int) -> None:
    page.wait_for_function(
        "hours => document.querySelector('#block-cme_remaining_hours output')"
        ".innerText.replace(/\\D/g, '') === String(hours)",
        arg=hours,
    )


def test_cme_hours_follow_items_and_the_summary_goes_when_mended(
    page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "resident")
    start(page, base, "mumaris_renewal")
    page.get_by_role("button", name="موافق").click()
    page.wait_for_load_state()
    for selector, value in (
        ("#email", "m.alqahtani@example.sa"),
        ("#mobile", "0501234567"),
        ("#city", "الرياض"),
        ("#national_address", "حي الملقا، شارع الأمير محمد بن سعد"),
        ("#postal_code", "13521"),
    ):
        if page.locator(selector).count() and not page.input_value(selector):
            page.fill(selector, value)
    next_page(page)
    assert "/cme" in page.url, page.locator(".error-summary").all_inner_texts()
    before = remaining(page)

    # defect 3: adding an item that carries hours, then removing it
    page.locator("button[name=action][value='add:cme_activities']").click()
    page.locator("#cme_activities-0-activity_hours").wait_for()
    choose_first(page, "cme_activities-0-activity_type")
    page.fill("#cme_activities-0-activity_name", "المؤتمر السعودي لطب الأسرة")
    page.fill("#cme_activities-0-activity_organiser", "الهيئة السعودية للتخصصات الصحية")
    page.fill("#cme_activities-0-activity_date", "2026-03-01")
    settle(page, "cme_activities-0-activity_hours")
    page.fill("#cme_activities-0-activity_hours", "10")
    page.locator("#cme_activities-0-activity_hours").dispatch_event("change")
    wait_remaining(page, before - 10)
    page.locator("button[name=action][value='remove:cme_activities:0']").click()
    page.locator("#cme_activities-0-activity_hours").wait_for(state="detached")
    wait_remaining(page, before)  # without another change

    # defect 10: the summary says the hours are short; completing them takes it away
    next_page(page)
    summary = page.locator("#error-summary")
    assert summary.count() == 1
    check_both(page, "mumaris-cme-error")
    page.locator("button[name=action][value='add:cme_activities']").click()
    page.locator("#cme_activities-0-activity_hours").wait_for()
    settle(page, "cme_activities-0-activity_hours")
    page.fill("#cme_activities-0-activity_hours", str(before))
    page.locator("#cme_activities-0-activity_hours").dispatch_event("change")
    wait_remaining(page, 0)
    summary.wait_for(state="detached")
    check_a11y(page, "mumaris-cme-mended")
