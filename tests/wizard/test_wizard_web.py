"""The wizard through real HTTP requests: journeys, errors that keep what was typed,
tampering, uploads checked by content, and who may open what."""

from __future__ import annotations

import gc
import io
import re
import warnings
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from khidma.storage.models import Attachment
from khidma.storage.models import Draft
from khidma.storage.models import OutboxMessage
from khidma.storage.models import StatusEvent
from khidma.storage.models import Submission
from tests.drivers import PDF
from tests.drivers import PNG
from tests.drivers import WizardDriver
from tests.drivers import errors_in
from tests.drivers import make_app
from tests.drivers import sign_in
from tests.drivers import valid_input

SCRIPT = '<script>alert("x")</script>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def complete_emirate(app: Any, client: Any, **overrides: Any) -> WizardDriver:
    """Fill every step of emirate_visit, with two companions with ID images."""
    w = WizardDriver(app, client, "emirate_visit")
    answers: dict[str, Any] = {}
    for _ in range(6):
        if w.page_id == "_review":
            break
        step = w.step()
        data = valid_input(w.definition, step, answers, **overrides.get(step.id, {}))
        if step.id == "companions_step":
            data.update(
                {
                    "companions-count": "2",
                    "companions-0-companion_name": "سعد محمد علي الشهري",
                    "companions-0-companion_national_id": "1000000016",
                    "companions-0-companion_id_image": PNG,
                    "companions-1-companion_name": "فهد ناصر سعد الدوسري",
                    "companions-1-companion_national_id": "2000000006",
                    "companions-1-companion_id_image": PNG,
                }
            )
        response = w.fill_step(**data)
        assert response.status_code == 302, (step.id, errors_in(response.data.decode()))
        answers.update(data)
    assert w.page_id == "_review"
    return w


def test_emirate_visit_end_to_end(app: Any, citizen: Any) -> None:
    w = complete_emirate(app, citizen)
    review = citizen.get(w.url).data.decode()
    assert "سعد محمد علي الشهري" in review and "فهد ناصر سعد الدوسري" in review
    # the declaration must be ticked
    refused = w.submit(declarations=[])
    assert refused.status_code == 200
    assert errors_in(refused.data.decode())
    done = w.submit()
    assert done.status_code == 302
    page = citizen.get(done.headers["Location"]).data.decode()
    reference = re.search(r"<strong>(\d+/\d{4})</strong>", page)
    assert reference, page[:2000]
    db = app.extensions["khidma.db"]
    with db.session() as s:
        submission = s.scalar(select(Submission))
        assert submission is not None and submission.reference == reference.group(1)
        assert len(submission.answers["companions"]) == 2
        files = s.scalars(select(Attachment).where(Attachment.submission_id == submission.id)).all()
        assert len(files) == 4  # letter, ID copy, two companion ID images
        assert all(len(a.sha256) == 64 for a in files)
        assert s.scalar(select(StatusEvent)).to_status == submission.status
        sms = s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
        assert any(reference.group(1) in m.body for m in sms)
        assert s.scalar(select(Draft)) is None  # the draft became the submission


def test_failed_step_keeps_what_was_typed(app: Any, citizen: Any) -> None:
    w = WizardDriver(app, citizen, "emirate_visit")
    response = w.fill_step(full_name="محمد", email="not-an-email", mobile="12345")
    html = response.data.decode()
    assert response.status_code == 200
    assert len(errors_in(html)) >= 3
    assert 'value="not-an-email"' in html and 'value="12345"' in html
    assert 'value="محمد"' in html
    assert 'aria-invalid="true"' in html
    # leaving and coming back still shows the typed values
    html = citizen.get(w.url).data.decode()
    assert 'value="not-an-email"' in html


def test_english_messages(app: Any, citizen: Any) -> None:
    citizen.get("/?lang=en")
    w = WizardDriver(app, citizen, "emirate_visit")
    html = w.fill_step(email="nope").data.decode()
    assert 'lang="en"' in html
    assert any("email" in e.lower() for e in errors_in(html))


def test_department_list_only_for_its_type(app: Any, citizen: Any) -> None:
    w = WizardDriver(app, citizen, "emirate_visit")
    w.fill_step(**valid_input(w.definition, w.step(), {}))
    assert w.page_id == "appointment"
    kinds = w.definition.field("appointment_type").options or ()
    specific = next(o.value for o in kinds if "إدارة محددة" in o.label.ar)
    other = next(o.value for o in kinds if o.value != specific)
    html = w.post({"action": "save", "appointment_type": other}).data.decode()
    page = citizen.get(w.url).data.decode()
    assert '<div id="block-department" class="block" hidden></div>' in page
    w.post({"action": "save", "appointment_type": specific})
    page = citizen.get(w.url).data.decode()
    assert 'id="department"' in page
    del html


def test_htmx_refresh_swaps_only_affected_blocks(app: Any, citizen: Any) -> None:
    w = WizardDriver(app, citizen, "emirate_visit")
    w.fill_step(**valid_input(w.definition, w.step(), {}))
    kinds = w.definition.field("appointment_type").options or ()
    specific = next(o.value for o in kinds if "إدارة محددة" in o.label.ar)
    response = citizen.post(
        f"/drafts/{w.token}/appointment/refresh",
        data={"appointment_type": specific, "_changed": "appointment_type"},
        headers={"HX-Request": "true"},
    )
    html = response.data.decode()
    assert response.status_code == 200
    blocks = re.findall(r'id="(block-[^"]+)" [^>]*hx-swap-oob="true"', html)
    assert "block-department" in blocks
    assert "block-appointment_type" not in blocks and "block-visit_subject" not in blocks


def test_groups_add_and_remove_items_keeping_files(app: Any, citizen: Any) -> None:
    w = complete_emirate(app, citizen)
    companions = citizen.get(f"/drafts/{w.token}/companions_step")
    assert "سعد محمد علي الشهري" in companions.data.decode()
    w.url = f"/drafts/{w.token}/companions_step"
    w.post(
        {
            "action": "add:companions",
            "companions-count": "2",
            "companions-0-companion_name": "سعد محمد علي الشهري",
            "companions-0-companion_national_id": "1000000016",
            "companions-1-companion_name": "فهد ناصر سعد الدوسري",
            "companions-1-companion_national_id": "2000000006",
        }
    )
    with app.extensions["khidma.db"].session() as s:
        draft = s.scalar(select(Draft))
        assert len(draft.answers["companions"]) == 3
        assert draft.answers["companions"][1]["companion_id_image"][0]["kind"] == "png"
    w.post(
        {
            "action": "remove:companions:0",
            "companions-count": "3",
            "companions-1-companion_name": "فهد ناصر سعد الدوسري",
            "companions-1-companion_national_id": "2000000006",
        }
    )
    with app.extensions["khidma.db"].session() as s:
        items = s.scalar(select(Draft)).answers["companions"]
        assert [i.get("companion_name") for i in items][:1] == ["فهد ناصر سعد الدوسري"]
        assert items[0]["companion_id_image"][0]["kind"] == "png"


def test_mumaris_cme_hours_fall_as_activities_are_added(app: Any) -> None:
    client = sign_in(app, "citizen")
    w = WizardDriver(app, client, "mumaris_renewal")
    w.accept_instructions()
    w.fill_step(**valid_input(w.definition, w.step(), {}))
    assert w.page_id == "cme"
    remaining = w.definition.field("cme_remaining_hours")

    def shown() -> str:
        html = client.get(w.url).data.decode()
        block = re.search(
            r'id="block-cme_remaining_hours".*?<output[^>]*>(.*?)</output>', html, re.S
        )
        assert block, remaining.id
        return block.group(1).strip()

    start = shown()
    w.post({"action": "add:cme_activities"})
    w.post(
        {
            "action": "save",
            "cme_activities-count": "1",
            "cme_activities-0-activity_hours": "10",
            "cme_activities-0-activity_name": "مؤتمر طبي",
        }
    )
    after = shown()
    assert int(re.sub(r"\D", "", after)) == int(re.sub(r"\D", "", start)) - 10


def test_script_payload_in_every_text_field_stays_text(app: Any, citizen: Any) -> None:
    """Every free-text field (no pattern to refuse it) gets a script payload: the review
    page, the my-account request page and the PDF show it as text."""
    definition = app.extensions["khidma.registry"].current("emirate_visit")
    sector = next(
        o.value for o in definition.field("applicant_type").options or () if "قطاع" in o.label.ar
    )
    short = "<script>1</script>"  # for fields whose max_length is shorter than SCRIPT
    payload = {
        f.id: SCRIPT + " نص" if (f.setting("max_length") or 999) > len(SCRIPT) + 3 else short
        for f in definition.all_fields()
        if f.group is None
        and f.type_name in ("text", "textarea")
        and not f.setting("pattern")
        and not f.readonly
    }
    assert {"organisation_name", "visit_subject"} <= set(payload)
    by_step: dict[str, dict[str, Any]] = {}
    for field_id, value in payload.items():
        by_step.setdefault(definition.field(field_id).step, {})[field_id] = value
    by_step.setdefault("applicant", {})["applicant_type"] = sector
    car = next(
        o.value for o in definition.field("visitor_items").options or () if "سيارة" in o.label.ar
    )
    by_step.setdefault("attachments", {}).update(has_other_items="yes", visitor_items=[car])
    w = complete_emirate(app, citizen, **by_step)
    review = citizen.get(w.url).data.decode()
    assert SCRIPT not in review and short not in review
    assert review.count("&lt;script&gt;") >= len(payload)
    assert w.submit().status_code == 302
    with app.extensions["khidma.db"].session() as s:
        token = s.scalar(select(Submission)).token
    page = citizen.get(f"/account/requests/{token}").data.decode()
    assert SCRIPT not in page and short not in page
    assert page.count("&lt;script&gt;") >= len(payload)
    pdf = citizen.get(f"/account/requests/{token}/summary.pdf").data
    assert b"<script" not in pdf
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("script") >= len(payload)  # printed, as text


def test_tampered_and_hidden_values_do_not_reach_the_submission(app: Any, citizen: Any) -> None:
    kinds = app.extensions["khidma.registry"].current("emirate_visit").field("appointment_type")
    other = next(o.value for o in kinds.options or () if "إدارة محددة" not in o.label.ar)
    w = complete_emirate(
        app,
        citizen,
        applicant={"national_id": "1000000024"},  # read-only, prefilled from the identity
        appointment={"appointment_type": other, "department": "anything"},  # hidden field
    )
    assert w.submit().status_code == 302
    with app.extensions["khidma.db"].session() as s:
        answers = s.scalar(select(Submission)).answers
    assert answers["national_id"] != "1000000024"
    assert "department" not in answers


def test_renamed_executable_and_oversize_file_are_refused(app: Any, citizen: Any) -> None:
    w = complete_emirate(app, citizen)
    w.url = f"/drafts/{w.token}/attachments"
    response = w.post(
        {"action": "next", "has_other_items": "no", "visit_letter": (io.BytesIO(EXE), "letter.pdf")}
    )
    html = response.data.decode()
    assert response.status_code == 200
    assert any("letter.pdf" in e for e in errors_in(html))
    limit = w.definition.field("visit_letter").setting("max_size_mb") or 10
    big = PDF + b"0" * int(limit * 1024 * 1024 + 1)
    with warnings.catch_warnings():
        # Werkzeug's test client spools a body this large to a temporary file it never
        # closes; collect it here (the app closes every upload it reads)
        warnings.simplefilter("ignore", ResourceWarning)
        response = w.post(
            {
                "action": "next",
                "has_other_items": "no",
                "visit_letter": (io.BytesIO(big), "big.pdf"),
            }
        )
        status, html = response.status_code, response.data.decode()
        response.close()
        del response
        gc.collect()
    assert status in (200, 413)
    assert errors_in(html) or status == 413


def test_other_citizens_get_404(app: Any, citizen: Any) -> None:
    w = complete_emirate(app, citizen)
    other = sign_in(app, "citizen_female")
    assert other.get(w.url).status_code == 404
    assert other.post(f"/drafts/{w.token}/submit").status_code == 404
    with app.extensions["khidma.db"].session() as s:
        token = s.scalars(select(Attachment.token)).first()
    assert citizen.get(f"/files/{token}").status_code == 200
    assert other.get(f"/files/{token}").status_code == 404
    done = w.submit()
    assert other.get(done.headers["Location"]).status_code == 404


def test_post_without_csrf_token_is_refused(tmp_path: Any) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/auth/dev-sso").data.decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token
    assert client.post("/auth/dev-sso", data={"persona": "citizen"}).status_code == 400
    signed = client.post("/auth/dev-sso", data={"persona": "citizen", "csrf_token": token.group(1)})
    assert signed.status_code in (302, 303)
    assert client.post("/services/emirate_visit/start").status_code == 400
