"""Identity fixtures: a fresh app per test (SQLite in a temporary instance folder, DEV on,
the four services) and `Actions`, a small driver that fills the account pages the way a
person does — GET the page, POST its form with the CSRF token it carries."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.app import create_app
from khidma.storage.models import Channel, OutboxMessage, User

ROOT = Path(__file__).resolve().parents[2]
SECRET = "identity-tests-9f3Kq2LmX8vR4tZ7wB1nC6hD0jG5pY"
START = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)  # 12:00 in Riyadh

# A checksum-valid citizen ID and a Saudi mobile for the account most tests open.
NATIONAL_ID = "1000000008"
MOBILE = "0501234567"
MOBILE_E164 = "+966501234567"
USERNAME = "salem.h"
PASSWORD = "Tamr-2025-sweet"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    counter = itertools.count()

    def make(**config: Any) -> Flask:
        settings = {
            "DEV": True,
            "SERVICES_DIR": str(ROOT / "services.d"),
            "SECRET_KEY": SECRET,
            "NOW": START,
            **config,
        }
        app = create_app(settings, instance_path=tmp_path / f"instance-{next(counter)}")
        app.config["TESTING"] = True
        app.extensions["khidma.db"].upgrade()
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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


@pytest.fixture
def actions(app: Flask, client: FlaskClient) -> Actions:
    return Actions(app, client)


def signed_in_user_id(client: FlaskClient) -> int | None:
    with client.session_transaction() as session:
        uid = session.get("uid")
        return uid if isinstance(uid, int) else None
