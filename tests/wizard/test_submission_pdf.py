"""The PDF summary of a real submission: every Arabic label and answer reads back exactly,
and text the citizen typed stays text."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from sqlalchemy import select

from khidma.engine.summary import Files
from khidma.engine.summary import Row
from khidma.engine.summary import Table
from khidma.engine.summary import build_summary
from khidma.storage.models import Submission
from tests.wizard.test_wizard_web import SCRIPT
from tests.wizard.test_wizard_web import complete_emirate

_spec = importlib.util.spec_from_file_location(
    "pdftext", Path(__file__).resolve().parents[1] / "renderer" / "pdftext.py"
)
assert _spec and _spec.loader
pdftext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pdftext)


def _submitted_pdf(app: Any, citizen: Any, **overrides: Any) -> tuple[Any, bytes, str, dict]:
    w = complete_emirate(app, citizen, **overrides)
    assert w.submit().status_code == 302
    with app.extensions["khidma.db"].session() as s:
        submission = s.scalar(select(Submission))
        token, reference, answers = submission.token, submission.reference, submission.answers
    response = citizen.get(f"/account/requests/{token}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return w, response.data, reference, answers


def test_every_arabic_label_and_answer_reads_back_exactly(app: Any, citizen: Any) -> None:
    w, pdf, reference, answers = _submitted_pdf(
        app,
        citizen,
        appointment={"visit_subject": "مناقشة طلب ترميم «المدرسة» في حي الفيصلية، ١٤٤٨"},
    )
    lines = [line for page in pdftext.pdf_segments(pdf, rtl=True) for line in page]
    definition = w.definition
    summary = build_summary(definition, answers, "ar")
    expected: list[str] = [definition.title.ar, definition.agency.name.ar, reference]
    for section in summary.sections:
        expected.append(section.title)
        for block in section.blocks:
            expected.append(block.label)
            if isinstance(block, Row):
                expected.append(block.value)
            elif isinstance(block, Table):
                expected += list(block.columns)
                expected += [cell for row in block.rows for cell in row if cell]
            elif isinstance(block, Files):
                expected += [f.name for f in block.files] + [f.sha256 for f in block.files]
    missing = [text for text in expected if text and not pdftext.is_drawn(text, lines)]
    assert missing == [], missing


def test_typed_markup_is_printed_as_text(app: Any, citizen: Any) -> None:
    _, pdf, _, _ = _submitted_pdf(app, citizen, appointment={"visit_subject": SCRIPT + " موضوع"})
    lines = [line for page in pdftext.pdf_segments(pdf, rtl=True) for line in page]
    assert any(SCRIPT in line for line in lines)
    assert b"<script" not in pdf  # not as markup anywhere in the file
