"""The fonts shipped for PDFs: present, licensed, loadable, and all a PDF ever embeds."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from khidma.renderer.fonts import FACES
from khidma.renderer.fonts import STACKS
from khidma.renderer.fonts import font_face_css
from khidma.renderer.pdf import STATIC_DIR
from khidma.renderer.pdf import render_pdf
from khidma.renderer.pdf import static_path
from pdftext import embedded_fonts
from pdftext import pdf_text

EXPECTED_FAMILIES = {
    "fonts/IBMPlexSansArabic-Regular.woff": "IBM Plex Sans Arabic",
    "fonts/IBMPlexSansArabic-Bold.woff": "IBM Plex Sans Arabic",
    "fonts/IBMPlexSans-Regular.woff": "IBM Plex Sans",
    "fonts/IBMPlexSans-Bold.woff": "IBM Plex Sans",
    "fonts/NotoNaskhArabic-Regular.ttf": "Noto Naskh Arabic",
    "fonts/NotoNaskhArabic-Bold.ttf": "Noto Naskh Arabic",
}


@pytest.mark.parametrize("face", FACES, ids=lambda f: f.file)
def test_each_face_is_the_font_it_claims_with_its_licence(face) -> None:
    font = TTFont(STATIC_DIR / face.file)
    assert font["name"].getDebugName(1) == EXPECTED_FAMILIES[face.file]
    assert font["OS/2"].usWeightClass == face.weight
    licence = (STATIC_DIR / face.licence).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_arabic_faces_cover_arabic_and_the_latin_face_covers_latin() -> None:
    for face in FACES:
        cmap = TTFont(STATIC_DIR / face.file).getBestCmap()
        if "Arabic" in face.file:
            assert all(ord(c) in cmap for c in "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى٠١٢٣٤٥٦٧٨٩")
        if "IBMPlex" in face.file:
            assert all(ord(c) in cmap for c in "AZaz09@.-+()«»")


def test_the_fonts_stay_small() -> None:
    total = sum((STATIC_DIR / face.file).stat().st_size for face in FACES)
    assert total < 800 * 1024


def test_every_font_url_is_served_by_the_fetcher() -> None:
    css = font_face_css()
    for face in FACES:
        assert f'"khidma-static:{face.file}"' in css
        assert static_path(f"khidma-static:{face.file}").is_file()
    for lang in STACKS:
        assert f"html:lang({lang})" in css


def test_a_document_in_any_language_draws_arabic_and_latin_with_shipped_fonts(
    weasyprint_warnings,
) -> None:
    for lang, direction in (("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")):
        html = (
            f'<!doctype html><html lang="{lang}" dir="{direction}"><title>t</title>'
            "<p>مرحبا</p><p>Hello Ğ ā</p><p><b>عريض</b> <b>Bold</b></p></html>"
        )
        out = render_pdf(html)
        text = pdf_text(out, rtl=direction == "rtl")
        assert "مرحبا" in text and "Hello Ğ ā" in text and "عريض" in text
        fonts = embedded_fonts(out)
        assert {"Khidma-Plex-Arabic", "Khidma-Plex-Arabic-Bold"} <= fonts
        assert all(name.startswith("Khidma-") for name in fonts), fonts
    assert weasyprint_warnings() == []
