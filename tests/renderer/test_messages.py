"""Notification bodies: the service's text filled in, and for an e-mail about the request
its summary as plain text and as simple HTML (the same tree the PDF and pages draw)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from khidma.renderer.messages import about_the_request
from khidma.renderer.messages import body_of
from khidma.renderer.messages import fill
from khidma.renderer.messages import placeholders

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition
from khidma.engine.summary import build_summary

SERVICES = Path(__file__).resolve().parents[2] / "services.d"
SCRIPT = "<script>alert(1)</script>"


@dataclass
class Stored:
    reference: str = "12/1448"
    status: str = "submitted"
    applicant_name: str = "ليلى فهد ناصر الدوسري"
    submitted_at: dt.datetime = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
    answers: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def services() -> dict[str, ServiceDefinition]:
    return {s.id: s for s in load([SERVICES]).services}


MUMARIS_ANSWERS = {
    "full_name_ar": "ليلى فهد ناصر الدوسري",
    "full_name_en": "Layla Fahad Nasser Aldosari",
    "email": "layla@example.sa",
    "gender": "female",
    "national_address": f"الرياض\nحي النرجس {SCRIPT}",
}


def mumaris_body(services: dict[str, ServiceDefinition], event: str = "submitted") -> Any:
    d = services["mumaris_renewal"]
    stored = Stored(answers=MUMARIS_ANSWERS)
    values = {lang: placeholders(d, stored, lang, link="https://x.sa/r/1") for lang in ("ar", "en")}
    (note,) = d.notifications_for(event)

    def summary_of(lang: str) -> Any:
        return build_summary(d, MUMARIS_ANSWERS, lang, today=dt.date(2026, 11, 23))

    return d, body_of(note, values, summary_of, event=event)


def test_an_email_about_the_request_carries_its_summary_as_text(services) -> None:
    d, body = mumaris_body(services)
    assert body.channel == "email"
    assert body.subject == (
        "استلام طلب تجديد بطاقة التسجيل المهني رقم 12/1448 | "
        "Registration card renewal request 12/1448 received"
    )
    text = body.text
    assert text.index("تم استلام طلبك رقم 12/1448") < text.index("Your request 12/1448")
    # both summaries, each under its heading, every section and answer as a line
    assert f"ملخص الطلب — {d.title.ar}" in text and f"Request summary — {d.title.en}" in text
    personal = d.step("personal")
    assert personal.title.ar in text and personal.title.en in text
    assert "البريد الإلكتروني: layla@example.sa" in text and "Email: layla@example.sa" in text
    assert "الجنس: أنثى" in text and "Gender: Female" in text
    assert "العنوان الوطني: الرياض\n  حي النرجس" in text  # the lines of one answer, indented
    assert SCRIPT in text  # plain text: shown as typed, nothing to escape
    assert "{" not in text  # every placeholder filled


def test_an_email_about_the_request_has_a_simple_html_part(services) -> None:
    _, body = mumaris_body(services)
    assert body.html is not None
    html = body.html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert '<div class="half" lang="ar" dir="rtl">' in html
    assert '<div class="half" lang="en" dir="ltr">' in html
    assert 'class="summary summary-email"' in html
    assert html.count("<h1>") == 2  # a summary heading in each half

    seen: list[str] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: seen.append(tag)  # type: ignore[method-assign]
    parser.feed(html)
    assert "script" not in seen and "img" not in seen
    assert "table" in seen and "summary-change" not in html  # no change links


def test_an_approval_email_links_to_the_request(services) -> None:
    _, body = mumaris_body(services, "status:approved")
    assert "https://x.sa/r/1" in body.text
    assert '<a href="https://x.sa/r/1">https://x.sa/r/1</a>' in (body.html or "")
    assert "ملخص الطلب" in body.text  # a new status: about the request


def test_an_sms_stays_short_text(services) -> None:
    d = services["emirate_visit"]
    stored = Stored()
    values = {lang: placeholders(d, stored, lang) for lang in ("ar", "en")}
    (note,) = d.notifications_for("submitted")

    def no_summary(lang: str) -> Any:
        raise AssertionError("an SMS never builds a summary")

    body = body_of(note, values, no_summary, event="submitted")
    assert body.channel == "sms" and body.html is None and body.subject is None
    assert body.text.splitlines()[0].startswith("تم استلام طلبكم رقم 12/1448")
    assert len(body.text.splitlines()) == 2


def test_booking_placeholders_come_from_the_answers(services) -> None:
    d = services["traffic"]
    stored = Stored(answers={"traffic_branch": "riyadh_north", "appointment": "2026-11-25T09:30"})
    ar = placeholders(d, stored, "ar")
    assert ar["resource_name"] == "مرور شمال الرياض"
    assert ar["appointment_time"] == "09:30"
    assert "1448" in ar["appointment_date"]
    assert placeholders(d, stored, "en")["resource_name"] == "North Riyadh Traffic"


def test_fill_keeps_unknown_placeholders() -> None:
    assert fill("{reference} {nope}", {"reference": "1/1448"}) == "1/1448 {nope}"


@pytest.mark.parametrize(
    ("event", "about"),
    [
        ("submitted", True),
        ("status:approved", True),
        ("status_changed", True),
        ("message_from_staff", False),
        ("booking_confirmed", False),
        ("payment_due", False),
    ],
)
def test_which_emails_carry_the_summary(event: str, about: bool) -> None:
    assert about_the_request(event) is about
