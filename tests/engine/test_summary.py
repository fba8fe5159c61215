"""The render tree of a submission, shared by the review page, the PDF and the e-mail."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition
from khidma.engine.dates import HijriDate
from khidma.engine.dates import format_date
from khidma.engine.dates import from_hijri
from khidma.engine.dates import hijri_year
from khidma.engine.dates import parse_iso_date
from khidma.engine.dates import resolve_bound
from khidma.engine.dates import to_hijri
from khidma.engine.display import format_number
from khidma.engine.display import size_text
from khidma.engine.identifiers import make_national_id
from khidma.engine.summary import Files
from khidma.engine.summary import Row
from khidma.engine.summary import Summary
from khidma.engine.summary import Table
from khidma.engine.summary import build_summary

TODAY = dt.date(2026, 3, 15)
NATIONAL_ID = make_national_id("109876543")
SHA = "c" * 64
ANSWERS: dict[str, Any] = {
    "national_id": NATIONAL_ID,
    "full_name": "سلمى أحمد",
    "mobile": "+966501234567",
    "birth_date": "1990-05-17",
    "channel": "web",  # hidden: never in the summary
    "region": "riyadh",
    "city": "kharj",
    "request_type": "department",
    "department": "it",
    "visit_date": "2026-11-23",
    "people": 3,
    "fee": 1500.5,
    "has_vehicle": True,
    "vehicle_licence": [
        {"id": "f1", "name": "licence.pdf", "size": 250_000, "kind": "pdf", "sha256": SHA}
    ],
    "items": ["laptop", "camera"],
    "courses": [
        {"course_name": "Safety", "course_hours": 4, "has_certificate": False},
        {
            "course_name": "First aid",
            "course_hours": 2,
            "has_certificate": True,
            "certificate": [
                {"id": "f2", "name": "cert.pdf", "size": 900, "kind": "pdf", "sha256": SHA}
            ],
        },
    ],
}


def summary(
    definition: ServiceDefinition, lang: str, answers: dict[str, Any] | None = None, **kw: Any
) -> Summary:
    return build_summary(
        definition, ANSWERS if answers is None else answers, lang, today=TODAY, **kw
    )


def rows(s: Summary) -> dict[str, str]:
    return {b.field_id: b.value for sec in s.sections for b in sec.blocks if isinstance(b, Row)}


def test_sections_follow_the_visible_steps(permit: ServiceDefinition) -> None:
    s = summary(permit, "en")
    assert s.service_title == "Test permit" and s.agency_name == "Test agency"
    assert [(sec.step_id, sec.title) for sec in s.sections] == [
        ("applicant", "Applicant"),
        ("request", "Request"),
        ("training", "Training"),
    ]


def test_rows_are_display_text_in_english(permit: ServiceDefinition) -> None:
    assert rows(summary(permit, "en")) == {
        "national_id": NATIONAL_ID,
        "full_name": "سلمى أحمد",
        "mobile": "050 123 4567",
        "birth_date": "22 Shawwal 1410 AH (17 May 1990)",
        "region": "Riyadh",
        "city": "Al-Kharj",
        "request_type": "Department",
        "department": "IT",
        "visit_date": "13 Jumada al-Akhirah 1448 AH (23 November 2026)",
        "people": "3 people",
        "fee": "1500.50 SAR",
        "has_vehicle": "Yes",
        "items": "Laptop, Camera",
        "required_hours": "10",
        "remaining_hours": "4 hours",
    }


def test_rows_are_display_text_in_arabic(permit: ServiceDefinition) -> None:
    shown = rows(summary(permit, "ar"))
    assert shown["birth_date"] == "22 شوال 1410 هـ (1990/05/17)"
    assert shown["region"] == "الرياض"
    assert shown["has_vehicle"] == "نعم"
    assert shown["items"] == "حاسب محمول، كاميرا"
    assert shown["fee"] == "1500.50 ريال"


def test_groups_are_tables_and_files_are_listed(permit: ServiceDefinition) -> None:
    blocks = {b.field_id: b for sec in summary(permit, "en").sections for b in sec.blocks}
    table = blocks["courses"]
    assert isinstance(table, Table)
    assert table.columns == ("Course name", "Hours", "Do you have a certificate?", "Certificate")
    assert table.rows == (("Safety", "4", "No", ""), ("First aid", "2", "Yes", "cert.pdf"))
    files = blocks["vehicle_licence"]
    assert isinstance(files, Files)
    assert [(f.name, f.size_text, f.kind, f.sha256) for f in files.files] == [
        ("licence.pdf", "244 KB", "pdf", SHA)
    ]


def test_only_visible_answered_fields(permit: ServiceDefinition) -> None:
    answers = {**ANSWERS, "request_type": "visit", "full_name": "", "items": []}
    s = summary(permit, "en", answers)
    shown = rows(s)
    assert "department" not in shown  # hidden by the request type
    assert "full_name" not in shown and "items" not in shown  # unanswered
    assert [sec.step_id for sec in s.sections] == ["applicant", "request"]  # training hidden


def test_declarations(permit: ServiceDefinition) -> None:
    s = summary(permit, "ar", declarations_accepted={"accuracy": "2026-03-15T10:00:00+03:00"})
    assert [(d.declaration_id, d.text, d.accepted, d.accepted_at) for d in s.declarations] == [
        ("accuracy", "أقر بصحة البيانات", True, "2026-03-15T10:00:00+03:00")
    ]
    assert summary(permit, "en").declarations[0].accepted is False


def test_the_tree_is_plain_data_without_markup(permit: ServiceDefinition) -> None:
    s = summary(permit, "en", {**ANSWERS, "full_name": "<b>x</b>"})
    text = repr(dataclasses.asdict(s))
    assert "<b>x</b>" in text  # kept as text: escaping is each output's job
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lang = "ar"


@pytest.mark.parametrize(
    ("size", "ar", "en"),
    [
        (900, "900 بايت", "900 bytes"),
        (250_000, "244 كيلوبايت", "244 KB"),
        (5 * 1024 * 1024, "5 ميجابايت", "5 MB"),
        (1_600_000, "1.5 ميجابايت", "1.5 MB"),
    ],
)
def test_size_text(size: int, ar: str, en: str) -> None:
    assert size_text(size, "ar") == ar and size_text(size, "en") == en


def test_format_number() -> None:
    assert format_number(1500) == "1500"
    assert format_number(2026) == "2026"
    assert format_number(12500) == "12,500"
    assert format_number(12500.25) == "12,500.25"
    assert format_number(12.5) == "12.5"
    assert format_number(12.0) == "12"
    assert format_number(3.1, 2) == "3.10"


# --- dates as shown -------------------------------------------------------------------
def test_hijri_conversion_round_trips() -> None:
    assert to_hijri(dt.date(2026, 11, 23)) == HijriDate(1448, 6, 13)
    day = dt.date(1990, 1, 1)
    while day < dt.date(2040, 1, 1):
        hijri = to_hijri(day)
        assert hijri is not None
        assert from_hijri(hijri.year, hijri.month, hijri.day) == day
        day += dt.timedelta(days=37)


def test_hijri_year_restarts_at_muharram() -> None:
    assert hijri_year(dt.date(2026, 6, 15)) == 1447  # 29 Dhu al-Hijjah 1447
    assert hijri_year(dt.date(2026, 6, 16)) == 1448  # 1 Muharram 1448
    with pytest.raises(ValueError):
        hijri_year(dt.date(1900, 1, 1))


def test_outside_umm_al_qura_only_the_gregorian_date_is_shown() -> None:
    assert to_hijri(dt.date(1900, 1, 1)) is None
    assert format_date("1900-01-01", "en") == "1 January 1900"
    assert format_date(dt.date(1900, 1, 1), "ar") == "1900/01/01"


@pytest.mark.parametrize(
    ("bound", "expected"),
    [
        ("today", dt.date(2026, 3, 15)),
        ("today+30d", dt.date(2026, 4, 14)),
        ("today-730d", dt.date(2024, 3, 15)),
        ("2000-01-01", dt.date(2000, 1, 1)),
    ],
)
def test_date_bounds(bound: str, expected: dt.date) -> None:
    assert resolve_bound(bound, TODAY) == expected


@pytest.mark.parametrize("text", ["2026-3-5", "2026/03/05", "05-03-2026", "2026-02-30", ""])
def test_only_real_iso_dates_parse(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_files_inside_group_items_are_listed_with_size_and_hash() -> None:
    from pathlib import Path

    from khidma.definitions.loader import load
    from khidma.engine.summary import Files
    from khidma.engine.summary import build_summary

    root = Path(__file__).resolve().parents[2]
    d = next(s for s in load([root / "services.d"]).services if s.id == "emirate_visit")
    ref = {"id": "a1", "name": "هوية.png", "size": 2048, "kind": "png", "sha256": "ab" * 32}
    answers = {
        "companions": [
            {
                "companion_name": "سعد محمد علي الشهري",
                "companion_national_id": "1000000016",
                "companion_id_image": [ref],
            }
        ]
    }
    summary = build_summary(d, answers, "ar")
    files = [b for s in summary.sections for b in s.blocks if isinstance(b, Files)]
    assert [f.files[0].sha256 for f in files] == ["ab" * 32]
    assert files[0].label.startswith(d.field("companions").label.ar)  # type: ignore[union-attr]


# --- kinds and the JSON export ------------------------------------------------------------
def test_every_node_names_its_kind(permit: ServiceDefinition) -> None:
    s = summary(permit, "en", declarations_accepted={"accuracy": "2026-03-15T10:00:00+03:00"})
    kinds = {b.kind for sec in s.sections for b in sec.blocks}
    assert kinds == {"row", "table", "files"}
    assert {sec.kind for sec in s.sections} == {"section"}
    assert s.kind == "summary" and s.declarations[0].kind == "declaration"


def test_the_export_has_stable_keys_and_exported_values(permit: ServiceDefinition) -> None:
    import json

    s = summary(permit, "en", declarations_accepted={"accuracy": "2026-03-15T10:00:00+03:00"})
    exported = s.export()
    assert json.loads(json.dumps(exported)) == exported  # plain JSON data
    assert exported["format"] == "khidma.summary/1" and exported["lang"] == "en"
    assert exported["service"] == {"title": "Test permit", "agency": "Test agency"}
    applicant = exported["sections"][0]
    assert (applicant["kind"], applicant["step"], applicant["title"]) == (
        "section",
        "applicant",
        "Applicant",
    )
    blocks = {b["field"]: b for sec in exported["sections"] for b in sec["blocks"]}
    assert blocks["birth_date"] == {
        "kind": "row",
        "field": "birth_date",
        "label": "Date of birth",
        "text": "22 Shawwal 1410 AH (17 May 1990)",
        "value": "1990-05-17",
    }
    assert blocks["items"]["value"] == ["laptop", "camera"]  # values, not labels
    assert blocks["fee"]["value"] == 1500.5 and blocks["fee"]["text"] == "1500.50 SAR"
    table = blocks["courses"]
    assert table["kind"] == "table"
    assert [c["field"] for c in table["columns"]] == [
        "course_name",
        "course_hours",
        "has_certificate",
        "certificate",
    ]
    assert table["items"][0]["course_hours"] == {"text": "4", "value": 4}
    assert "certificate" not in table["items"][0]  # hidden in that item
    assert blocks["vehicle_licence"]["files"] == [
        {
            "name": "licence.pdf",
            "file_type": "pdf",
            "size": 250_000,
            "size_text": "244 KB",
            "sha256": SHA,
        }
    ]
    assert blocks["certificate"]["group"] == "courses" and blocks["certificate"]["item"] == 2
    assert exported["declarations"] == [
        {
            "kind": "declaration",
            "id": "accuracy",
            "text": "I confirm the information is correct",
            "accepted": True,
            "accepted_at": "2026-03-15T10:00:00+03:00",
        }
    ]


def test_a_computed_value_of_several_lines_is_a_list() -> None:
    from khidma.engine.summary import Row

    row = Row("docs", "Documents", "ID card\n\nPhoto\n", is_list=True)
    assert row.lines == ("ID card", "Photo")
    assert Row("address", "Address", "Riyadh").lines == ("Riyadh",)


def test_the_subject_line_of_a_request() -> None:
    from khidma.engine.summary import subject_line

    root = Path(__file__).resolve().parents[2]
    services = {s.id: s for s in load([root / "services.d"]).services}
    traffic = {"traffic_branch": "riyadh_north", "traffic_service": "plates"}
    booked = {**traffic, "appointment": "2026-11-24T09:30"}
    line = subject_line(services["traffic"], booked, "en")
    assert line.startswith("North Riyadh Traffic — ") and line.endswith(", 09:30")
    assert subject_line(services["traffic"], traffic, "ar").count(" — ") == 1
    emirate = {"applicant_type": "individual", "governorate": "najran", "appointment_type": "emir"}
    assert subject_line(services["emirate_visit"], emirate, "ar").startswith("نجران — ")
    assert subject_line(services["emirate_visit"], {}, "ar") == ""
