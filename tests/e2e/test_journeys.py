"""Citizens' journeys through the wizard in a real browser, with JavaScript on and off.

Every page visited is checked with axe-core (WCAG 2.1 AA), in Arabic and in English.
With KHIDMA_SCREENSHOTS=1 the pages are saved to docs/screenshots/ for the journey guide.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# a PNG header (IHDR: 1×1 pixels) and padding: what the upload checks read
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    + b"\x00" * 64
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "letter": tmp_path / "خطاب الزيارة.pdf",
        "id": tmp_path / "هوية.pdf",
        "id1": tmp_path / "هوية-مرافق-1.png",
        "id2": tmp_path / "هوية-مرافق-2.png",
        "exe": tmp_path / "letter.pdf",
        "cert": tmp_path / "شهادة.pdf",
    }
    for key, path in made.items():
        if key == "exe":
            path.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)  # a Windows executable, renamed
        else:
            path.write_bytes(PNG_BYTES if path.suffix == ".png" else PDF_BYTES)
    return made


SAMPLES = {
    "email": "m.alqahtani@example.sa",
    "tel": "0501234567",
    "date": "2026-02-15",
    "number": "5",
}


def fill_visible(
    page: Any,
    files: dict[str, Path],
    values: dict[str, str] | None = None,
    skip: tuple[str, ...] = (),
) -> None:
    """Give every visible, empty input of the wizard form a valid answer (or `values`)."""
    values = values or {}
    form = page.locator("form.wizard-form")
    for name, value in values.items():
        radio = form.locator(f"input[type=radio][name='{name}'][value='{value}']")
        if radio.count():
            radio.check()
        elif form.locator(f"select[name='{name}']").count():
            form.locator(f"select[name='{name}']").select_option(value)
        else:
            form.locator(f"[name='{name}']").fill(value)
        page.wait_for_load_state("networkidle")
    for control in form.locator("input, select, textarea").all():
        name = control.get_attribute("name") or ""
        kind = control.get_attribute("type") or control.evaluate("e => e.tagName.toLowerCase()")
        if (
            not name
            or name in values
            or name in skip
            or name.endswith("-count")
            or name in ("csrf_token", "action", "return")
            or not control.is_visible()
        ):
            continue
        if kind == "radio":
            if not form.locator(f"input[name='{name}']:checked").count():
                no = form.locator(f"input[name='{name}'][value=no]")
                (no if no.count() else form.locator(f"input[name='{name}']").first).check()
        elif kind == "checkbox":
            if not form.locator(f"input[name='{name}']:checked").count():
                form.locator(f"input[name='{name}']").first.check()
        elif kind == "select":
            if not control.input_value():
                options = control.locator("option").evaluate_all(
                    "els => els.map(e => e.value).filter(Boolean)"
                )
                if options:
                    control.select_option(options[0])
        elif kind == "file":
            accept = control.get_attribute("accept") or ".pdf"
            control.set_input_files(str(files["letter"] if "pdf" in accept else files["id1"]))
        elif not control.input_value():
            control.fill(
                SAMPLES.get(
                    kind,
                    "12345"
                    if "postal" in name
                    else "5"
                    if control.get_attribute("inputmode") == "numeric"
                    else "نص للتجربة بطول مناسب",
                )
            )
        page.wait_for_load_state("networkidle")


def sign_in(page: Any, base: str, persona: str = "citizen", lang: str = "ar") -> None:
    page.goto(f"{base}/auth/dev-sso?lang={lang}")
    page.locator(f"button[name=persona][value={persona}]").click()
    page.wait_for_load_state()


def check_both(page: Any, name: str) -> None:
    """axe in the page's language, then in the other one (same page, ?lang=)."""
    check_a11y(page, name)
    lang = page.locator("html").get_attribute("lang")
    other = "en" if lang == "ar" else "ar"
    url = page.url
    page.goto(url + ("&" if "?" in url else "?") + f"lang={other}")
    check_a11y(page, f"{name} ({other})")
    shot(page, f"{name}-{other}")
    page.goto(url.split("#")[0] + ("&" if "?" in url else "?") + f"lang={lang}")


def start(page: Any, base: str, service: str) -> None:
    page.goto(f"{base}/services/{service}")
    check_both(page, f"{service}-card")
    page.get_by_role("button", name=re.compile("ابدأ الخدمة|Start")).click()
    page.wait_for_load_state()


def next_page(page: Any) -> None:
    page.locator("button[name=action][value=next]").click()
    page.wait_for_load_state()


def settle(page: Any, name: str) -> None:
    """Wait until htmx has initialised the (possibly just swapped-in) control `name`, so a
    change is sent; a person never answers within the few milliseconds that takes."""
    if getattr(page, "khidma_nojs", False):
        return  # no htmx without JavaScript: the form posts instead
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "name => { const e = document.querySelector(`[name='${name}']`);"
        " return !e || !e.hasAttribute('hx-post')"
        " || !!(e['htmx-internal-data'] && e['htmx-internal-data'].initHash); }",
        arg=name,
    )


def choose_first(page: Any, name: str) -> None:
    settle(page, name)
    select = page.locator(f"select[name='{name}']")
    values = [v for v in select.locator("option").evaluate_all("els => els.map(e => e.value)") if v]
    select.select_option(values[0])
    page.wait_for_load_state("networkidle")


def choose_option(page: Any, name: str, label_part: str) -> None:
    select = page.locator(f"select[name='{name}']")
    select.select_option(label=select.locator("option", has_text=label_part).first.inner_text())


def submit(page: Any, name: str) -> str:
    """From the review: tick the declaration (where there is one) and submit; the
    request's reference, from the confirmation page (checked by axe as `name`-submitted)."""
    if page.locator("input[name=declaration]").count():
        page.locator("input[name=declaration]").check()
    page.get_by_role("button", name=re.compile("إرسال الطلب|Submit")).click()
    page.wait_for_load_state()
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"\d+/\d{4}", reference)
    check_both(page, f"{name}-submitted")
    return reference


def emirate_journey(page: Any, base: str, files: dict[str, Path], *, js: bool) -> str:
    start(page, base, "emirate_visit")
    assert "/applicant" in page.url
    check_both(page, "emirate-step-applicant")
    # a failed step keeps what was typed
    page.fill("#full_name", "محمد")
    page.fill("#email", "ليس-بريدا")
    next_page(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    if js:
        assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    assert page.input_value("#email") == "ليس-بريدا"
    assert page.input_value("#full_name") == "محمد"
    check_a11y(page, "emirate step with errors")
    shot(page, "emirate-step-errors")
    page.get_by_label("فرد", exact=True).check()  # an individual: no organisation name
    page.fill("#full_name", "محمد عبد الله صالح القحطاني")
    page.fill("#email", "m.alqahtani@example.sa")
    page.fill("#mobile", "0501234567")
    choose_first(page, "governorate")
    next_page(page)
    assert "/appointment" in page.url, page.locator(".error-summary").all_inner_texts()

    # the department list appears only for "موعد مع إدارة محددة"
    check_both(page, "emirate-step-appointment")
    assert page.locator("#department").count() == 0
    choose_option(page, "appointment_type", "إدارة محددة")
    if not js:  # without JavaScript, the "update the choices" button shows the new lists
        page.locator("button[value='update:appointment_type']").click()
        page.wait_for_load_state()
    page.locator("#department").wait_for()
    choose_first(page, "visit_destination")
    if not js:
        page.locator("button[value='update:visit_destination']").click()
        page.wait_for_load_state()
    else:
        page.wait_for_function("() => document.querySelectorAll('#department option').length > 1")
    choose_first(page, "department")
    choose_first(page, "entry_gate")
    choose_first(page, "visit_reason")
    page.fill("#visit_subject", "مناقشة موضوع يخص الحي مع الإدارة المختصة")
    check_a11y(page, "appointment step, department shown")
    shot(page, "emirate-step-appointment-department")
    next_page(page)
    assert "/attachments" in page.url, page.locator(".error-summary").all_inner_texts()

    # a renamed executable is refused by its content
    check_both(page, "emirate-step-attachments")
    page.set_input_files("#visit_letter", str(files["exe"]))
    page.set_input_files("#applicant_id_copy", str(files["id"]))
    page.locator("input[name=has_other_items][value=no]").check()
    next_page(page)
    assert "letter.pdf" in page.locator(".error-summary").inner_text()
    check_a11y(page, "attachments with a refused file")
    page.set_input_files("#visit_letter", str(files["letter"]))
    next_page(page)
    assert "/companions_step" in page.url, page.locator(".error-summary").all_inner_texts()

    # two companions, each with an ID image
    check_both(page, "emirate-step-companions")
    add = page.locator("button[name=action][value^='add:companions']")
    for index, (name, national_id, image) in enumerate(
        [
            ("سعد محمد علي الشهري", "1000000016", files["id1"]),
            ("فهد ناصر سعد الدوسري", "2000000006", files["id2"]),
        ]
    ):
        add.click()
        page.locator(f"#companions-{index}-companion_name").wait_for()
        page.fill(f"#companions-{index}-companion_name", name)
        page.fill(f"#companions-{index}-companion_national_id", national_id)
        page.set_input_files(f"#companions-{index}-companion_id_image", str(image))
    check_a11y(page, "two companions")
    shot(page, "emirate-companions")
    next_page(page)
    assert "/_review" in page.url, page.locator(".error-summary").all_inner_texts()
    assert page.get_by_text("فهد ناصر سعد الدوسري").count()
    check_both(page, "emirate-review")

    # the review's change link returns to the review after the change
    page.locator("a[href*='return=review'][href*='visit_subject']").first.click()
    page.fill("#visit_subject", "موضوع معدل بعد المراجعة للتأكد من الرابط")
    next_page(page)
    assert "/_review" in page.url
    assert page.get_by_text("موضوع معدل بعد المراجعة").count()

    return submit(page, "emirate")


def after_submit(page: Any, base: str, reference: str) -> None:
    # the SMS with the reference is in the development outbox
    page.goto(f"{base}/dev/outbox")
    assert reference in page.content()
    check_a11y(page, "outbox")
    # the request is in my account, and its summary downloads as a PDF
    page.goto(f"{base}/account")
    assert page.get_by_text(reference).count()
    page.locator("a[href*='/account/requests/']").first.click()
    page.wait_for_load_state()
    assert reference in page.content()
    with page.expect_download() as download:
        page.locator("a[href$='summary.pdf']").first.click()
    path = download.value.path()
    text = "".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert reference in text


def test_emirate_visit_with_javascript(page: Any, live_server: Any, files: dict[str, Path]) -> None:
    sign_in(page, live_server.url)
    reference = emirate_journey(page, live_server.url, files, js=True)
    after_submit(page, live_server.url, reference)


def test_emirate_visit_without_javascript(
    nojs_page: Any, live_server: Any, files: dict[str, Path]
) -> None:
    sign_in(nojs_page, live_server.url, "citizen_female")
    reference = emirate_journey(nojs_page, live_server.url, files, js=False)
    after_submit(nojs_page, live_server.url, reference)


def test_mumaris_renewal_with_javascript(
    page: Any, live_server: Any, files: dict[str, Path]
) -> None:
    base = live_server.url
    sign_in(page, base, "resident")
    start(page, base, "mumaris_renewal")
    check_both(page, "mumaris-instructions")
    page.get_by_role("button", name="موافق").click()
    page.wait_for_load_state()
    assert "/personal" in page.url
    check_both(page, "mumaris-step-personal")
    page.fill("#email", "m.alqahtani@example.sa") if not page.input_value("#email") else None
    page.fill("#mobile", "0501234567") if not page.input_value("#mobile") else None
    if page.locator("#city").count():
        page.fill("#city", "الرياض")
    if page.locator("#national_address").count():
        page.fill("#national_address", "حي الملقا، شارع الأمير محمد بن سعد")
    if page.locator("#postal_code").count():
        page.fill("#postal_code", "13521")
    next_page(page)
    assert "/cme" in page.url, page.locator(".error-summary").all_inner_texts()

    def remaining() -> int:
        return int(
            re.sub(r"\D", "", page.locator("#block-cme_remaining_hours output").inner_text())
        )

    before = remaining()
    page.locator("button[name=action][value='add:cme_activities']").click()
    page.locator("#cme_activities-0-activity_hours").wait_for()
    choose_first(page, "cme_activities-0-activity_type")
    page.fill("#cme_activities-0-activity_name", "المؤتمر السعودي لطب الأسرة")
    page.fill("#cme_activities-0-activity_organiser", "الهيئة السعودية للتخصصات الصحية")
    if page.locator("#cme_activities-0-activity_accreditation_number").count():
        page.fill("#cme_activities-0-activity_accreditation_number", "SCFHS-2026-1234")
    page.fill("#cme_activities-0-activity_date", "2026-03-01")
    page.fill("#cme_activities-0-activity_hours", "10")
    page.locator("#cme_activities-0-activity_hours").dispatch_event("change")
    page.wait_for_function(
        "before => !document.querySelector('#block-cme_remaining_hours output')"
        ".innerText.includes(String(before))",
        arg=before,
    )
    assert remaining() == before - 10
    shot(page, "mumaris-cme-hours")
    # a course with its certificate brings the hours still required down to 0
    page.locator("button[name=action][value='add:training_courses']").click()
    page.locator("#training_courses-0-course_hours").wait_for()
    fill_visible(page, files, {"training_courses-0-course_hours": str(remaining())})
    page.locator("#training_courses-0-course_hours").dispatch_event("change")
    page.wait_for_function(
        "() => /^\\D*0\\D*$/.test("
        "document.querySelector('#block-cme_remaining_hours output').innerText)"
    )
    check_a11y(page, "cme step with items")
    next_page(page)
    assert "/employer" in page.url, page.locator(".error-summary").all_inner_texts()
    check_both(page, "mumaris-step-employer")
    fill_visible(page, files)
    next_page(page)
    assert "/additional" in page.url, page.locator(".error-summary").all_inner_texts()
    check_both(page, "mumaris-step-additional")
    fill_visible(page, files)
    next_page(page)
    assert "/questionnaire" in page.url, page.locator(".error-summary").all_inner_texts()
    check_both(page, "mumaris-step-questionnaire")
    fill_visible(page, files, {"q_disciplinary_action": "yes"})
    fill_visible(page, files)  # the details box appears after a "yes"
    next_page(page)
    assert "/attachments" in page.url, page.locator(".error-summary").all_inner_texts()
    check_both(page, "mumaris-step-attachments")
    # the "yes" about disciplinary action makes its documents required
    fill_visible(page, files, skip=("att_disciplinary_documents",))
    next_page(page)
    assert "/attachments" in page.url
    errors = page.locator(".error-summary").inner_text()
    assert page.locator("#block-att_disciplinary_documents .field-error").count() == 1, errors
    page.set_input_files("#att_disciplinary_documents", str(files["letter"]))
    next_page(page)
    assert "/_review" in page.url, page.locator(".error-summary").all_inner_texts()
    check_both(page, "mumaris-review")
    reference = submit(page, "mumaris")
    page.goto(f"{base}/dev/outbox")
    assert reference in page.content()  # the e-mail with the reference


@pytest.mark.parametrize("service", ["mawid", "traffic"])
def test_booking_services_run_to_their_booking_step(
    page: Any, live_server: Any, service: str
) -> None:
    base = live_server.url
    sign_in(page, base)
    start(page, base, service)
    first = page.url
    check_both(page, f"{service}-step-1")
    for name in (
        "booking_for",
        "region",
        "city",
        "health_centre",
        "clinic",
        "traffic_branch",
        "traffic_service",
    ):
        radios = page.locator(f"input[type=radio][name={name}]")
        if radios.count():
            radios.first.check()
        select = page.locator(f"select[name={name}]")
        if select.count():
            page.wait_for_function(
                f"() => document.querySelectorAll('select[name={name}] option').length > 1"
            )
            choose_first(page, name)
    next_page(page)
    if page.url == first:  # mawid asks for the centre on a second step
        pytest.fail(str(page.locator(".error-summary").all_inner_texts()))
    for name in ("region", "city", "health_centre", "clinic"):
        select = page.locator(f"select[name={name}]")
        if select.count():
            page.wait_for_function(
                f"() => document.querySelectorAll('select[name={name}] option').length > 1"
            )
            choose_first(page, name)
    if page.locator(".picker").count() == 0:
        next_page(page)
    # the slot picker (the whole booking journey: tests/booking/test_booking_browser.py)
    assert page.locator(".picker a.picker-day").count() >= 1, page.url
    check_both(page, f"{service}-booking-step")
