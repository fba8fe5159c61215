"""What a PDF's text layer gives back: each answer exactly, in logical order.

One document holds every answer below, so glyphs shared between contexts (a bracket drawn
mirrored in Arabic and plain in English) are exercised together, as in a real request.
"""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
from khidma.renderer.pdf import render_summary_pdf
from pdftext import pdf_segments

from khidma.engine.summary import Row
from khidma.engine.summary import Section
from khidma.engine.summary import Summary

ANSWERS = [
    "عبدالله بن محمد السلامة",
    "لا إله إلا الله",  # lam-alef and the Allah ligature: one glyph, several letters
    "مُحَمَّد",  # harakat
    "محمد",  # the same letters without them, after
    "آمنة إبراهيم مؤسسة",
    "الاسم: محمد (الابن)",
    "السعر 300 ريال (شامل الضريبة)",
    "٣٥٠٫٥٠ ريال",
    "رقم ١٢٣٤٥",
    "١٤٤٥/٠٩/١٢ هـ",
    "١٠٪",
    "حي النرجس، شارع 15",
    "الرياض - 12345",
    "مستشفى «الشفاء» التخصصي",
    "شركة ABC للتجارة",
    "رقم الطلب 125/1447",
    "عبدالرحمن؟",
    "(مرفق)",
    "+966 50 123 4567",
    "user@example.com",
    "Al-Salamah, Abdullah (Jr.)",
    "Hello!",
    "50%",
    "<b>bold</b> [x] {y}",
    "1023456789",
]

# The same glyphs, left to right, for two different texts: a PDF cannot tell them apart.
AMBIGUOUS = [
    ("ب 12 abc", "ب abc 12"),  # an Arabic line: digits next to a Latin word
    ("PDF ملف", "ملف PDF"),  # starts with Latin (drawn ltr), reads as an Arabic line
]


def summary(values: list[str]) -> Summary:
    rows = tuple(Row(f"f{i}", f"الحقل {i + 1}", value) for i, value in enumerate(values))
    return Summary("ar", "خدمة", "جهة", (Section("s", "القسم", rows),), ())


@pytest.fixture(scope="module")
def pdf() -> bytes:
    values = ANSWERS + [drawn for drawn, _ in AMBIGUOUS]
    return render_summary_pdf(
        summary(values),
        lang="ar",
        reference="1/1447",
        status_label="مستلم",
        submitted_at="2 جمادى الآخرة 1447 هـ (2025/11/23)",
        generated_at="2 جمادى الآخرة 1447 هـ (2025/11/23)",
    )


@pytest.fixture(scope="module")
def segments(pdf: bytes) -> list[str]:
    return [line for page in pdf_segments(pdf, rtl=True) for line in page]


@pytest.mark.parametrize("answer", ANSWERS)
def test_answer_reads_back_exactly(answer: str, segments: list[str]) -> None:
    assert unicodedata.normalize("NFC", answer) in segments


@pytest.mark.parametrize(("drawn", "read"), AMBIGUOUS)
def test_visual_order_ambiguity_is_known(drawn: str, read: str, segments: list[str]) -> None:
    # Documented in docs/pdf.md: the page is right, the text layer reads the other way.
    assert drawn not in segments
    assert read in segments


def test_pypdf_plain_extraction_gets_pure_arabic_lines(pdf: bytes) -> None:
    """What a reader without our bidi pass gets (pypdf's `extract_text`, which also runs
    a label and its answer together on one line): runs of Arabic letters, lam-alef
    included, in logical order; Arabic-Indic digits and the place of neutral
    punctuation it gets wrong."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    arabic_only = [
        a for a in ANSWERS if all(c == " " or unicodedata.bidirectional(c) == "AL" for c in a)
    ]
    assert len(arabic_only) >= 4
    assert [a for a in arabic_only if a not in text] == []
    assert "١٤٤٥/٠٩/١٢" not in text  # read as ٢١/٩٠/٥٤٤١
    assert "«الشفاء»" not in text
