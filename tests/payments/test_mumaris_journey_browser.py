"""Issue 11's mumaris_renewal end to end, in Chromium: a practitioner fills the wizard and
submits; the Commission's staff claim and approve it; the approval e-mail is queued and
delivered (in process, to the development gateway); the practitioner pays from "طلباتي"
by card (the provider's hosted page) or SADAD (the bill paid at the provider's desk, which
then notifies us); the request ends paid with one payment and one "received" message;
staff issue the card and post it or hand it over at the branch chosen, and the
practitioner is told.

Two journeys, kept to two for their time (each is minutes under load): card with
JavaScript and the card posted, checked in English as well as Arabic; SADAD without
JavaScript and the card collected at a branch. The other two pairings of method and
JavaScript are in test_browser.py, from a seeded approved request. axe-core runs on every
page visited (a page seen again in the same state is not checked twice).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL
from sqlalchemy import select

from khidma.delivery.worker import in_process_delivery
from khidma.payments.simulator import RunningSimulator
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from tests.browser import check_a11y
from tests.delivery.conftest import wait_until
from tests.e2e.test_journeys import check_both
from tests.e2e.test_journeys import files
from tests.e2e.test_journeys import fill_visible
from tests.e2e.test_journeys import next_page
from tests.e2e.test_journeys import start
from tests.payments.conftest import Platform
from tests.payments.conftest import choose_sadad
from tests.payments.conftest import flush
from tests.payments.conftest import messages
from tests.payments.conftest import payments_of
from tests.payments.conftest import provider_payments
from tests.payments.conftest import status_of

__all__ = ["files"]

pytestmark = pytest.mark.browser

PRACTITIONER = "resident"  # an iqama holder: the passport copy is asked for too
PRACTITIONER_EMAIL = "a.elmasry@example.com"  # the persona's, prefilled on the first step
STAFF = "staff:scfhs"
ADDRESS = "٤٥٦٧ شارع الأمير محمد بن سعد، حي الملقا، الرياض ١٣٥٢١"
BRANCH = ("jeddah", "فرع جدة")
CME_STILL_REQUIRED = 60 - 36  # the YAML's required and recorded hours
# How the card reaches the practitioner: the staff's button, the status shown, its id.
HAND_OVER = {
    "post": ("إرسال البطاقة بالبريد", "تم إرسال البطاقة بالبريد", "card_posted"),
    "branch": ("تسليم البطاقة في الفرع", "تم استلام البطاقة من الفرع", "card_collected"),
}


@pytest.fixture
def database_url(tmp_path: Path) -> URL:
    """SQLite only: the pages do not depend on the database (the payment races run on
    SQLite and PostgreSQL in test_exactly_once, test_outcomes and test_sadad)."""
    return URL.create("sqlite", database=str(tmp_path / "khidma.sqlite3"))


@pytest.fixture
def live(make_platform: Callable[..., Platform]) -> Iterator[Platform]:
    """The platform delivering its outbox in process; no reconciliation job, so each
    payment is settled by the way under test (the return, the notification)."""
    platform = make_platform(PAYMENT_RECONCILE_MINUTES=0)
    with in_process_delivery(platform.app, cleanup=False):
        yield platform


@dataclass
class Journey:
    page: Any
    platform: Platform
    sim: RunningSimulator
    files: dict[str, Path]
    javascript: bool
    english: bool  # every page also checked in English
    checked: set[str] = field(default_factory=set)

    @property
    def base(self) -> str:
        return self.platform.url

    def audit(self, name: str) -> None:
        """axe on the page as it is, in Arabic, and in English on the English pass."""
        if name in self.checked:
            return
        self.checked.add(name)
        if self.english:
            check_both(self.page, name)
        else:
            check_a11y(self.page, name)

    def open_as(self, persona: str, *, check: bool = False) -> None:
        """Sign in through the development SSO as `persona` (axe on its page if `check`)."""
        self.page.goto(f"{self.base}/auth/dev-sso?lang=ar")
        if check:
            self.audit("sign-in")
        self.page.locator(f"button[name=persona][value='{persona}']").click()
        self.page.wait_for_load_state()

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def step(self, slug: str, values: dict[str, str] | None = None) -> None:
        """Check the wizard step `slug` is shown, answer it and go on."""
        assert f"/{slug}" in self.page.url, self.page.locator(".error-summary").all_inner_texts()
        self.audit(f"mumaris step {slug}")
        fill_visible(self.page, self.files, values)
        next_page(self.page)

    # ------------------------------------------------------------------ the practitioner

    def apply(self, delivery: str) -> str:
        """Fill and submit the renewal; the card to be posted or collected at BRANCH."""
        page = self.page
        self.open_as(PRACTITIONER, check=True)
        self.audit("account before applying")
        start(page, self.base, "mumaris_renewal")  # axe on the service card, both languages
        self.audit("mumaris instructions")
        self.click("موافق")
        self.step("personal", {"city": "الرياض", "national_address": ADDRESS})
        assert "/cme" in page.url, page.locator(".error-summary").all_inner_texts()
        page.locator("button[name=action][value='add:training_courses']").click()
        page.locator("#training_courses-0-course_hours").wait_for()
        self.step("cme", {"training_courses-0-course_hours": str(CME_STILL_REQUIRED)})
        self.step("employer")
        self.additional(delivery)
        self.step("questionnaire")
        self.step("attachments")
        assert "/_review" in page.url, page.locator(".error-summary").all_inner_texts()
        assert page.get_by_text(ADDRESS).count()
        self.audit("mumaris review")
        page.locator("input[name=declaration]").check()
        page.get_by_role("button", name=re.compile("إرسال الطلب")).click()
        page.wait_for_load_state()
        reference = str(page.locator(".reference").inner_text()).strip()
        assert re.fullmatch(r"\d+/\d{4}", reference)
        self.audit("mumaris submitted")
        return reference

    def additional(self, delivery: str) -> None:
        """The additional-information step, where the card's delivery is chosen; the
        branch list appears once "branch" is chosen (htmx, or the update button)."""
        page = self.page
        if delivery == "post":
            self.step("additional", {"card_delivery": "post"})
            return
        assert "/additional" in page.url, page.locator(".error-summary").all_inner_texts()
        self.audit("mumaris step additional")
        fill_visible(page, self.files, {"card_delivery": "branch"})
        if not self.javascript:
            page.locator("button[value='update:card_delivery']").click()
            page.wait_for_load_state()
        page.locator("select[name=collection_branch]").wait_for()
        fill_visible(page, self.files, {"collection_branch": BRANCH[0]})
        check_a11y(page, "mumaris step additional, branch shown")
        next_page(page)

    def open_request(self, reference: str, status: str) -> None:
        """From "طلباتي" to the request, in the status expected."""
        self.page.goto(f"{self.base}/account")
        row = self.page.locator("tr.request-row", has_text=reference)
        assert status in row.locator(".status").inner_text()
        self.audit(f"account, request {status}")
        row.locator("a").click()
        self.page.wait_for_load_state()
        assert status in self.page.locator(".request-facts .status").inner_text()
        self.audit(f"request page, {status}")

    def pay_by_card(self) -> None:
        page = self.page
        page.locator("#method-card").check()
        page.locator("#pay").click()
        page.wait_for_url(re.compile(re.escape(self.sim.url) + r"/pay/pay_\w+"))
        check_a11y(page, "the provider's hosted page")
        page.locator("#outcome-success").check()
        page.locator("#pay").click()  # the provider sends the browser back; we ask it again
        page.wait_for_url(re.compile(r".*/payments/[\w-]+/receipt$"))
        assert "تم استلام المبلغ" in page.locator(".flashes").inner_text()
        assert page.locator(".receipt-amount").inner_text() == "300.00 ر.س"
        self.audit("receipt")

    def pay_by_sadad(self) -> None:
        page = self.page
        bill = choose_sadad(page)
        self.audit("pay page with the SADAD bill")
        page.goto(f"{self.sim.url}/sadad?bill={bill}")  # paid at the bank
        check_a11y(page, "the provider's SADAD desk")
        page.locator(f"#pay-{bill}").click()
        page.wait_for_load_state()
        assert flush(self.sim) == 1  # the provider notifies us that the bill is paid

    # ------------------------------------------------------------------ the Commission's staff

    def open_in_backoffice(self, reference: str) -> None:
        self.open_as(STAFF)
        assert "/backoffice" in self.page.url
        self.audit("backoffice queue")
        self.page.locator(f"a[aria-label*='{reference}']").click()
        self.page.wait_for_load_state()

    def move(self, button: str, status: str) -> None:
        """Make the workflow transition of `button`; the request is then in `status`."""
        self.click(button)
        flash = self.page.get_by_text(f"تم تحديث حالة الطلب إلى: {status}.")
        assert flash.count(), self.page.locator("main").inner_text()[:2000]
        self.audit(f"backoffice request, {status}")


def submission_of(platform: Platform, reference: str) -> Submission:
    with platform.db().session() as session:
        found = session.scalars(select(Submission).where(Submission.reference == reference)).one()
        session.expunge(found)
        return found


def delivered(platform: Platform, submission: Submission, event: str) -> None:
    """The e-mail of `event` to the practitioner was queued, once, and is then sent."""

    def sent() -> list[OutboxMessage]:
        with platform.db().session() as session:
            rows = list(
                session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.submission_id == submission.id,
                        OutboxMessage.event == event,
                    )
                )
            )
        assert len(rows) == 1, f"{len(rows)} {event!r} messages"
        assert rows[0].recipient == PRACTITIONER_EMAIL
        return [row for row in rows if row.sent_at is not None]

    wait_until(lambda: bool(sent()))


JOURNEYS = [
    pytest.param("card", True, "post", True, id="card-js-post-en"),
    pytest.param("sadad", False, "branch", False, id="sadad-nojs-branch"),
]


@pytest.mark.parametrize(("method", "javascript", "delivery", "english"), JOURNEYS)
def test_mumaris_renewal_end_to_end(
    request: pytest.FixtureRequest,
    live: Platform,
    sim: RunningSimulator,
    files: dict[str, Path],
    method: str,
    javascript: bool,
    delivery: str,
    english: bool,
) -> None:
    page = request.getfixturevalue("page" if javascript else "nojs_page")
    page.set_default_timeout(60_000)  # submitting renders and signs the PDF: slow under load
    journey = Journey(page, live, sim, files, javascript, english)

    reference = journey.apply(delivery)
    submission = submission_of(live, reference)
    delivered(live, submission, "submitted")

    journey.open_in_backoffice(reference)
    journey.audit("backoffice request")
    journey.click("استلام الطلب")
    assert page.get_by_text("تم استلام الطلب.").count()
    journey.move("الموافقة على الطلب", "مقبول - بانتظار سداد الرسوم")
    delivered(live, submission, "status:approved")

    journey.open_as(PRACTITIONER)
    journey.open_request(reference, "مقبول - بانتظار سداد الرسوم")
    page.locator("#payments a[href$='/pay']").click()
    page.wait_for_load_state()
    assert "300.00 ر.س" in page.locator(".amount-due").inner_text()
    journey.audit("pay page")
    journey.pay_by_card() if method == "card" else journey.pay_by_sadad()
    journey.open_request(reference, "تم السداد")
    assert page.locator("#payments tr.payment-success").count() == 1

    (payment,) = payments_of(live, submission)
    assert (payment.method, payment.state, payment.amount) == (method, "success", 30000)
    if method == "card":
        assert sum(p["charges"] for p in provider_payments(sim)) == 1
    received = [m.event for m in messages(live, submission)]
    assert received.count("payment_received") == 1, received
    delivered(live, submission, "payment_received")

    journey.open_in_backoffice(reference)
    if delivery == "post":
        assert page.get_by_text(ADDRESS).count()  # where to post it
    else:
        assert page.get_by_text(BRANCH[1]).count()
    journey.audit("backoffice request, paid")
    journey.move("إصدار البطاقة", "تم إصدار البطاقة")
    delivered(live, submission, "status:card_issued")
    button, final, status = HAND_OVER[delivery]
    journey.move(button, final)
    assert status_of(live, submission) == status
    if delivery == "post":  # told where it went; at a branch, card_issued said so
        delivered(live, submission, "status:card_posted")

    journey.open_as(PRACTITIONER)
    journey.open_request(reference, final)
