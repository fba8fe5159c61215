"""The service guide PDF, from plain data and from a compiled service definition."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from khidma.renderer.guide import guide_context
from khidma.renderer.guide import render_guide_html
from khidma.renderer.guide import render_guide_pdf
from pdf_samples import GUIDE
from pdftext import is_drawn
from pdftext import pdf_segments

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition

SERVICES = Path(__file__).resolve().parents[2] / "services.d"


@pytest.fixture(scope="module")
def mumaris() -> ServiceDefinition:
    result = load([SERVICES])
    assert result.problems == []
    return next(s for s in result.services if s.id == "mumaris_renewal")


def lines(pdf: bytes, *, rtl: bool) -> list[str]:
    return [line for page in pdf_segments(pdf, rtl=rtl) for line in page]


def test_plain_data_guide_in_arabic(weasyprint_warnings) -> None:
    out = render_guide_pdf(GUIDE, lang="ar", generated_at="2 جمادى الآخرة 1447 هـ (2025/11/23)")
    drawn = lines(out, rtl=True)
    for text in (
        "وزارة الشؤون البلدية والقروية",
        "إصدار رخصة بلدية",
        "دليل الخدمة",
        "2 جمادى الآخرة 1447 هـ (2025/11/23)",
        "إصدار رخصة بلدية للمحلات التجارية",
        "تتيح هذه الخدمة إصدار رخصة بلدية جديدة.",
        "تصدر الرخصة إلكترونياً.",
        "الشروط والأحكام",
        "أن يكون السجل التجاري ساري المفعول",
        "المستندات المطلوبة",
        "عقد الإيجار",
        "رسوم الخدمة",
        "300 ريال",
        "مدة تنفيذ الخدمة",
        "ثلاثة أيام عمل",
        "قنوات بديلة للحصول على الخدمة",
        "منصة بلدي — على الإنترنت",
        "تطبيق بلدي",
        "خطوات التقديم",
        "بيانات المنشأة",
        "اسم المنشأة",
        "رقم السجل التجاري",
        "الفروع",
        "مدينة الفرع",
        "صورة الهوية",
        "صفحة 1 من 1",
    ):
        assert text in drawn, text
    assert "معرف داخلي" not in drawn  # a hidden field is not something a citizen fills
    assert weasyprint_warnings() == []


def test_plain_data_guide_in_english() -> None:
    out = render_guide_pdf(GUIDE, lang="en")
    drawn = lines(out, rtl=False)
    for text in ("Issue a municipal licence", "SAR 300", "Balady platform — Online", "Branch city"):
        assert text in drawn
    reader = pypdf.PdfReader(io.BytesIO(out))
    assert reader.metadata is not None
    assert reader.metadata.title == "Issue a municipal licence — Service guide"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_guide_of_a_compiled_definition(mumaris: ServiceDefinition) -> None:
    context = guide_context(mumaris, lang="ar")
    assert context["title"] == mumaris.title.ar
    assert context["agency"] == mumaris.agency.name.ar
    assert context["fees"] == [
        "300 ريال",
        "تدفع بعد الموافقة على الطلب",
        "سداد · البطاقة الائتمانية أو مدى · الحساب البنكي",
        mumaris.fees.note.ar,  # type: ignore[union-attr]
    ]
    assert [s["title"] for s in context["steps"]] == [s.title.ar for s in mumaris.steps]
    out = render_guide_pdf(mumaris, lang="ar")
    drawn = lines(out, rtl=True)
    for step in mumaris.steps:
        assert step.title.ar in drawn
    for text in (mumaris.description.ar, *(t.ar for t in mumaris.terms)):
        assert is_drawn(text, drawn), text
    labels = [f.label.ar for f in mumaris.steps[0].fields if f.label is not None]
    assert labels and all(label in drawn for label in labels)


def test_guide_fees_free_and_computed() -> None:
    free = guide_context({"title": "t", "fees": {"kind": "none"}}, lang="en")
    assert free["fees"] == ["No fees"]
    computed = guide_context(
        {
            "title": "t",
            "fees": {"kind": "computed", "note": {"ar": "حسب المساحة", "en": "By area"}},
        },
        lang="ar",
    )
    assert computed["fees"] == ["تحسب حسب الطلب", "حسب المساحة"]
    assert guide_context({"title": "t", "fees": "مجانية"}, lang="ar")["fees"] == ["مجانية"]


def test_guide_escapes_its_texts() -> None:
    html = render_guide_html({"title": "<script>alert(1)</script>"}, lang="en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_fee_note_that_repeats_the_fee_line_is_printed_once() -> None:
    """Defect 8: emirate_visit's note "لا يوجد رسوم" repeated the "no fees" line."""
    emirate = next(s for s in load([SERVICES]).services if s.id == "emirate_visit")
    assert emirate.fees.note is not None and emirate.fees.note.ar == "لا يوجد رسوم"
    assert guide_context(emirate, lang="ar")["fees"] == ["لا يوجد رسوم"]
    assert guide_context(emirate, lang="en")["fees"] == ["No fees"]
    drawn = lines(render_guide_pdf(emirate, lang="ar"), rtl=True)
    assert drawn.count("لا يوجد رسوم") == 1
    kept = guide_context({"title": "t", "fees": {"kind": "none", "note": "بعد الموعد"}}, lang="ar")
    assert kept["fees"] == ["لا يوجد رسوم", "بعد الموعد"]  # a note that adds something stays
