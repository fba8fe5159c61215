"""One rule per language for numbers, money and days (`khidma.formatting`), and the same
text for the same value in a page, the PDF and an e-mail (defect 7 of issue 7: "500000"
beside "1,000,000", Western and Arabic-Indic digits on one page)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from khidma.renderer.pdf import render_summary_pdf
from khidma.renderer.summary import EMAIL
from khidma.renderer.summary import PAGE
from khidma.renderer.summary import TEXT
from khidma.renderer.summary import render_html
from khidma.renderer.summary import render_text
from pdftext import pdf_text

from khidma.definitions.loader import load
from khidma.engine.dates import format_date
from khidma.engine.summary import build_summary
from khidma.formatting import RIYADH
from khidma.formatting import format_money
from khidma.formatting import format_number
from khidma.formatting import moment_text

ROOT = Path(__file__).resolve().parents[2]
PERMIT = ROOT / "tests" / "engine" / "fixtures" / "engine_permit.yaml"
ARABIC_INDIC = re.compile("[٠-٩۰-۹٫٬]")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2026, "2026"),
        (9999, "9999"),
        (10_000, "10,000"),
        (500_000, "500,000"),
        (1_000_000, "1,000,000"),
        (12.5, "12.5"),
        (-25_000, "-25,000"),
    ],
)
def test_numbers_group_from_five_digits(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("halalas", "ar", "en"),
    [
        (30_000, "300.00 ر.س", "SAR 300.00"),
        (50_000_000, "500,000.00 ر.س", "SAR 500,000.00"),
        (100_000_000, "1,000,000.00 ر.س", "SAR 1,000,000.00"),
        (-150, "-1.50 ر.س", "SAR -1.50"),
    ],
)
def test_money_follows_the_number_rule_in_both_languages(halalas: int, ar: str, en: str) -> None:
    assert format_money(halalas, "ar") == ar and format_money(halalas, "en") == en
    assert format_money(halalas, "ar", currency=False) == ar.removesuffix(" ر.س")


def test_moments_are_riyadh_time() -> None:
    moment = dt.datetime(2026, 11, 23, 21, 30, tzinfo=dt.UTC)  # 00:30 the next day there
    assert RIYADH.utcoffset(None) == dt.timedelta(hours=3)
    assert moment_text(moment, "en") == f"{format_date(dt.date(2026, 11, 24), 'en')} 00:30"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_value_reads_the_same_in_page_pdf_and_email(lang: str) -> None:
    permit = load([PERMIT]).services[0]
    answers = {"request_type": "department", "fee": 1_234_567.5, "visit_date": "2026-11-23"}
    summary = build_summary(permit, answers, lang, today=dt.date(2026, 3, 15))
    amount = "1,234,567.50 " + ("ريال" if lang == "ar" else "SAR")
    day = format_date(dt.date(2026, 11, 23), lang)
    pdf = render_summary_pdf(
        summary,
        lang=lang,
        reference="5/1448",
        status_label="-",
        submitted_at=day,
        generated_at=day,
    )
    outputs = {
        "page": render_html(summary, PAGE),
        "pdf": pdf_text(pdf, rtl=lang == "ar"),
        "email html": render_html(summary, EMAIL),
        "email text": render_text(summary, TEXT),
    }
    for name, text in outputs.items():
        assert amount in text, name
        assert day in text, name
        assert not ARABIC_INDIC.search(text), name
