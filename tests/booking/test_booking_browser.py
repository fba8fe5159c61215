"""Appointments in a real browser, JavaScript on and off: mawid and traffic from the
first step to the booking (the picker's day, then time), then the appointment: ticket
page and PDF, reschedule (mawid), cancel with the confirmation (a dialog with
JavaScript, a page without) and the SMS in the development outbox. axe checks every new
page in Arabic and English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import check_a11y
from tests.e2e.test_journeys import check_both
from tests.e2e.test_journeys import fill_visible
from tests.e2e.test_journeys import next_page
from tests.e2e.test_journeys import settle
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_journeys import start

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from khidma.app import create_app

    instance = tmp_path_factory.mktemp("booking-e2e")
    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(ROOT / "services.d"), "SECRET_KEY": "b" * 48},
        instance_path=instance,
    )
    app.extensions["khidma.db"].upgrade()
    with LiveServer(app) as live:
        yield live
    app.extensions["khidma.db"].dispose()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    letter = tmp_path / "مستند.pdf"
    letter.write_bytes(PDF_BYTES)
    return {"letter": letter, "id1": letter}


def answer_selects(page: Any, js: bool) -> None:
    """Choose the first option of each empty visible list, in order, refreshing the lists
    that depend on it (htmx, or the "update" button without JavaScript)."""
    for _ in range(12):
        empty = [
            s
            for s in page.locator("form.wizard-form select").all()
            if s.is_visible() and not s.input_value()
        ]
        if not empty:
            return
        name = empty[0].get_attribute("name")
        settle(page, name)
        select = page.locator(f"select[name='{name}']")
        values = [v for v in select.locator("option").evaluate_all("e => e.map(o => o.value)") if v]
        if not values:
            return
        select.select_option(values[0])
        page.wait_for_load_state("networkidle")
        update = page.locator(f"button[value='update:{name}']")
        if not js and update.count():
            update.click()
            page.wait_for_load_state()


def wizard_to_slot(page: Any, files: dict[str, Path], js: bool, beneficiary: str | None) -> None:
    for _ in range(8):
        if page.locator(".picker").count():
            return
        if page.locator("form.wizard-form").count() == 0:  # the instructions page
            page.locator("button[type=submit]").first.click()
            page.wait_for_load_state()
            continue
        if beneficiary and page.locator(f"input[name=booking_for][value={beneficiary}]").count():
            page.locator(f"input[name=booking_for][value={beneficiary}]").check()
            page.wait_for_load_state("networkidle")
            if not js and page.locator("button[value='update:booking_for']").count():
                page.locator("button[value='update:booking_for']").click()
                page.wait_for_load_state()
        if page.locator("#dependant_national_id").count():
            page.fill("#dependant_name", "سارة محمد القحطاني")
            page.fill("#dependant_national_id", "2000000006")
        answer_selects(page, js)
        fill_visible(page, files)
        answer_selects(page, js)
        next_page(page)
    raise AssertionError(
        "no slot picker: " + page.url + " ".join(page.locator(".error-summary").all_inner_texts())
    )


def pick(page: Any, name: str, js: bool) -> str:
    """The picker: the second day with free places, then its first free time."""
    check_both(page, f"{name}-picker")
    days = page.locator("a.picker-day")
    assert days.count() >= 2
    days.nth(1).click()
    if js:
        page.wait_for_load_state("networkidle")
        page.locator("a.picker-day[aria-current=date]").nth(0).wait_for()
    else:
        page.wait_for_load_state()
    assert page.locator("a.picker-day").nth(1).get_attribute("aria-current") == "date"
    radio = page.locator(".picker-times input[type=radio]").first
    value = radio.get_attribute("value")
    radio.check()
    check_a11y(page, f"{name} picker, day chosen")
    next_page(page)
    assert ".picker" not in page.url and page.locator(".error-summary").count() == 0
    return str(value)


def finish(page: Any, files: dict[str, Path], js: bool, name: str) -> str:
    for _ in range(8):
        if "/_review" in page.url:
            break
        answer_selects(page, js)
        fill_visible(page, files)
        next_page(page)
    assert "/_review" in page.url, page.locator(".error-summary").all_inner_texts()
    for box in page.locator("input[name=declaration]").all():
        box.check()
    page.get_by_role("button", name=re.compile("إرسال الطلب|Submit")).click()
    page.wait_for_load_state()
    assert page.locator(".appointment-facts").count()
    check_both(page, f"{name}-booked")
    return page.locator(".reference").inner_text().strip()


def cancel(page: Any, js: bool, name: str) -> None:
    assert page.locator("a[data-dialog]").count() == 1, page.url + page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("^الغاء$")).click()
    if js:
        dialog = page.locator("#cancel-dialog")
        dialog.wait_for()
        assert "هل تريد إلغاء الموعد؟" in dialog.inner_text()
        check_a11y(page, f"{name} cancel dialog")
        dialog.get_by_role("button", name="نعم").click()
    else:
        page.wait_for_load_state()
        assert "/cancel" in page.url and "تأكيد إلغاء الموعد" in page.content()
        check_both(page, f"{name}-cancel-page")
        page.get_by_role("button", name="نعم").click()
    page.wait_for_load_state()
    assert "ملغى" in page.content()


def ticket(page: Any, base: str, name: str) -> None:
    appointment = page.url.split("?")[0]
    page.get_by_role("link", name="تذكرة الموعد").first.click()
    page.wait_for_load_state()
    assert page.locator(".ticket-qr svg").count() == 1
    check_both(page, f"{name}-ticket")
    pdf = page.request.get(page.url.split("?")[0] + ".pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.goto(appointment + "?lang=ar")


def journey(page: Any, base: str, files: dict[str, Path], *, js: bool, service: str) -> None:
    start(page, base, service)
    wizard_to_slot(page, files, js, "dependant" if service == "mawid" and not js else None)
    time = pick(page, service, js)
    reference = finish(page, files, js, service)
    assert time[11:] in page.content()
    page.goto(f"{base}/appointments/")
    check_both(page, f"{service}-my-appointments")
    page.locator("a[href*='/appointments/']").filter(has_text=re.compile("عرض|View")).first.click()
    page.wait_for_load_state()
    check_both(page, f"{service}-appointment")
    ticket(page, base, service)
    if service == "mawid":
        page.get_by_role("link", name="تعديل الموعد").click()
        page.wait_for_load_state()
        check_both(page, "mawid-move")
        radios = page.locator(".picker-times input[type=radio]")
        radios.nth(2).check()
        page.get_by_role("button", name="حجز الموعد الجديد").click()
        page.wait_for_load_state()
        assert "تم تعديل الموعد" in page.content()
    cancel(page, js, service)
    page.goto(f"{base}/dev/outbox")
    content = page.content()
    assert f"تم إلغاء موعدك رقم {reference}" in content  # booking_cancelled, SMS
    assert content.count(reference) >= 3  # submitted, booking_confirmed, the reminder…


@pytest.mark.parametrize("service", ["mawid", "traffic"])
def test_booking_with_javascript(
    page: Any, server: LiveServer, files: dict[str, Path], service: str
) -> None:
    sign_in(page, server.url)
    journey(page, server.url, files, js=True, service=service)


@pytest.mark.parametrize("service", ["mawid", "traffic"])
def test_booking_without_javascript(
    nojs_page: Any, server: LiveServer, files: dict[str, Path], service: str
) -> None:
    sign_in(nojs_page, server.url, "citizen_female")
    journey(nojs_page, server.url, files, js=False, service=service)


def test_the_staff_day_page(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/auth/dev-sso")
    page.locator("button[name=persona][value='staff:moi_traffic']").click()
    page.wait_for_load_state()
    page.goto(f"{server.url}/staff/bookings/traffic")
    assert page.locator("select#resource").count() == 1
    check_both(page, "booking-staff-day")
    # the day of a booking the journeys above made, if they ran: its table
    from sqlalchemy import select

    from khidma.storage.booking_models import Booking
    from khidma.storage.models import Submission

    with server.app.extensions["khidma.db"].session() as session:
        found = session.execute(
            select(Booking, Submission)
            .join(Submission, Submission.id == Booking.submission_id)
            .where(Booking.service_id == "traffic")
        ).first()
    if found is not None:
        booking, submission = found
        branch = submission.answers["traffic_branch"]
        page.goto(f"{server.url}/staff/bookings/traffic?resource={branch}&day={booking.slot[:10]}")
        assert page.locator("table").count() == 1
        check_both(page, "booking-staff-day-bookings")
