"""Issue 7's "done when": a new field type is one module plus one template.

The `colour` type (tests/wizard/colour/colour.py and its template beside it) joins a
test registry — the platform's registry is untouched — and a service using it is
validated, drawn in a step, shown on the review page, printed in the summary PDF and
exported as JSON, with no other change to the platform."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint
from sqlalchemy import select

from khidma.definitions.loader import compile_text
from khidma.engine.summary import build_summary
from khidma.engine.validate import validate_step
from khidma.fields import registry
from khidma.storage.models import Submission
from tests.drivers import WizardDriver
from tests.drivers import errors_in
from tests.drivers import sign_in
from tests.wizard.colour.colour import Colour

HERE = Path(__file__).parent / "colour"
TYPES = registry.with_types(Colour)

_spec = importlib.util.spec_from_file_location(
    "pdftext", Path(__file__).resolve().parents[1] / "renderer" / "pdftext.py"
)
assert _spec and _spec.loader
pdftext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pdftext)


def _definition() -> Any:
    text = (HERE / "colour_service.yaml").read_text(encoding="utf-8")
    return compile_text(text, "colour_service.yaml", types=TYPES)


def test_the_platform_registry_does_not_know_the_test_type() -> None:
    assert "colour" in TYPES and "colour" not in registry


def test_the_new_type_is_validated_by_its_own_rules() -> None:
    import datetime as dt

    definition = _definition()
    answers, errors, _ = validate_step(
        definition, "choice", {"colour": "#1B8354"}, {}, today=dt.date(2026, 3, 1)
    )
    assert errors == [] and answers["colour"] == "#1b8354"
    errors = validate_step(
        definition, "choice", {"colour": "green"}, {}, today=dt.date.today()
    ).errors
    assert [e.code for e in errors] == ["colour.invalid"]
    assert errors[0].message(definition, "en") == "Enter Favourite colour as #RRGGBB"
    assert errors[0].message(definition, "ar") == "أدخل اللون المفضل بالصيغة ‎#RRGGBB"


@pytest.fixture
def colour_app(app: Any) -> Any:
    app.register_blueprint(Blueprint("colour_type", __name__, template_folder=HERE / "templates"))
    services = app.extensions["khidma.registry"]
    services.replace([*services.services(), _definition()])
    return app


def test_the_new_type_is_drawn_reviewed_printed_and_exported(colour_app: Any) -> None:
    citizen = sign_in(colour_app, "citizen")
    w = WizardDriver(colour_app, citizen, "colour_request")
    page = citizen.get(w.url).get_data(as_text=True)
    assert 'type="color"' in page and 'name="colour"' in page and "block colour" in page

    refused = w.fill_step(colour="not a colour")
    assert refused.status_code == 200  # the step again, with its error
    assert errors_in(refused.get_data(as_text=True)) == ["أدخل اللون المفضل بالصيغة ‎#RRGGBB"]

    assert w.fill_step(colour="#1B8354").status_code == 302
    review = citizen.get(w.url).get_data(as_text=True)
    assert "أخضر سعودي (1B8354)" in review

    assert w.submit().status_code == 302
    with colour_app.extensions["khidma.db"].session() as s:
        submission = s.scalar(select(Submission))
        token, answers = submission.token, submission.answers
    assert answers["colour"] == "#1b8354"
    pdf = citizen.get(f"/account/requests/{token}/summary.pdf")
    assert pdf.status_code == 200
    lines = [line for page in pdftext.pdf_segments(pdf.data, rtl=True) for line in page]
    assert pdftext.is_drawn("أخضر سعودي (1B8354)", lines)

    exported = build_summary(w.definition, answers, "en").export()
    row = exported["sections"][0]["blocks"][0]
    assert row["label"] == "Favourite colour" and row["text"] == "Saudi green (1B8354)"
    assert row["value"] == {"hex": "#1b8354"}
