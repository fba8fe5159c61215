"""Evaluating answers: variables, computed values, visibility, requiredness, options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.evaluate import prefill_answers
from khidma.engine.identifiers import make_national_id
from khidma.engine.prefill import initial_answers

SERVICES = Path(__file__).parents[2] / "services.d"
TODAY = dt.date(2026, 3, 15)
NATIONAL_ID = make_national_id("109876543")
IDENTITY = {
    "national_id": NATIONAL_ID,
    "full_name_ar": "سلمى أحمد علي الحربي",
    "full_name_en": "Salma Ahmed Ali Alharbi",
    "mobile": "0501234567",
    "email": "salma@example.sa",
    "date_of_birth": dt.date(1990, 5, 17),
    "date_of_birth_hijri": "1410-10-22",
    "nationality": "SA",
    "gender": "female",
}


def run(definition: ServiceDefinition, answers: dict[str, Any], **kw: Any) -> State:
    return evaluate(definition, answers, today=TODAY, **kw)


# --- minimal.yaml ---------------------------------------------------------------------
def test_every_value_field_is_a_variable_with_its_empty_value(minimal: ServiceDefinition) -> None:
    state = run(minimal, {})
    assert dict(state.values) == {
        "name": None,
        "colour": None,
        "likes_warm": None,
        "people": [],
        "total_hours": 0,
        "remaining": 30,
    }
    assert state.variables["today"] == "2026-03-15"
    assert state.variables["lang"] == "ar"
    assert run(minimal, {}, lang="en").variables["lang"] == "en"
    assert state.expression_errors == ()


def test_group_items_hold_every_child(minimal: ServiceDefinition) -> None:
    state = run(minimal, {"people": [{"person_name": "Ali", "hours": 4}, {}]})
    assert state.values["people"] == [
        {"person_name": "Ali", "hours": 4},
        {"person_name": None, "hours": None},
    ]


def test_child_visibility_is_per_item(minimal: ServiceDefinition) -> None:
    # `hours` shows only when the item has a name; a hidden child's value does not count.
    state = run(minimal, {"people": [{"person_name": "Ali", "hours": 4}, {"hours": 9}]})
    assert state.is_visible("hours", 0, "people")
    assert not state.is_visible("hours", 1, "people")
    assert state.is_visible("person_name", 1, "people")
    assert state.values["total_hours"] == 4
    assert state.values["remaining"] == 26


def test_option_filter_reads_other_answers(minimal: ServiceDefinition) -> None:
    warm = run(minimal, {"likes_warm": True})
    cold = run(minimal, {"likes_warm": False})
    unanswered = run(minimal, {})
    assert [o.value for o in warm.options_for("colour")] == ["red"]
    assert [o.value for o in cold.options_for("colour")] == ["blue"]
    assert unanswered.options_for("colour") == ()


def test_a_failing_expression_never_crashes(minimal: ServiceDefinition) -> None:
    # Text where the expression expects numbers: the sum fails, so does what reads it.
    state = run(minimal, {"people": [{"person_name": "Ali", "hours": "many"}]})
    assert state.values["total_hours"] is None
    assert state.values["remaining"] is None
    owners = {(p.owner, p.kind) for p in state.expression_errors}
    assert owners == {("total_hours", "expression"), ("remaining", "expression")}


def test_required(minimal: ServiceDefinition) -> None:
    assert run(minimal, {}).required == {"name"}


def test_unknown_ids_and_computed_answers_are_ignored(minimal: ServiceDefinition) -> None:
    state = run(minimal, {"total_hours": 999, "nonsense": 1})
    assert state.values["total_hours"] == 0
    assert "nonsense" not in state.values


# --- engine_permit.yaml ---------------------------------------------------------------
def test_dependent_list_is_filtered_by_another_answer(permit: ServiceDefinition) -> None:
    riyadh = run(permit, {"region": "riyadh"})
    makkah = run(permit, {"region": "makkah"})
    assert [o.value for o in riyadh.options_for("city")] == ["riyadh_city", "kharj"]
    assert [o.value for o in makkah.options_for("city")] == ["jeddah"]
    assert run(permit, {}).options_for("city") == ()


def test_department_is_shown_and_required_only_for_its_type(permit: ServiceDefinition) -> None:
    visit = run(permit, {"request_type": "visit", "department": "hr"})
    department = run(permit, {"request_type": "department", "department": "hr"})
    assert "department" not in visit.visible and "department" not in visit.required
    assert "department" in department.visible and "department" in department.required
    # A hidden field's stale answer is not seen by anything.
    assert visit.values["department"] is None
    assert "meeting_topic" not in visit.visible
    assert "meeting_topic" in department.visible


def test_lookup_reads_option_attributes(permit: ServiceDefinition) -> None:
    it = run(permit, {"request_type": "department", "department": "it"})
    assert "meeting_topic" in it.visible
    unknown = run(permit, {"request_type": "department", "department": "nope"})
    assert "meeting_topic" not in unknown.visible
    assert [p.owner for p in unknown.expression_errors] == ["meeting_topic"]


def test_a_step_shown_on_a_condition_hides_its_fields(permit: ServiceDefinition) -> None:
    visit = run(permit, {"request_type": "visit", "courses": [{"course_hours": 4}]})
    assert visit.visible_steps == ("applicant", "request")
    assert "courses" not in visit.visible and "remaining_hours" not in visit.visible
    assert visit.values["courses"] == []
    department = run(permit, {"request_type": "department"})
    assert department.visible_steps == ("applicant", "request", "training")


@pytest.mark.parametrize(
    ("hours", "remaining"),
    [([], 10), ([4], 6), ([4, 3], 3), ([4, 3, 3], 0), ([4, 3, 3, 8], 0), ([None, 2], 8)],
)
def test_computed_hours_fall_as_items_are_added(
    permit: ServiceDefinition, hours: list[int | None], remaining: int
) -> None:
    courses = [{"course_name": "c", "course_hours": h} for h in hours]
    state = run(permit, {"request_type": "department", "courses": courses})
    assert state.values["remaining_hours"] == remaining
    assert state.expression_errors == ()


def test_file_required_on_a_condition(permit: ServiceDefinition) -> None:
    assert "vehicle_licence" in run(permit, {"has_vehicle": True}).required
    assert "vehicle_licence" not in run(permit, {"has_vehicle": False}).required
    assert "vehicle_licence" not in run(permit, {}).required
    assert "vehicle_licence" in run(permit, {}).visible


def test_child_required_on_a_condition_per_item(permit: ServiceDefinition) -> None:
    courses = [{"has_certificate": True}, {"has_certificate": False}]
    state = run(permit, {"request_type": "department", "courses": courses})
    assert state.is_required("certificate", 0, "courses")
    assert not state.is_visible("certificate", 1, "courses")
    assert not state.is_required("certificate", 1, "courses")
    assert state.is_required("course_name", 1, "courses")


def test_locked_fields_hold_the_identity_and_default(permit: ServiceDefinition) -> None:
    tampered = {"national_id": make_national_id("111111111"), "required_hours": 0}
    state = run(permit, {**tampered, "request_type": "department"}, identity=IDENTITY)
    assert state.values["national_id"] == NATIONAL_ID
    assert state.values["birth_date"] == "1990-05-17"
    assert state.values["required_hours"] == 10
    # Without an identity (staff viewing a stored request) the stored answer stands.
    assert run(permit, tampered).values["national_id"] == tampered["national_id"]


def test_prefill_answers_are_normalised(permit: ServiceDefinition) -> None:
    assert prefill_answers(permit, IDENTITY) == {
        "national_id": NATIONAL_ID,
        "full_name": "سلمى أحمد علي الحربي",
        "mobile": "+966501234567",
        "birth_date": "1990-05-17",
    }
    assert prefill_answers(permit, {"mobile": "+971501234567"}) == {}
    assert prefill_answers(permit, None) == {}


def test_initial_answers_add_defaults(permit: ServiceDefinition) -> None:
    initial = initial_answers(permit, IDENTITY)
    assert initial["required_hours"] == 10
    assert initial["mobile"] == "+966501234567"


# --- the services colleagues are writing ------------------------------------------------
def _services() -> list[ServiceDefinition]:
    return load([SERVICES]).services if SERVICES.is_dir() else []


@pytest.mark.parametrize("definition", _services(), ids=lambda d: d.id)
def test_real_services_evaluate_without_crashing(definition: ServiceDefinition) -> None:
    state = run(definition, {}, identity=IDENTITY)
    assert state.visible_steps
    run(definition, prefill_answers(definition, IDENTITY), lang="en")


# --- one evaluation a request: holds_for ----------------------------------------------
def test_a_state_holds_for_answers_that_read_the_same(minimal: ServiceDefinition) -> None:
    from khidma.engine.evaluate import holds_for

    stored = {"people": [{"person_name": "Ali", "hours": 4}, {}]}
    state = run(minimal, stored)
    # an unanswered field and an absent one read the same; so do {} and empty children
    same = {"people": [{"person_name": "Ali", "hours": 4}, {"person_name": None}]}
    assert holds_for(state, minimal, same, today=TODAY, lang="ar")
    assert run(minimal, same) == state
    other = {"people": [{"person_name": "Ali", "hours": 5}, {}]}
    assert not holds_for(state, minimal, other, today=TODAY, lang="ar")
    assert not holds_for(state, minimal, stored, today=TODAY + dt.timedelta(days=1), lang="ar")


def test_a_state_in_another_language_holds_only_when_no_expression_reads_lang(
    minimal: ServiceDefinition,
) -> None:
    from khidma.engine.evaluate import holds_for

    traffic = next(
        s for s in load([SERVICES]).services if s.id == "traffic"
    )  # its computed lists read `lang`
    for definition, serves in ((minimal, True), (traffic, False)):
        state = run(definition, {}, lang="en")
        assert holds_for(state, definition, {}, today=TODAY, lang="en")
        assert holds_for(state, definition, {}, today=TODAY, lang="ar") is serves
