"""Defects a new user hit (issue 7), each through real form posts: the progress
indicator and the final page of mumaris_renewal, a one-file field offered a second
upload, a missing declaration not named, a group's count and total refreshed late, and
an error summary that outlived the CME hours' fix."""

from __future__ import annotations

import io
import re
from typing import Any

from sqlalchemy import select

from khidma.storage.models import Draft
from tests.drivers import PDF
from tests.drivers import WizardDriver
from tests.drivers import errors_in
from tests.drivers import sign_in
from tests.drivers import valid_input
from tests.wizard.test_wizard_web import complete_emirate

HTMX = {"HX-Request": "true"}


def progress_numbers(html: str) -> list[str]:
    return re.findall(r'class="progress-number"[^>]*>(.*?)<', html)


def on_cme_step(app: Any) -> tuple[Any, WizardDriver]:
    client = sign_in(app, "citizen")
    w = WizardDriver(app, client, "mumaris_renewal")
    w.accept_instructions()
    w.fill_step(**valid_input(w.definition, w.step(), {}))
    assert w.page_id == "cme"
    return client, w


def activity(hours: str, count: int = 1) -> dict[str, str]:
    return {
        "cme_activities-count": str(count),
        "cme_activities-0-activity_type": "conference",
        "cme_activities-0-activity_name": "مؤتمر طبي",
        "cme_activities-0-activity_organiser": "الهيئة السعودية للتخصصات الصحية",
        "cme_activities-0-activity_date": "2026-01-10",
        "cme_activities-0-activity_hours": hours,
    }


def test_progress_is_numbered_from_one(app: Any) -> None:
    """Defect 13: the instructions page was step "0"."""
    client = sign_in(app, "citizen")
    w = WizardDriver(app, client, "mumaris_renewal")
    numbers = progress_numbers(client.get(w.url).data.decode())
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    w.accept_instructions()
    assert progress_numbers(client.get(w.url).data.decode()) == numbers


def test_the_final_page_has_finish(app: Any, citizen: Any) -> None:
    """Defect 13: the guide's last page shows the number and status, then "انهاء"."""
    w = complete_emirate(app, citizen)
    done = w.submit()
    assert done.status_code == 302
    for lang, word in (("ar", "انهاء"), ("en", "Finish")):
        page = citizen.get(done.headers["Location"] + f"?lang={lang}").data.decode()
        finish = re.search(r'<a class="button[^"]*" href="([^"]+)">\s*' + word + r"\s*</a>", page)
        assert finish, lang
        assert citizen.get(finish.group(1)).status_code == 200


def test_a_missing_declaration_is_named(app: Any, citizen: Any) -> None:
    """Defect 5: the error summary said "accept the declaration" without saying which."""
    w = complete_emirate(app, citizen)
    [declaration] = w.definition.declarations
    html = w.submit([]).data.decode()
    [summary] = errors_in(html)
    assert declaration.text.ar.split()[0] in summary
    english = citizen.post(
        f"/drafts/{w.token}/submit?lang=en", data={"declaration": []}
    ).data.decode()
    [summary] = errors_in(english)
    assert declaration.text.en.split()[0] in summary


def test_a_one_file_field_takes_one_file(app: Any) -> None:
    """Defect 2: a `max_files: 1` field accepted a second upload."""
    client, w = on_cme_step(app)
    w.post({"action": "add:training_courses"})
    name = "training_courses-0-course_certificate"
    w.post({"action": "save", "training_courses-count": "1", name: (io.BytesIO(PDF), "a.pdf")})
    second = w.post(
        {"action": "next", "training_courses-count": "1", name: (io.BytesIO(PDF + b"2"), "b.pdf")}
    )
    with app.extensions["khidma.db"].session() as s:
        [item] = s.scalar(select(Draft)).answers["training_courses"]
    assert [ref["name"] for ref in item["course_certificate"]] == ["a.pdf"]
    assert any("1" in e for e in errors_in(second.data.decode()))
    page = client.get(w.url).data.decode()
    control = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert control is None or "multiple" not in control.group(0)
    removed = item["course_certificate"][0]["id"]
    w.post(
        {
            "action": f"remove-file:training_courses.0.course_certificate:{removed}",
            "training_courses-count": "1",
        }
    )
    with app.extensions["khidma.db"].session() as s:
        [item] = s.scalar(select(Draft)).answers["training_courses"]
    assert item.get("course_certificate") == []


def refresh(client: Any, w: WizardDriver, shown: str, hours: str) -> str:
    """The htmx request a change of the activity's hours makes (the form, `_shown`
    included)."""
    return client.post(
        f"/drafts/{w.token}/cme/refresh",
        data={**activity(hours), "_shown": shown, "_changed": "cme_activities-0-activity_hours"},
        headers=HTMX,
    ).data.decode()


def test_the_error_summary_forgets_the_cme_hours_once_mended(app: Any) -> None:
    """Defect 10: with JavaScript, the hours were mended (the computed value refreshed to
    0) while the error summary above kept saying they must reach 0."""
    client, w = on_cme_step(app)
    w.post({"action": "add:cme_activities"})
    failed = w.post({"action": "next", **activity("10")}).data.decode()
    assert len(errors_in(failed)) == 1
    shown = re.search(r'name="_shown" id="shown-errors" value="([^"]*)"', failed)
    assert shown and shown.group(1) == "cme_remaining_hours"
    not_yet = refresh(client, w, shown.group(1), "12")  # 36 + 12 < 60: still failing
    assert 'hx-swap-oob="delete"' not in not_yet
    mended = refresh(client, w, shown.group(1), "30")
    assert '<li id="summary-cme_remaining_hours" hx-swap-oob="delete">' in mended
    assert '<div id="error-summary" hx-swap-oob="delete">' in mended  # it was the only one
    assert re.search(r'id="shown-errors" value="" hx-swap-oob="true"', mended)
    assert 'id="summary-cme_remaining_hours"' in failed and 'id="error-summary"' in failed


def test_adding_or_removing_an_item_brings_the_total_along(app: Any) -> None:
    """Defect 3: the hours still required were redrawn only at the next field change.
    The add and remove buttons swap the group and, out of band from the same response,
    the blocks that depend on it (the browser test watches it happen)."""
    client, w = on_cme_step(app)
    page = client.get(w.url).data.decode()
    add = re.search(r'<button[^>]*value="add:cme_activities"[^>]*>', page, re.S)
    assert add and 'hx-select-oob="#block-cme_remaining_hours"' in add.group(0)
    w.post({"action": "add:cme_activities"})
    w.post({"action": "save", **activity("10")})
    removed = client.post(
        w.url, data={"action": "remove:cme_activities:0", **activity("10")}, headers=HTMX
    ).data.decode()
    total = re.search(
        r'id="block-cme_remaining_hours".*?<output[^>]*>(.*?)</output>', removed, re.S
    )
    assert total and re.sub(r"\D", "", total.group(1)) == "24"  # 60 required − 36 recorded
