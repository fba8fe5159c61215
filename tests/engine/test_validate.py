"""Validating a posted step and, at submit time, the whole submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khidma.definitions.model import ServiceDefinition
from khidma.engine import messages
from khidma.engine.errors import FieldError
from khidma.engine.identifiers import make_national_id
from khidma.engine.validate import refused_inputs
from khidma.engine.validate import validate_declarations
from khidma.engine.validate import validate_step
from khidma.engine.validate import validate_submission

TODAY = dt.date(2026, 3, 15)
NATIONAL_ID = make_national_id("109876543")
IDENTITY = {
    "national_id": NATIONAL_ID,
    "full_name_ar": "سلمى أحمد",
    "mobile": "0501234567",
    "date_of_birth": "1990-05-17",
}
SHA = "b" * 64


def ref(name: str = "licence.pdf", kind: str = "pdf", size: int = 2048) -> dict[str, Any]:
    return {"id": f"blob-{name}", "name": name, "size": size, "kind": kind, "sha256": SHA}


def step(
    definition: ServiceDefinition,
    step_id: str,
    raw: dict[str, Any],
    answers: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    new_answers, errors, _ = validate_step(
        definition, step_id, raw, answers or {}, today=TODAY, identity=IDENTITY
    )
    return new_answers, errors


def codes(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in errors]


APPLICANT = {"full_name": " سلمى ", "mobile": "٠٥٠ ١٢٣ ٤٥٦٧", "region": "riyadh", "city": "kharj"}
REQUEST = {"request_type": "visit", "visit_date": "2026-03-20", "has_vehicle": "no"}
TRAINING = {"courses": [{"course_name": "Safety", "course_hours": "10"}]}


def complete_answers(permit: ServiceDefinition, request: dict[str, Any]) -> dict[str, Any]:
    answers, errors = step(permit, "applicant", APPLICANT)
    assert errors == []
    answers, errors = step(permit, "request", request, answers)
    assert errors == []
    return answers


# --- one step ---------------------------------------------------------------------------
def test_a_good_step_is_normalised_into_the_answers(permit: ServiceDefinition) -> None:
    answers, errors = step(permit, "applicant", APPLICANT, {"other_step_field": 1})
    assert errors == []
    assert answers == {
        "other_step_field": 1,  # other steps are untouched
        "national_id": NATIONAL_ID,  # locked: from the identity, never posted
        "full_name": "سلمى",
        "mobile": "+966501234567",
        "birth_date": "1990-05-17",
        "channel": "web",  # hidden: its default
        "region": "riyadh",
        "city": "kharj",
    }


def test_required_fields_and_what_was_typed_is_kept(permit: ServiceDefinition) -> None:
    raw = {"full_name": "", "mobile": "0112345678", "region": "riyadh"}
    answers, errors = step(permit, "applicant", raw, {"mobile": "+966501234567"})
    assert codes(errors) == [
        ("full_name", "required"),
        ("mobile", "mobile.invalid"),
        ("city", "required"),
    ]
    # The refused mobile is not stored (not even the old one); its error carries the input.
    assert "mobile" not in answers
    assert errors[1].raw == "0112345678"
    assert answers["region"] == "riyadh"


def test_an_option_outside_the_filtered_list_is_refused(permit: ServiceDefinition) -> None:
    answers, errors = step(permit, "applicant", {**APPLICANT, "city": "jeddah"})
    assert codes(errors) == [("city", "option.invalid")]
    assert errors[0].raw == "jeddah"
    assert "city" not in answers


def test_a_posted_readonly_value_changes_nothing(permit: ServiceDefinition) -> None:
    other = make_national_id("222222222")
    answers, _ = step(permit, "applicant", {**APPLICANT, "national_id": other, "channel": "x"})
    assert answers["national_id"] == NATIONAL_ID
    assert answers["channel"] == "web"


def test_a_field_hidden_by_the_same_post_is_dropped(permit: ServiceDefinition) -> None:
    raw = {**REQUEST, "department": "hr", "meeting_topic": "budget"}
    answers, errors = step(permit, "request", raw, {"department": "it"})
    assert errors == []
    assert "department" not in answers and "meeting_topic" not in answers


def test_field_shown_for_one_type_is_then_required(permit: ServiceDefinition) -> None:
    raw = {**REQUEST, "request_type": "department"}
    _, errors = step(permit, "request", raw)
    assert codes(errors) == [("department", "required")]


def test_a_rule_uses_the_definition_message(permit: ServiceDefinition) -> None:
    _, errors = step(permit, "request", {**REQUEST, "people": "6"})
    assert codes(errors) == [("people", "rule")]
    assert errors[0].message(permit, "en") == "A visit is for at most 5 people"
    ok, errors = step(
        permit,
        "request",
        {**REQUEST, "request_type": "department", "department": "hr", "people": "6"},
    )
    assert errors == [] and ok["people"] == 6


def test_conditionally_required_file(permit: ServiceDefinition) -> None:
    _, errors = step(permit, "request", {**REQUEST, "has_vehicle": "yes"})
    assert codes(errors) == [("vehicle_licence", "file.required")]
    answers, errors = step(
        permit, "request", {**REQUEST, "has_vehicle": "yes", "vehicle_licence": [ref()]}
    )
    assert errors == [] and answers["vehicle_licence"] == [ref()]
    _, errors = step(permit, "request", {**REQUEST, "vehicle_licence": [ref("car.png", "png")]})
    assert codes(errors) == [("vehicle_licence", "file.type")]


def test_group_items_are_checked_one_by_one(permit: ServiceDefinition) -> None:
    base = complete_answers(permit, {**REQUEST, "request_type": "department", "department": "hr"})
    raw = {
        "courses": [
            {"course_name": "First aid", "course_hours": "٣"},
            {"course_name": "", "course_hours": "x"},
            {"course_name": "Fire", "course_hours": "2", "has_certificate": "yes"},
        ]
    }
    answers, errors = step(permit, "training", raw, base)
    assert codes(errors) == [
        ("courses.1.course_name", "required"),
        ("courses.1.course_hours", "integer.invalid"),
        ("courses.2.certificate", "file.required"),
    ]
    assert errors[1].raw == "x" and errors[1].input_id == "course_hours"
    assert refused_inputs(errors) == {"courses.1.course_hours": "x"}
    assert answers["courses"][0] == {
        "course_name": "First aid",
        "course_hours": 3,
        "has_certificate": None,
        "certificate": [],
    }
    assert errors[2].message(permit, "en", in_summary=True) == "Course 3: Upload Certificate"


def test_group_item_count(permit: ServiceDefinition) -> None:
    base = complete_answers(permit, {**REQUEST, "request_type": "department", "department": "hr"})
    five = [{"course_name": f"c{i}", "course_hours": "1"} for i in range(5)]
    _, errors = step(permit, "training", {"courses": five}, base)
    assert codes(errors) == [("courses", "group.too_many")]
    _, errors = step(permit, "training", {"courses": "junk"}, base)
    assert codes(errors) == [("courses", "value.invalid")]


# --- the whole submission -----------------------------------------------------------------
def submit(
    definition: ServiceDefinition, answers: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    clean, errors, _ = validate_submission(definition, answers, today=TODAY, identity=IDENTITY)
    return clean, errors


def test_a_complete_submission_is_clean_and_stable(permit: ServiceDefinition) -> None:
    answers = complete_answers(
        permit, {**REQUEST, "request_type": "department", "department": "hr"}
    )
    answers, errors = step(permit, "training", TRAINING, answers)
    assert errors == []
    clean, errors = submit(permit, answers)
    assert errors == []
    assert clean["remaining_hours"] == 0 and clean["required_hours"] == 10
    assert submit(permit, clean) == (clean, [])


def test_tampered_submission_hidden_field_is_dropped(permit: ServiceDefinition) -> None:
    answers = complete_answers(permit, REQUEST)
    tampered = {**answers, "department": "hr", "courses": TRAINING["courses"], "evil": "x"}
    clean, errors = submit(permit, tampered)
    assert errors == []
    assert "department" not in clean and "courses" not in clean and "evil" not in clean
    assert "remaining_hours" not in clean  # its step is hidden


def test_tampered_submission_computed_value_is_recomputed(permit: ServiceDefinition) -> None:
    answers = complete_answers(
        permit, {**REQUEST, "request_type": "department", "department": "hr"}
    )
    answers, _ = step(
        permit, "training", {"courses": [{"course_name": "a", "course_hours": 4}]}, answers
    )
    clean, errors = submit(permit, {**answers, "remaining_hours": 0})
    assert clean["remaining_hours"] == 6
    assert errors == []


def test_tampered_submission_option_outside_filtered_list(permit: ServiceDefinition) -> None:
    answers = complete_answers(permit, REQUEST)
    clean, errors = submit(permit, {**answers, "city": "jeddah"})  # a Makkah city for Riyadh
    assert codes(errors) == [("city", "option.invalid")]
    assert "city" not in clean


def test_tampered_submission_readonly_fields_reset(permit: ServiceDefinition) -> None:
    answers = complete_answers(
        permit, {**REQUEST, "request_type": "department", "department": "hr"}
    )
    answers, _ = step(permit, "training", TRAINING, answers)
    tampered = {
        **answers,
        "national_id": make_national_id("222222222"),
        "birth_date": "2001-01-01",
        "required_hours": 0,
        "channel": "api",
    }
    clean, errors = submit(permit, tampered)
    assert errors == []
    assert clean["channel"] == "web"
    assert clean["national_id"] == NATIONAL_ID
    assert clean["birth_date"] == "1990-05-17"
    assert clean["required_hours"] == 10


def test_tampered_submission_bad_values_are_refused(permit: ServiceDefinition) -> None:
    answers = complete_answers(permit, REQUEST)
    tampered = {**answers, "mobile": "+971501234567", "visit_date": "2027-01-01", "people": 1.5}
    clean, errors = submit(permit, tampered)
    assert codes(errors) == [
        ("mobile", "mobile.not_saudi"),
        ("visit_date", "date.too_late"),
        ("people", "integer.invalid"),
    ]
    assert not {"mobile", "visit_date", "people"} & set(clean)


def test_date_bounds_are_checked_against_the_submit_date(permit: ServiceDefinition) -> None:
    answers = complete_answers(permit, REQUEST)  # visit on 2026-03-20
    errors = validate_submission(
        permit, answers, today=dt.date(2026, 3, 25), identity=IDENTITY
    ).errors
    assert codes(errors) == [("visit_date", "date.too_early")]


def test_an_unknown_step_is_a_key_error(permit: ServiceDefinition) -> None:
    with pytest.raises(KeyError):
        step(permit, "nope", {})


def test_declarations(permit: ServiceDefinition) -> None:
    errors = validate_declarations(permit, [])
    assert codes(errors) == [("accuracy", "declaration.required")]
    assert validate_declarations(permit, ["accuracy", "unknown"]) == []
    assert errors[0].message(permit, "en") == "You must accept the declaration to submit"


# --- messages -------------------------------------------------------------------------------
BRIEF_CODES = [
    "required",
    "text.too_short",
    "text.too_long",
    "text.pattern",
    "number.invalid",
    "number.too_small",
    "number.too_large",
    "integer.invalid",
    "email.invalid",
    "mobile.invalid",
    "mobile.not_saudi",
    "national_id.length",
    "national_id.prefix",
    "national_id.checksum",
    "national_id.not_accepted",
    "date.invalid",
    "date.too_early",
    "date.too_late",
    "time.invalid",
    "time.out_of_range",
    "option.invalid",
    "checkboxes.too_few",
    "checkboxes.too_many",
    "yes_no.invalid",
    "file.required",
    "file.too_many",
    "file.too_large",
    "file.type",
    "file.empty",
    "group.too_few",
    "group.too_many",
    "rule",
    "declaration.required",
    "appointment.invalid",
]


def test_every_code_has_a_message_in_both_languages() -> None:
    assert set(BRIEF_CODES) <= messages.CODES
    for code in messages.CODES:
        text = messages.MESSAGES[code]
        assert text.ar and text.en and text.ar != text.en


@pytest.mark.parametrize(
    ("error", "ar", "en"),
    [
        (FieldError("mobile", "required"), "أدخل رقم الجوال", "Enter Mobile number"),
        (FieldError("region", "required"), "اختر المنطقة", "Select Region"),
        (
            FieldError("has_vehicle", "required"),
            "اختر نعم أو لا: هل معك مركبة؟",
            "Select yes or no: Do you bring a vehicle?",
        ),
        (
            FieldError("full_name", "text.too_long", {"max": 50}),
            "يجب ألا يزيد عدد أحرف الاسم على 50",
            "Full name must be 50 characters or fewer",
        ),
        (
            FieldError("visit_date", "date.too_early", {"min": "2026-11-23"}),
            "يجب أن يكون تاريخ الزيارة في 13 جمادى الآخرة 1448 هـ (2026/11/23) أو بعده",
            "Visit date must be on or after 13 Jumada al-Akhirah 1448 AH (23 November 2026)",
        ),
        (
            FieldError(
                "vehicle_licence", "file.type", {"name": "a.png", "accept": ("pdf", "jpeg")}
            ),
            "الملف a.png من نوع غير مقبول؛ الأنواع المقبولة: PDF أو JPEG",
            "The file a.png must be a PDF or JPEG",
        ),
        # a content check (upload_content) names the file only: the accepted kinds are the
        # field's, in a group too
        (
            FieldError("vehicle_licence", "file.type", {"name": "a.png"}),
            "الملف a.png من نوع غير مقبول؛ الأنواع المقبولة: PDF أو JPEG",
            "The file a.png must be a PDF or JPEG",
        ),
        (
            FieldError("courses", "file.type", {"name": "b.png"}, 0, "certificate"),
            "الملف b.png من نوع غير مقبول؛ الأنواع المقبولة: PDF",
            "The file b.png must be a PDF",
        ),
        (
            FieldError("national_id", "national_id.not_accepted", {"accept": ("citizen",)}),
            "أدخل رقم هوية وطنية يبدأ بالرقم 1",
            "Enter a national ID number: it starts with 1",
        ),
        (FieldError("ghost", "required"), "هذا الحقل مطلوب", "This field is required"),
        (
            FieldError("people", "no.such.code"),
            "القيمة المدخلة في عدد الأشخاص غير صحيحة",
            "The value of Number of people is not valid",
        ),
    ],
)
def test_messages_name_the_field_and_say_what_to_do(
    permit: ServiceDefinition, error: FieldError, ar: str, en: str
) -> None:
    assert error.message(permit, "ar") == ar
    assert error.message(permit, "en") == en


def test_errors_serialise_for_the_api() -> None:
    error = FieldError("courses", "required", item_index=1, child_id="course_name", raw="")
    assert error.as_dict() == {
        "field": "courses",
        "item": 1,
        "child": "course_name",
        "code": "required",
        "params": {},
    }
    assert error.path == "courses.1.course_name"
