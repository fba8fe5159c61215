"""The four seed services model every part `shared/SERVICES.md` lists for them.

Each test reads like the checklist in SERVICES.md: the service card, each field the guide
shows (with the guide's Arabic words), the lists, the conditions, the repeatable groups,
the declarations, the computed values and the booking blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition

SERVICES = Path(__file__).resolve().parents[2] / "services.d"


@pytest.fixture(scope="module")
def services() -> dict[str, ServiceDefinition]:
    result = load([SERVICES])
    assert result.problems == []
    return {d.id: d for d in result.services}


def variables(d: ServiceDefinition, **answers: Any) -> dict[str, Any]:
    """What an expression sees: every top-level field, unanswered unless given."""
    names = {f.id: f.type.empty_value() for f in d.all_fields() if f.group is None}
    return {**names, "today": "2026-11-23", "lang": "ar", **answers}


def visible(f: Field, d: ServiceDefinition, **answers: Any) -> bool:
    return f.visible_when is None or bool(f.visible_when.evaluate(variables(d, **answers)))


def required(f: Field, d: ServiceDefinition, **answers: Any) -> bool:
    if f.required:
        return True
    return f.required_when is not None and bool(f.required_when.evaluate(variables(d, **answers)))


def option_value(f: Field, arabic_label_part: str) -> str:
    assert f.options, f"{f.id} has no options"
    matches = [o.value for o in f.options if arabic_label_part in o.label.ar]
    assert matches, f"no option of {f.id} says {arabic_label_part!r}"
    return matches[0]


def labels(f: Field) -> list[str]:
    return [o.label.ar for o in f.options or ()]


def fields_of_type(d: ServiceDefinition, type_name: str) -> list[Field]:
    return [f for f in d.all_fields() if f.type_name == type_name]


def label_has(f: Field, text: str) -> bool:
    return f.label is not None and text in f.label.ar


def find(d: ServiceDefinition, arabic_label_part: str, type_name: str | None = None) -> Field:
    found = [
        f
        for f in d.all_fields()
        if label_has(f, arabic_label_part) and (type_name is None or f.type_name == type_name)
    ]
    assert found, f"{d.id}: no field labelled {arabic_label_part!r}"
    return found[0]


def all_text(d: ServiceDefinition) -> str:
    return str(d.raw)


def assert_bilingual_everywhere(node: Any, path: str = "") -> None:
    if isinstance(node, dict):
        if set(node) >= {"ar", "en"}:
            assert node["ar"].strip() and node["en"].strip(), path
        for key, value in node.items():
            assert_bilingual_everywhere(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            assert_bilingual_everywhere(value, f"{path}[{i}]")


@pytest.mark.parametrize("service_id", ["emirate_visit", "mawid", "mumaris_renewal", "traffic"])
def test_every_seed_service_has_a_full_card(
    services: dict[str, ServiceDefinition], service_id: str
) -> None:
    d = services[service_id]
    assert d.sign_in.required and "national_sso" in d.sign_in.methods
    assert d.description.ar and d.description.en
    assert d.beneficiaries and d.duration and d.channels and d.terms
    assert d.rating_enabled and d.review_enabled
    assert any(d.notifications)
    assert all(s.final for s in d.workflow.statuses if s.id.startswith(("rejected", "cancelled")))
    assert_bilingual_everywhere(dict(d.raw))
    header = (SERVICES / f"{service_id}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# yaml-language-server: $schema=")


def test_emirate_visit(services: dict[str, ServiceDefinition]) -> None:
    d = services["emirate_visit"]
    # service card ("الشروط ووصف الخدمة")
    assert "طلب موعد" in d.description.ar
    assert "النفاذ الوطني" in (d.sign_in.note.ar if d.sign_in.note else "")
    assert set(d.beneficiaries) == {"citizens", "residents"}
    assert d.fees.kind == "none"
    assert d.duration is not None and "اتفاقية مستوى الخدمة" in d.duration.ar
    assert any("مواقع الإمارة" in name.ar for name, _ in d.channels)
    terms = " ".join(t.ar for t in (*d.terms, *d.required_documents))
    assert "رقم الهوية" in terms and "هوية" in terms and "خطاب" in terms

    # wizard ("طلب تحديد الموعد")
    applicant_type = find(d, "النوع")
    assert {"قطاع عام", "قطاع خاص", "فرد"} <= set(labels(applicant_type))
    assert "الرباعي" in d.field("full_name").label.ar  # type: ignore[union-attr]
    assert d.field("national_id").type_name == "national_id"
    assert d.field("mobile").type_name == "mobile"
    assert d.field("email").type_name == "email"
    assert find(d, "المحافظة").type_name == "select"
    assert find(d, "نوع الموعد").options
    assert find(d, "جهة الزيارة").options
    assert find(d, "بوابة الدخول").options
    assert find(d, "سبب الزيارة").options
    assert find(d, "موضوع الزيارة").type_name == "textarea"

    # the department list appears (and is required) only for "موعد مع إدارة محددة"
    appointment_type = d.field("appointment_type")
    department = d.field("department")
    specific = option_value(appointment_type, "إدارة محددة")
    other = next(o.value for o in appointment_type.options or () if o.value != specific)
    assert not visible(department, d, appointment_type=other)
    assert visible(department, d, appointment_type=specific)
    assert required(department, d, appointment_type=specific)
    assert department.options and len(department.options) >= 5

    # attachments: the letter, and visitor items only on "yes"
    letter = find(d, "خطاب", "file")
    assert letter.required
    other_items = find(d, "مرفقات أخرى", "yes_no")
    items = d.field("visitor_items")
    assert items.type_name == "checkboxes"
    item_labels = " ".join(labels(items))
    for word in ("سيارة خاصة", "هاتف محمول", "جهاز لوحي", "كمبيوتر محمول"):
        assert word in item_labels
    assert not visible(items, d, **{other_items.id: False})
    assert visible(items, d, **{other_items.id: True})
    assert required(items, d, **{other_items.id: True})

    # companions repeat, each with name, ID number and an ID image
    companions = d.field("companions")
    assert companions.type_name == "group"
    assert "مرافق" in (companions.setting("add_label").ar)
    kinds = {c.type_name for c in companions.fields}
    assert {"text", "national_id", "file"} <= kinds
    assert (companions.setting("max_items") or 0) >= 2

    # the declaration and the SMS with the request number
    assert any("أقر وأتعهد بصحة البيانات المقدمة" in x.text.ar for x in d.declarations)
    submitted = [n for n in d.notifications_for("submitted") if n.channel == "sms"]
    assert submitted and "{reference}" in submitted[0].body.ar
    assert d.notifications_for("message_from_staff") or d.notifications_for("documents_requested")
    assert any(
        "تحت الاجراء" in s.label.ar or "تحت الإجراء" in s.label.ar for s in d.workflow.statuses
    )
    assert any(s.waiting_for == "citizen" for s in d.workflow.statuses)
    assert any("citizen" in t.by for t in d.workflow.transitions)


def test_mumaris_renewal(services: dict[str, ServiceDefinition]) -> None:
    d = services["mumaris_renewal"]
    step_ids = [s.id for s in d.steps]
    # 1. instructions accepted with "موافق"
    assert d.instructions is not None and d.instructions.accept_label.ar == "موافق"
    # 2. personal information prefilled and read-only; contact details entered
    personal = d.steps[0]
    prefilled = [f for f in personal.fields if f.prefill and f.readonly]
    assert {f.prefill for f in prefilled} >= {"national_id", "full_name_ar"}
    assert any(f.type_name == "mobile" and not f.readonly for f in personal.fields)
    # 3. CME: recorded and required hours shown, activities and courses repeat, remaining falls
    recorded, needed = d.field("cme_recorded_hours"), d.field("cme_required_hours")
    assert recorded.readonly and needed.readonly
    activities, courses = d.field("cme_activities"), d.field("training_courses")
    assert "اضافة نشاط" in activities.setting("add_label").ar
    assert "دورة تدريبية" in courses.setting("add_label").ar
    assert any(c.type_name == "file" for c in courses.fields)
    remaining = d.field("cme_remaining_hours")
    assert remaining.expression is not None
    r_needed, r_recorded = needed.default, recorded.default

    def remaining_after(acts: list[int], crs: list[int]) -> Any:
        return remaining.expression.evaluate(  # type: ignore[union-attr]
            variables(
                d,
                cme_recorded_hours=r_recorded,
                cme_required_hours=r_needed,
                cme_activities=[_item(activities, activity_hours=h) for h in acts],
                training_courses=[_item(courses, course_hours=h) for h in crs],
            ),
            {"lookup": lambda *_: {}},
        )

    start = remaining_after([], [])
    assert start == r_needed - r_recorded > 0
    assert remaining_after([5], []) == start - 5
    assert remaining_after([5], [3]) == start - 8
    assert remaining_after([5, 100], [3]) == 0  # never below zero
    # 4. employer; 5. additional information; 6. questionnaire, every answer required
    assert find(d, "نوع جهة العمل").options
    assert find(d, "اسم المنشأة").type_name == "text"
    questionnaire = d.step("questionnaire")
    questions = [f for f in questionnaire.fields if f.type_name == "yes_no"]
    assert len(questions) >= 4 and all(q.required for q in questions)
    # 7. attachments depend on the answers
    attachments = d.step("attachments")
    conditional = [f for f in attachments.fields if f.type_name == "file" and f.required_when]
    assert conditional
    disciplinary = d.field("att_disciplinary_documents")
    assert not required(disciplinary, d, q_disciplinary_action=False)
    assert required(disciplinary, d, q_disciplinary_action=True)
    # order: personal → cme → employer → additional → questionnaire → attachments; 8. review
    order = ["personal", "cme", "employer", "additional", "questionnaire", "attachments"]
    assert [s for s in step_ids if s in order] == order
    assert d.review_enabled
    # 9. final page with the request number and status; payment after approval
    assert d.confirmation is not None and "{reference}" in d.confirmation[1].ar
    assert d.fees.kind == "fixed" and d.fees.payable == "after_approval"
    assert set(d.fees.methods) == {"sadad", "card", "bank_account"}
    approved = d.notifications_for("status:approved")
    assert approved and approved[0].channel == "email" and "طلباتي" in approved[0].body.ar
    assert any(t.to == "approved" and "staff" in t.by for t in d.workflow.transitions)


def _item(group: Field, **values: Any) -> dict[str, Any]:
    return {**{c.id: c.type.empty_value() for c in group.fields}, **values}


def test_mawid(services: dict[str, ServiceDefinition]) -> None:
    d = services["mawid"]
    assert d.booking is not None
    b = d.booking
    assert b.cancellation_allowed and b.reschedule_allowed
    assert d.field(b.slot_field).type_name == "appointment"
    centre = d.field(b.resource_field)
    assert centre.options_filter is not None and "city" in centre.options_filter.names
    clinic = d.field(b.service_field or "")
    clinic_labels = " ".join(o.label.ar for o in d.lists["clinics"])
    for word in ("الطب العام", "أسنان", "تطعيم", "مزمنة"):
        assert word in clinic_labels
    assert clinic.options_filter is not None
    city = d.field("city")
    assert city.options_filter is not None and "region" in city.options_filter.names
    # a dependant's details appear only when booking for a dependant
    dependant = d.field("dependant_national_id")
    for_self = (
        option_value(d.field("booking_for"), "نفسي")
        if any("نفسي" in o.label.ar for o in d.field("booking_for").options or ())
        else d.field("booking_for").options[0].value
    )  # type: ignore[index]
    for_other = next(o.value for o in d.field("booking_for").options or () if o.value != for_self)
    assert not visible(dependant, d, booking_for=for_self)
    assert visible(dependant, d, booking_for=for_other)
    # cancelling sends an SMS; confirmation text as in the guide
    cancelled = d.notifications_for("booking_cancelled")
    assert cancelled and cancelled[0].channel == "sms"
    assert "إلغاء" in cancelled[0].body.ar
    assert b.schedule and b.slot_minutes > 0 and b.capacity_per_slot > 0 and b.max_days_ahead > 0
    assert b.closed_dates and b.max_active_per_person


def test_traffic(services: dict[str, ServiceDefinition]) -> None:
    d = services["traffic"]
    assert d.booking is not None
    b = d.booking
    branch = d.field(b.resource_field)
    assert branch.options_filter is not None and "region" in branch.options_filter.names
    # the branches near you depend on the region
    region = d.field("region")
    assert region.options_from == "saudi_regions"
    assert all("region" in o.attributes for o in branch.options or ())
    service = d.field(b.service_field or "")
    assert service.options_filter is not None and "lookup" in service.options_filter.functions
    assert all("documents" in o.attributes for o in service.options or ())
    assert d.field(b.slot_field).type_name == "appointment"
    step_ids = [s.id for s in d.steps]
    # choose region → branch → service, then day and time, then the instructions ("موافق"),
    # then the documents to bring
    assert step_ids.index("service_selection") < step_ids.index("slot")
    assert step_ids.index("slot") < step_ids.index("service_instructions_step")
    accept = d.field("instructions_accepted")
    assert accept.required and any("موافق" in o.label.ar for o in accept.options or ())
    assert b.documents_to_bring or any(f.id == "documents_to_bring" for f in d.all_fields())
    assert b.ticket_instructions  # print the appointment ticket
    assert b.cancellation_allowed
    assert d.notifications_for("booking_cancelled")
