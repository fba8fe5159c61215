"""Fixtures for the wizard: an app on a real SQLite file (or PostgreSQL), citizens signed in
through the development SSO stand-in, and a driver that fills a service's steps."""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from khidma.definitions.model import ServiceDefinition, Step

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# a PNG header (IHDR: 1×1 pixels) and padding: what the upload checks read
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    + b"\x00" * 64
)


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


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    made = make_app(tmp_path)
    yield made
    made.extensions["khidma.db"].dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    base = os.environ.get("KHIDMA_TEST_DATABASE_URL")
    if not base:
        pytest.skip("KHIDMA_TEST_DATABASE_URL not set: PostgreSQL tests need a server URL")
    schema = f"khidma_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def sign_in(app: Any, persona: str = "citizen") -> Any:
    client = app.test_client()
    response = client.post("/auth/dev-sso", data={"persona": persona})
    assert response.status_code in (302, 303), response.data[:500]
    return client


@pytest.fixture
def citizen(app: Any) -> Any:
    return sign_in(app, "citizen")


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
