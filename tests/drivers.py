"""The drivers every folder of tests may use: apps made like the wizard's, a citizen
signed in through the development SSO stand-in, `WizardDriver` (fills a service's steps
through real form posts), `valid_input` (answers that pass a step), `service_yaml` (a
test service's text with the header every service needs) and `Actions` (the account
pages driven like a person, CSRF token and all). Fixtures that hand them out are
in the root `conftest.py`."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Step
from khidma.storage.models import Channel
from khidma.storage.models import OutboxMessage
from khidma.storage.models import User

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# a PNG header (IHDR: 1×1 pixels) and padding: what the upload checks read
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    + b"\x00" * 64
)


# What every service file holds after its id, in plain words; see `service_yaml`.
SERVICE_HEADER = """\
version: "1"
agency: {id: test_agency, name: {ar: جهة, en: Agency}}
title: {ar: خدمة, en: Service}
summary: {ar: ملخص, en: Summary}
description: {ar: وصف, en: Description}
"""


def service_yaml(service_id: str, blocks: str) -> str:
    """The YAML text of a test service: its id, the header every service must have
    (`SERVICE_HEADER`: version, agency, title, summary, description), then `blocks`, the
    service's own (its steps and whatever the test is about)."""
    return f"id: {service_id}\n" + SERVICE_HEADER + blocks


def make_app(tmp_path: Path, **config: Any) -> Any:
    from khidma.app import create_app

    settings = {
        "DEV": True,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SERVICES_DIR": str(ROOT / "services.d"),
        "SECRET_KEY": "t" * 48,
        "RATELIMIT_ENABLED": False,
        **config,
    }
    app = create_app(settings, instance_path=tmp_path / "instance")
    app.extensions["khidma.db"].upgrade()
    return app


NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 13 Jumada II 1448


def deployed_app(tmp_path: Path, **config: Any) -> Flask:
    """An app as it is deployed, but on a real SQLite file in `tmp_path`: CSRF and the
    rate limits on, the seed services, the clock at NOW (unless `config` says otherwise).
    `make_app` is the wizard's lighter one (no CSRF, no limits, the real clock)."""
    from khidma.app import create_app

    settings = {
        "DEV": True,
        "SERVICES_DIR": str(ROOT / "services.d"),
        "SECRET_KEY": "test-" + "x" * 40,
        "NOW": NOW,
        **config,
    }
    app = create_app(settings, instance_path=tmp_path / "instance")
    app.config["TESTING"] = True
    app.extensions["khidma.db"].upgrade()
    return app


def sign_in(app: Any, persona: str = "citizen") -> Any:
    client = app.test_client()
    response = client.post("/auth/dev-sso", data={"persona": persona})
    assert response.status_code in (302, 303), response.data[:500]
    return client


def errors_in(html: str) -> list[str]:
    summary = re.search(r'class="error-summary".*?</div>', html, re.S)
    return re.findall(r'<a href="#[^"]*">(.*?)</a>', summary.group(0)) if summary else []


class WizardDriver:
    """Fills a service's steps the way a citizen does, through real form posts."""

    def __init__(self, app: Any, client: Any, service_id: str) -> None:
        self.app, self.client = app, client
        self.definition: ServiceDefinition = app.extensions["khidma.registry"].current(service_id)
        response = client.post(f"/services/{service_id}/start")
        assert response.status_code == 302, response.data[:300]
        self.url = response.headers["Location"]
        self.token = self.url.split("/")[2]

    @property
    def page_id(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[1].split("?")[0].split("#")[0]

    def step(self) -> Step:
        return self.definition.step(self.page_id)

    def post(self, data: dict[str, Any]) -> Any:
        return self.client.post(self.url, data=data, content_type="multipart/form-data")

    def fill_step(self, **answers: Any) -> Any:
        """Post the current step with `answers` (keys are input names); follow on success."""
        data: dict[str, Any] = {"action": "next"}
        for name, value in answers.items():
            if isinstance(value, bytes):
                data[name] = (
                    io.BytesIO(value),
                    f"{name}.{'pdf' if value.startswith(b'%PDF') else 'png'}",
                )
            else:
                data[name] = value
        response = self.post(data)
        if response.status_code == 302:
            self.url = response.headers["Location"].split("#")[0]
        return response

    def accept_instructions(self) -> None:
        response = self.client.post(self.url)
        assert response.status_code == 302
        self.url = response.headers["Location"]

    def submit(self, declarations: list[str] | None = None) -> Any:
        ids = [d.id for d in self.definition.declarations] if declarations is None else declarations
        return self.client.post(f"/drafts/{self.token}/submit", data={"declaration": ids})


SAMPLE_TEXT = {
    "full_name": "محمد عبد الله صالح القحطاني",
    "visit_subject": "مناقشة موضوع يخص الحي مع الإدارة المختصة",
    "postal_code": "12345",
}


def valid_input(
    definition: ServiceDefinition, step: Step, answers: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    """Form input that passes `step`: each visible field gets a valid value, choices taken
    from the options the engine offers once the earlier fields are answered."""
    import datetime as dt

    from khidma.engine.evaluate import evaluate

    today = dt.date.today()
    posted: dict[str, Any] = {}
    current = dict(answers)
    for f in step.fields:
        state = evaluate(definition, current, today=today)
        if f.id in overrides:
            posted[f.id] = overrides[f.id]
        elif (
            not state.is_visible(f.id)
            or not f.type.holds_value
            or f.readonly
            or f.type_name in ("hidden", "computed", "group")
        ):
            continue
        else:
            value = _sample(f, state.options_for(f.id))
            if value is None:
                continue
            posted[f.id] = value
        stored = posted[f.id]
        current[f.id] = (
            {"yes": True, "no": False}.get(stored, stored) if isinstance(stored, str) else stored
        )
    return posted


def _sample(f: Any, options: Any) -> Any:
    kind = f.type_name
    if kind in ("select", "radio"):
        return options[0].value if options else None
    if kind == "checkboxes":
        return [options[0].value] if options else None
    if kind == "yes_no":
        return "no"
    if kind == "file":
        return PDF if "pdf" in (f.setting("accept") or ("pdf",)) else PNG
    if kind in ("integer", "number"):
        low = f.setting("min") or 0
        return str(max(low, 1))
    if kind == "date":
        return "2020-01-15"
    if kind == "time":
        return "10:00"
    if kind == "email":
        return "m.alqahtani@example.sa"
    if kind == "mobile":
        return "0501234567"
    if kind == "national_id":
        return "1000000016"
    if kind == "appointment":
        return None
    return SAMPLE_TEXT.get(f.id, "نص للتجربة بطول مناسب")


# --------------------------------------------------------------- account actions

# A checksum-valid citizen ID and a Saudi mobile for the account most tests open.
NATIONAL_ID = "1000000008"
MOBILE = "0501234567"
MOBILE_E164 = "+966501234567"
USERNAME = "salem.h"
PASSWORD = "Tamr-2025-sweet"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


class Actions:
    """Drive the account pages like a person: every POST carries the page's CSRF token."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    # --- plumbing ----------------------------------------------------------------------
    def csrf(self, page: str) -> str:
        found = _CSRF.search(self.client.get(page).get_data(as_text=True))
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def submit(self, page: str, data: dict[str, Any], action: str | None = None) -> Any:
        """GET `page`, then POST `data` (plus its CSRF token) to `action` (default: the
        same page)."""
        token = self.csrf(page)
        return self.client.post(action or page, data={**data, "csrf_token": token})

    def advance(self, **delta: float) -> None:
        self.app.config["NOW"] = self.app.config["NOW"] + dt.timedelta(**delta)

    def db(self) -> Any:
        return self.app.extensions["khidma.db"]

    def sms(self, mobile: str = MOBILE_E164) -> list[OutboxMessage]:
        with self.db().session() as session:
            return list(
                session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.channel == Channel.SMS, OutboxMessage.recipient == mobile)
                    .order_by(OutboxMessage.id)
                )
            )

    def last_code(self, mobile: str = MOBILE_E164) -> str:
        messages = self.sms(mobile)
        assert messages, f"no SMS to {mobile}"
        found = _CODE.search(messages[-1].body)
        assert found, messages[-1].body
        return found.group(1)

    def user(self, **where: Any) -> User | None:
        with self.db().session() as session:
            query = select(User).filter_by(**where)
            return session.scalar(query)

    # --- journeys ----------------------------------------------------------------------
    def start_sign_up(self, national_id: str = NATIONAL_ID, mobile: str = MOBILE) -> Any:
        return self.submit("/auth/sign-up", {"national_id": national_id, "mobile": mobile})

    def enter_code(self, code: str, page: str = "/auth/sign-up/verify") -> Any:
        return self.submit(page, {"code": code})

    def details(self, **overrides: str) -> dict[str, str]:
        return {
            "first_name_ar": "سالم",
            "father_name_ar": "عبد الله",
            "grandfather_name_ar": "حمد",
            "family_name_ar": "الحربي",
            "name_en": "Salem Abdullah Hamad Alharbi",
            "email": "salem@example.sa",
            "username": USERNAME,
            "password": PASSWORD,
            "password2": PASSWORD,
            **overrides,
        }

    def sign_up(self, **overrides: str) -> Any:
        """The whole journey; returns the last response (a redirect when all went well)."""
        national_id = overrides.pop("national_id", NATIONAL_ID)
        mobile = overrides.pop("mobile", MOBILE)
        assert self.start_sign_up(national_id, mobile).status_code == 303
        e164 = "+966" + mobile.lstrip("0") if mobile.startswith("05") else mobile
        assert self.enter_code(self.last_code(e164)).status_code == 303
        return self.submit("/auth/sign-up/details", self.details(**overrides))

    def sign_in(
        self, identifier: str = USERNAME, password: str = PASSWORD, next: str | None = None
    ) -> Any:
        page = "/auth/sign-in" + (f"?next={next}" if next else "")
        data = {"identifier": identifier, "password": password}
        if next:
            data["next"] = next
        return self.submit(page, data, action=page)

    def sign_out(self) -> Any:
        return self.submit("/auth/profile", {}, action="/auth/sign-out")

    def persona(self, key: str, next: str | None = None) -> Any:
        page = "/auth/dev-sso" + (f"?next={next}" if next else "")
        return self.submit(page, {"persona": key})


def signed_in_user_id(client: FlaskClient) -> int | None:
    with client.session_transaction() as session:
        uid = session.get("uid")
        return uid if isinstance(uid, int) else None
