"""Paying an approved Mumaris renewal in Chromium, by card and by SADAD, with JavaScript
on and off, axe-core on every page of ours in Arabic and English; and the staff's
payments page with a refund.

Chromium is driven from a thread of its own (`BrowserThread`): Playwright's sync API
runs one event loop per thread, and tests/e2e keeps its own browser open for the whole
session in the main thread, so a second one there would be refused.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL

from khidma.payments.simulator import RunningSimulator
from khidma.storage import payments as store
from khidma.storage.models import Submission
from tests.e2e.conftest import CHROMIUM
from tests.e2e.conftest import CHROMIUM_FLAGS
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot
from tests.payments.conftest import Person
from tests.payments.conftest import Platform
from tests.payments.conftest import choose_sadad
from tests.payments.conftest import hosted_decision
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import seed_request
from tests.payments.conftest import status_of

pytestmark = pytest.mark.browser


class BrowserThread:
    """Chromium (Debian's, via Playwright) owned by one thread; `run(journey)` runs
    `journey(tab)` there in a fresh context, with JavaScript on or off."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="chromium")
        self.pool.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )

    def run(self, journey: Callable[[Any], None], *, javascript: bool = True) -> None:
        self.pool.submit(self._run, journey, javascript).result()

    def _run(self, journey: Callable[[Any], None], javascript: bool) -> None:
        # bypass_csp lets axe-core in; the pay page's own policy is tested in test_pages
        context = self.browser.new_context(
            java_script_enabled=javascript, bypass_csp=True, locale="ar-SA"
        )
        try:
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            if not javascript:
                tab.khidma_nojs = True  # check_a11y runs axe in a JavaScript-enabled twin
            journey(tab)
        finally:
            context.close()

    def stop(self) -> None:
        def close() -> None:
            self.browser.close()
            self.playwright.stop()

        self.pool.submit(close).result()
        self.pool.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[BrowserThread]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    running = BrowserThread()
    yield running
    running.stop()


@pytest.fixture
def database_url(tmp_path: Path) -> URL:
    """These pages do not depend on the database: SQLite only (the storage races run on
    SQLite and PostgreSQL in test_exactly_once, test_outcomes, test_sadad)."""
    return URL.create("sqlite", database=str(tmp_path / "khidma.sqlite3"))


def sign_in(tab: Any, platform: Platform, persona: str) -> None:
    tab.goto(f"{platform.url}/auth/dev-sso?lang=ar")
    tab.locator(f'button[name="persona"][value="{persona}"]').click()
    tab.wait_for_load_state()


def both_languages(tab: Any, url: str, what: str) -> None:
    """axe on `url` in English and then in Arabic (the page is left in Arabic)."""
    for lang in ("en", "ar"):
        tab.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        check_a11y(tab, f"{what} ({lang})")


def approved_request(platform: Platform) -> tuple[Submission, str]:
    """An approved request of the citizen, waiting for payment; and its pay page."""
    submission = seed_request(platform, Person(platform, "citizen").user)
    return submission, f"{platform.url}/account/requests/{submission.token}/pay"


JAVASCRIPT = [pytest.param(True, id="js"), pytest.param(False, id="nojs")]


@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_paying_by_card(
    chromium: BrowserThread, platform: Platform, sim: RunningSimulator, javascript: bool
) -> None:
    submission, pay_url = approved_request(platform)
    name = "js" if javascript else "nojs"
    chromium.run(lambda tab: card_journey(tab, platform, sim, pay_url, name), javascript=javascript)
    (payment,) = payments_of(platform, submission)
    assert payment.state == "success"
    assert sum(p["charges"] for p in provider_payments(sim)) == 1
    assert [m.event for m in messages(platform, submission)] == ["payment_received"]
    assert status_of(platform, submission) == "paid"


def card_journey(
    tab: Any, platform: Platform, sim: RunningSimulator, pay_url: str, name: str
) -> None:
    sign_in(tab, platform, "citizen")
    both_languages(tab, pay_url, "pay page")
    assert "300.00 ر.س" in tab.locator(".amount-due").inner_text()
    shot(tab, f"payments-pay-{name}")

    tab.locator("#pay").click()  # no method chosen: told so, nothing lost
    tab.wait_for_load_state()
    assert "اختر طريقة الدفع." in tab.locator(".error-summary").inner_text()
    check_a11y(tab, "pay page with an error")

    tab.locator("#method-card").check()
    tab.locator("#pay").click()
    tab.wait_for_url(re.compile(re.escape(sim.url) + r"/pay/pay_\w+"))
    check_a11y(tab, "the provider's hosted page")
    tab.locator("#outcome-success").check()
    tab.locator("#pay").click()  # the provider sends the browser back; we ask it again
    tab.wait_for_url(re.compile(r".*/payments/[\w-]+/receipt$"))
    assert "تم استلام المبلغ" in tab.locator(".flashes").inner_text()
    receipt_url = tab.url
    both_languages(tab, receipt_url, "receipt")
    assert tab.locator(".receipt-amount").inner_text() == "300.00 ر.س"
    shot(tab, f"payments-receipt-{name}")

    with tab.expect_download() as download:
        tab.locator('a[href$="/receipt.pdf"]').click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    both_languages(tab, pay_url, "pay page once paid")


@pytest.mark.parametrize("javascript", JAVASCRIPT)
def test_paying_by_sadad(
    chromium: BrowserThread, platform: Platform, sim: RunningSimulator, javascript: bool
) -> None:
    submission, pay_url = approved_request(platform)
    bills: list[str] = []
    name = "js" if javascript else "nojs"
    chromium.run(
        lambda tab: bills.append(sadad_journey(tab, platform, sim, pay_url, name)),
        javascript=javascript,
    )
    (payment,) = payments_of(platform, submission)
    assert (payment.state, payment.bill_number) == ("success", bills[0])
    assert [m.event for m in messages(platform, submission)] == ["payment_due", "payment_received"]
    assert status_of(platform, submission) == "paid"


def sadad_journey(
    tab: Any, platform: Platform, sim: RunningSimulator, pay_url: str, name: str
) -> str:
    sign_in(tab, platform, "citizen")
    tab.goto(pay_url)
    bill = choose_sadad(tab)
    both_languages(tab, pay_url, "pay page with a SADAD bill")
    shot(tab, f"payments-sadad-bill-{name}")

    # The citizen pays at the bank: the simulator's SADAD desk.
    tab.goto(f"{sim.url}/sadad?bill={bill}")
    check_a11y(tab, "the provider's SADAD desk")
    tab.locator(f"#pay-{bill}").click()
    tab.wait_for_load_state()

    tab.goto(pay_url + "?lang=ar")
    tab.locator("#check-bill").click()  # or the notification; either settles it, once
    tab.wait_for_load_state()
    assert tab.locator(".panel-success").is_visible()
    check_a11y(tab, "pay page once the bill is paid")
    return bill


def test_staff_see_payments_and_refund(
    chromium: BrowserThread, platform: Platform, sim: RunningSimulator
) -> None:
    citizen = Person(platform, "citizen")
    submission = seed_request(platform, citizen.user)
    location = str(citizen.pay(submission, "card").headers["Location"])
    citizen.get(hosted_decision(location, "success"))
    staff = Person(platform, "staff:scfhs")
    with platform.db().session(write=True) as session:
        store.grant_refund(session, staff.user.id)
    (payment,) = payments_of(platform, submission)
    chromium.run(lambda tab: refund_journey(tab, platform, submission, payment.token))
    (payment,) = payments_of(platform, submission)
    assert payment.refunded == 10050


def refund_journey(page: Any, platform: Platform, submission: Submission, token: str) -> None:
    sign_in(page, platform, "staff:scfhs")
    staff_url = f"{platform.url}/staff/requests/{submission.token}/payments"
    both_languages(page, staff_url, "staff payments page")
    page.locator(f"#amount-{token}").fill("400")
    page.locator(f"#refund-{token}").click()
    page.wait_for_load_state()
    assert "أكبر من المتاح للاسترداد" in page.locator(".error-summary").inner_text()
    check_a11y(page, "staff payments page with errors")
    page.locator(f"#amount-{token}").fill("100.50")
    page.locator(f"#reason-{token}").fill("خصم بعد المراجعة")
    page.locator(f"#refund-{token}").click()
    page.wait_for_load_state()
    assert "100.50 ر.س" in page.locator(".flashes").inner_text()
    check_a11y(page, "staff payments page after a refund")
    shot(page, "payments-staff")
