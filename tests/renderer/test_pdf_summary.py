"""The request summary PDF: every answer readable back exactly, in both languages."""

from __future__ import annotations

import io
import re
import unicodedata
from html.parser import HTMLParser

import pypdf
import pytest
from khidma.renderer.pdf import render_summary_html
from khidma.renderer.pdf import render_summary_pdf
from pdf_samples import ARABIC_CONTEXT
from pdf_samples import ENGLISH_CONTEXT
from pdf_samples import SHA_A
from pdf_samples import SHA_B
from pdf_samples import arabic_summary
from pdf_samples import english_summary
from pdftext import embedded_fonts
from pdftext import is_drawn
from pdftext import pdf_positioned
from pdftext import pdf_segments

from khidma.engine.summary import FileLine
from khidma.engine.summary import Files
from khidma.engine.summary import Row
from khidma.engine.summary import Section
from khidma.engine.summary import Summary

A4 = (595.28, 841.89)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def shown_texts(summary) -> list[str]:
    """Every label and answer of a summary, as the citizen will read them."""
    texts = [summary.agency_name, summary.service_title]
    for section in summary.sections:
        texts.append(section.title)
        for block in section.blocks:
            texts.append(block.label)
            if block.kind == "row":
                texts.append(block.value)
            elif block.kind == "table":
                texts.extend(block.columns)
                texts.extend(cell for row in block.rows for cell in row)
            elif block.kind == "files":
                for file in block.files:
                    texts.extend((file.name, file.size_text, file.sha256, file.kind))
    texts.extend(d.text for d in summary.declarations)
    return [nfc(t) for t in texts]


def assert_drawn(text: str, segments: list[str]) -> None:
    assert is_drawn(text, segments), f"{text!r} is not drawn exactly; lines: {segments!r}"


@pytest.fixture(scope="module")
def arabic_pdf() -> bytes:
    return render_summary_pdf(arabic_summary(), **ARABIC_CONTEXT)


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return render_summary_pdf(english_summary(), **ENGLISH_CONTEXT)


def all_segments(pdf: bytes, *, rtl: bool) -> list[str]:
    return [line for page in pdf_segments(pdf, rtl=rtl) for line in page]


def test_every_arabic_label_and_answer_reads_back_exactly(arabic_pdf: bytes) -> None:
    segments = all_segments(arabic_pdf, rtl=True)
    for text in shown_texts(arabic_summary()):
        assert_drawn(text, segments)


def test_no_presentation_forms_or_replacement_characters(arabic_pdf: bytes) -> None:
    text = "".join(all_segments(arabic_pdf, rtl=True))
    assert not [c for c in text if "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufeff"]
    assert "\ufffd" not in text


def test_facts_reference_status_and_both_dates(arabic_pdf: bytes) -> None:
    segments = all_segments(arabic_pdf, rtl=True)
    for text in ("رقم الطلب", "125/1447", "قيد المراجعة", "تاريخ التقديم", "تاريخ إصدار المستند"):
        assert text in segments
    assert ARABIC_CONTEXT["submitted_at"] in segments
    hijri, gregorian = ARABIC_CONTEXT["generated_at"]
    assert hijri in segments
    assert gregorian in segments


def test_attachments_show_size_and_sha256(arabic_pdf: bytes) -> None:
    segments = all_segments(arabic_pdf, rtl=True)
    for text in ("شهادة البكالوريوس.pdf", "١٫٢ م.ب", SHA_A, "transcript.png", "840 ك.ب", SHA_B):
        assert text in segments
    assert segments.count("بصمة SHA-256") == 2


def test_declarations_show_when_they_were_accepted(arabic_pdf: bytes) -> None:
    segments = all_segments(arabic_pdf, rtl=True)
    # 07:15 UTC is 10:15 in Riyadh; 23 November 2025 is 2 Jumada al-Akhirah 1447.
    assert "2 جمادى الآخرة 1447 هـ (2025/11/23) 10:15" in segments
    assert "2 جمادى الآخرة 1447 هـ (2025/11/23) 10:16" in segments
    assert segments.count("تم الإقرار في:") == 2


def test_repeatable_items_are_a_table_with_a_row_each(arabic_pdf: bytes) -> None:
    html = render_summary_html(arabic_summary(), **ARABIC_CONTEXT)
    table = html[
        html.index('id="answer-jobs"') : html.index("</table>", html.index('id="answer-jobs"'))
    ]
    assert table.count('<th scope="col">') == 3
    assert table.count("<tr>") == 3  # header + two items
    segments = all_segments(arabic_pdf, rtl=True)
    row = segments.index("مستشفى الملك فهد")
    assert segments[row - 1 : row + 3] == ["1", "مستشفى الملك فهد", "أخصائي تمريض", "٣"]


def test_page_x_of_y_on_every_page() -> None:
    many = tuple(Row(f"f{i}", f"السؤال رقم {i}", f"الإجابة رقم {i}") for i in range(60))
    pdf = render_summary_pdf(arabic_summary(extra_rows=many), **ARABIC_CONTEXT)
    pages = pdf_segments(pdf, rtl=True)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"صفحة {number} من {len(pages)}" in page
        assert "125/1447" in page  # the reference in the footer


def test_english_page_x_of_y(english_pdf: bytes) -> None:
    (page,) = pdf_segments(english_pdf, rtl=False)
    assert "Page 1 of 1" in page


def test_a4_title_language_and_author(arabic_pdf: bytes, english_pdf: bytes) -> None:
    for pdf, lang, title, author in (
        (arabic_pdf, "ar", "إصدار رخصة ممارس صحي — 125/1447", "وزارة الصحة"),
        (english_pdf, "en", "Health practitioner licence — 125/1447", "Ministry of Health"),
    ):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert reader.metadata is not None
        assert reader.metadata.title == title
        assert reader.metadata.author == author
        assert reader.trailer["/Root"]["/Lang"] == lang
        for page in reader.pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert size == pytest.approx(A4, abs=0.5)


def test_arabic_runs_right_to_left_and_english_left_to_right(
    arabic_pdf: bytes, english_pdf: bytes
) -> None:
    html = render_summary_html(english_summary(), **ENGLISH_CONTEXT)
    assert '<html lang="en" dir="ltr">' in html
    assert '<html lang="ar" dir="rtl">' in render_summary_html(arabic_summary(), **ARABIC_CONTEXT)
    middle = A4[0] / 2
    english = dict(pdf_positioned(english_pdf, rtl=False)[0])
    arabic = dict(pdf_positioned(arabic_pdf, rtl=True)[0])
    # Where each line starts (its left end): labels hug the start edge (left in English,
    # right in Arabic) and answers follow them towards the end edge.
    assert english["Ministry of Health"] < 80
    assert english["Full name"] < 80 < english["Abdullah Mohammed Al-Salamah"] < middle
    assert arabic["وزارة الصحة"] > middle
    assert arabic["الاسم الكامل"] > middle > arabic["عبدالله بن محمد السلامة"]


def test_english_answers_read_back_exactly(english_pdf: bytes) -> None:
    segments = all_segments(english_pdf, rtl=False)
    for text in shown_texts(english_summary()):
        assert_drawn(text, segments)
    assert "2 Jumada al-Akhirah 1447 AH (23 November 2025) 10:15" in segments


def test_rendering_logs_no_weasyprint_warning(weasyprint_warnings) -> None:
    render_summary_pdf(arabic_summary(), **ARABIC_CONTEXT)
    render_summary_pdf(english_summary(), **ENGLISH_CONTEXT)
    assert weasyprint_warnings() == []


def test_only_shipped_fonts_are_embedded(arabic_pdf: bytes, english_pdf: bytes) -> None:
    # The Arabic summary needs nothing but IBM Plex Sans Arabic (its Latin included).
    assert embedded_fonts(arabic_pdf) == {"Khidma-Plex-Arabic", "Khidma-Plex-Arabic-Bold"}
    assert embedded_fonts(english_pdf) == {"Khidma-Plex", "Khidma-Plex-Bold"}


# ------------------------------------------------------------------ escaping


SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def hostile_summary():
    return arabic_summary(
        extra_rows=(
            Row("bio", "نبذة", SCRIPT),
            Row("photo", IMG, IMG),
            Row("mixed", "تعليق", f"مرحبا {SCRIPT}"),
        )
    )


def test_markup_in_answers_is_text_not_elements() -> None:
    parser = _Tags()
    parser.feed(render_summary_html(hostile_summary(), **ARABIC_CONTEXT))
    assert "script" not in parser.tags
    assert "img" not in parser.tags


def test_markup_in_answers_is_printed_literally(weasyprint_warnings) -> None:
    pdf = render_summary_pdf(hostile_summary(), **ARABIC_CONTEXT)
    segments = all_segments(pdf, rtl=True)
    assert SCRIPT in segments
    assert segments.count(IMG) == 2  # as a label and as an answer
    assert f"مرحبا {SCRIPT}" in segments
    assert weasyprint_warnings() == []  # nothing tried to load "x"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="'ar' or 'en'"):
        render_summary_html(arabic_summary(), **{**ARABIC_CONTEXT, "lang": "fr"})


def _files_after(answers: int, files: tuple[FileLine, ...]) -> Summary:
    rows = tuple(Row(f"q{i}", f"السؤال {i}", f"الإجابة {i}") for i in range(answers))
    section = Section("answers", "الإجابات", (*rows, Files("docs", "المرفقات", files)))
    return Summary("ar", "خدمة", "جهة", (section,), ())


def test_a_files_sha256_never_leaves_its_file_for_another_page() -> None:
    """Defect 11: a page break fell between a file's row and its SHA-256 row (the old
    layout split the first file of a table that began near the end of page 2 after 44
    answers). Each file is now one table row, holding its fingerprint, and rows never
    split; around that place each file drawn has its fingerprint on the same page."""
    files = tuple(
        FileLine(f"file-{n}.pdf", "12 KB", f"{n:02d}" * 32, "pdf", 12_288) for n in (0, 1)
    )
    html = render_summary_html(_files_after(0, files), **ARABIC_CONTEXT)
    for row in re.findall(r"<tr class=\"summary-file\">.*?</tr>", html, re.S):
        assert sum(f.name in row and f.sha256 in row for f in files) == 1
    for answers in (43, 44, 45):
        pages = pdf_segments(
            render_summary_pdf(_files_after(answers, files), **ARABIC_CONTEXT), rtl=True
        )
        assert len(pages) == 3
        for page in pages:
            for f in files:
                assert (f.name in page) == (f.sha256 in page), (answers, f.name)
