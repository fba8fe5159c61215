"""The wizard's path: instructions, visible steps, review; next, previous, completeness."""

from __future__ import annotations

import datetime as dt
from typing import Any

from khidma.definitions.model import ServiceDefinition
from khidma.engine.identifiers import make_national_id
from khidma.engine.validate import validate_step
from khidma.engine.wizard import INSTRUCTIONS
from khidma.engine.wizard import REVIEW
from khidma.engine.wizard import Wizard
from khidma.engine.wizard import plan

TODAY = dt.date(2026, 3, 15)
IDENTITY = {"national_id": make_national_id("109876543"), "date_of_birth": "1990-05-17"}
APPLICANT = {"full_name": "سلمى", "mobile": "0501234567", "region": "riyadh", "city": "kharj"}
REQUEST = {"request_type": "visit", "visit_date": "2026-03-20", "has_vehicle": "no"}


def wizard(definition: ServiceDefinition, answers: dict[str, Any], **kw: Any) -> Wizard:
    return plan(definition, answers, today=TODAY, identity=IDENTITY, **kw)


def fill(definition: ServiceDefinition, *posts: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for step_id, raw in posts:
        answers, errors, _ = validate_step(
            definition, step_id, raw, answers, today=TODAY, identity=IDENTITY
        )
        assert errors == []
    return answers


def ids(pages: Any) -> list[str]:
    return [p.id for p in pages]


def test_instructions_come_first_and_review_last(permit: ServiceDefinition) -> None:
    w = wizard(permit, {})
    assert ids(w.pages) == [INSTRUCTIONS, "applicant", "request", REVIEW]
    assert [p.number for p in w.pages] == [0, 1, 2, 3]
    assert [p.kind for p in w.pages] == ["instructions", "step", "step", "review"]
    assert w.pages[0].title.en == "Instructions"
    assert ids(w.steps) == ["applicant", "request"]


def test_a_conditional_step_joins_the_path(permit: ServiceDefinition) -> None:
    w = wizard(permit, {"request_type": "department"})
    assert ids(w.pages) == [INSTRUCTIONS, "applicant", "request", "training", REVIEW]
    assert w.page(REVIEW) is not None and w.page(REVIEW).number == 4
    assert wizard(permit, {}).page("training") is None


def test_next_and_previous_skip_hidden_steps(permit: ServiceDefinition) -> None:
    w = wizard(permit, {"request_type": "visit"})
    assert w.next(INSTRUCTIONS).id == "applicant"
    assert w.next("request").id == REVIEW
    assert w.previous(REVIEW).id == "request"
    assert w.previous(INSTRUCTIONS) is None
    assert w.next(REVIEW) is None
    assert w.next("training") is None and w.previous("training") is None


def test_completeness_and_first_incomplete(permit: ServiceDefinition) -> None:
    w = wizard(permit, {})
    assert w.complete == frozenset()
    assert w.first_incomplete().id == INSTRUCTIONS
    assert not w.can_open("applicant")

    answers = fill(permit, ("applicant", APPLICANT))
    w = wizard(permit, answers, instructions_accepted=True)
    assert w.complete == {INSTRUCTIONS, "applicant"}
    assert w.first_incomplete().id == "request"
    assert w.can_open("request") and not w.can_open(REVIEW)
    assert [e.field_id for e in w.errors_of("request", permit)] == [
        "request_type",
        "visit_date",
        "has_vehicle",
    ]

    answers = fill(permit, ("applicant", APPLICANT), ("request", REQUEST))
    w = wizard(permit, answers, instructions_accepted=True)
    assert w.complete == {INSTRUCTIONS, "applicant", "request"}
    assert w.first_incomplete().id == REVIEW
    assert w.can_open(REVIEW)


def test_a_newly_shown_step_makes_the_path_incomplete(permit: ServiceDefinition) -> None:
    department = {**REQUEST, "request_type": "department", "department": "hr"}
    answers = fill(permit, ("applicant", APPLICANT), ("request", department))
    w = wizard(permit, answers, instructions_accepted=True)
    # The training step has nothing required, so it is complete unless visits are tracked.
    assert "training" in w.complete
    w = wizard(permit, answers, instructions_accepted=True, visited={"applicant", "request"})
    assert w.first_incomplete().id == "training"


def test_no_instructions_no_page_zero(minimal: ServiceDefinition) -> None:
    w = wizard(minimal, {"name": "x"})
    assert ids(w.pages) == ["about", REVIEW]
    assert w.pages[0].number == 1
    assert w.pages[-1].title.en == "Check your answers"
    assert w.first_incomplete().id == REVIEW
