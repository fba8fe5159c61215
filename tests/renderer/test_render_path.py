"""One render path: every output walks the same tree through the same per-kind
templates, and none of them works out what a block is from its attributes."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from khidma.renderer.summary import EMAIL
from khidma.renderer.summary import PAGE
from khidma.renderer.summary import PDF
from khidma.renderer.summary import TEXT
from khidma.renderer.summary import render_html
from khidma.renderer.summary import render_text
from khidma.renderer.summary import runs
from pdf_samples import arabic_summary
from pdf_samples import english_summary

from khidma.engine import summary as tree

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "renderer"
KINDS = RENDERER / "templates" / "summary" / "kinds"


def block_kinds() -> set[str]:
    return {cls.kind for cls in typing.get_args(tree.Block)}


def test_every_block_kind_has_its_html_and_text_template() -> None:
    assert block_kinds() == {"row", "table", "files"}
    for kind in (*block_kinds(), "declarations"):
        assert (KINDS / f"{kind}.html").is_file(), kind
        assert (KINDS / f"{kind}.txt").is_file(), kind


def test_no_output_asks_a_block_what_it_is() -> None:
    """Outputs dispatch on `kind`: no `hasattr`, `is defined` or isinstance on blocks."""
    sources = [*RENDERER.glob("*.py"), *(RENDERER / "templates").rglob("*.html")]
    sources += [*(RENDERER / "templates").rglob("*.txt")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(block|run|row|table|files)\.\w+ is (not )?defined", text), path
        assert not re.search(r"hasattr\((block|row|line|file)", text), path
        assert not re.search(r"isinstance\(block", text), path


def test_runs_gather_consecutive_blocks_of_a_kind() -> None:
    blocks = arabic_summary().sections[0].blocks
    (only,) = runs(blocks)
    assert only.kind == "row" and len(only.blocks) == len(blocks)
    mixed = (blocks[0], *english_summary().sections[1].blocks, blocks[1], blocks[2])
    assert [(r.kind, len(r.blocks)) for r in runs(mixed)] == [("row", 1), ("table", 1), ("row", 2)]


@pytest.mark.parametrize("mode", [PAGE, PDF, EMAIL])
def test_every_html_output_shows_every_answer(mode) -> None:
    summary = english_summary()
    html = render_html(summary, mode)
    for section in summary.sections:
        assert section.title in html
        for block in section.blocks:
            assert block.label in html
    assert "Abdullah Mohammed Al-Salamah" in html and "King Fahd Hospital" in html
    assert "degree.pdf" in html and "1.2 MB" in html
    assert "I confirm that the information is correct." in html  # accepted: listed


def test_the_text_output_shows_every_answer_too() -> None:
    text = render_text(english_summary(), TEXT)
    assert "Full name: Abdullah Mohammed Al-Salamah" in text
    assert "1. Employer: King Fahd Hospital; Job title: Nurse; Years: 3" in text
    assert "- degree.pdf (PDF, 1.2 MB)" in text
    assert "Accepted on: 2 Jumada al-Akhirah 1447 AH (23 November 2025) 10:15" in text
    with pytest.raises(ValueError, match="render_text"):
        render_html(english_summary(), TEXT)


def test_change_links_only_where_a_page_asks_for_them() -> None:
    summary = english_summary()
    page = render_html(summary, PAGE.but(change_url=lambda field: f"/change/{field}"))
    assert page.count('class="summary-change"') == 5  # 3 answers, the table, the files
    assert 'href="/change/jobs"' in page
    for mode in (PAGE, PDF, EMAIL):
        assert "summary-change" not in render_html(summary, mode)
