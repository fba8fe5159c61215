"""The administrator's pages: accounts, definitions (reload keeping the last good set),
the outbox's health and retry (an app on a real SQLite file)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.engine.identifiers import make_national_id
from khidma.identity.passwords import verify_password
from khidma.storage import outbox
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Role
from khidma.storage.models import User
from tests.backoffice import support
from tests.backoffice.support import make_app
from tests.backoffice.support import page
from tests.web.support import NOW
from tests.web.support import ROOT
from tests.web.support import db
from tests.web.support import make_submission
from tests.web.support import make_user
from tests.web.support import sign_in


@pytest.fixture
def services(tmp_path: Path) -> Path:
    folder = tmp_path / "services.d"
    shutil.copytree(ROOT / "services.d", folder)
    return folder


@pytest.fixture
def admin_app(tmp_path: Path, services: Path) -> Iterator[Flask]:
    app = make_app(tmp_path, SERVICES_DIR=str(services))
    yield app
    app.extensions["khidma.db"].dispose()


@pytest.fixture
def admin(admin_app: Flask) -> Iterator[tuple[FlaskClient, User]]:
    with db(admin_app).session(write=True) as session:
        user = User(username="root.admin", name_ar="مدير المنصة", role=Role.ADMIN)
        session.add(user)
    client = admin_app.test_client()
    sign_in(client, user)
    yield client, user


def post(client: FlaskClient, url: str, **data: str) -> tuple[int, str]:
    return support.post(client, url, "/admin", **data)


def test_the_page_shows_definitions_in_use_and_the_outbox(
    admin_app: Flask, admin: tuple[FlaskClient, User]
) -> None:
    client, _ = admin
    citizen = make_user(admin_app, "100000000")
    make_submission(admin_app, citizen, 1)
    with db(admin_app).session(write=True) as session:
        outbox.enqueue(session, "sms", "+966501234567", "x", event="test")
    html = page(client, "/admin?lang=ar")
    for text in ("طلب موعد مع الامارة", "الطلبات", "بانتظار الإرسال", "root.admin"):
        assert text in html
    assert "<td>1</td>" in html  # the emirate_visit version with its one request
    assert page(client, "/admin?lang=en")


def test_create_an_agency_supervisor_and_deactivate_them(
    admin_app: Flask, admin: tuple[FlaskClient, User]
) -> None:
    client, me = admin
    good = {
        "username": "S.Alharbi",
        "national_id": make_national_id("100000005"),
        "name_ar": "سالم الحربي",
        "name_en": "Salem Alharbi",
        "role": "staff",
        "agency": "najran_emirate",
        "supervisor": "1",
        "password": "najran2026x",
    }
    code, html = post(client, "/admin/accounts", **{**good, "national_id": "123", "agency": ""})
    assert code == 400
    assert "أدخل رقم هوية وطنية" in html and "اختر جهة الموظف" in html
    assert 'value="سالم الحربي"' in html  # kept
    code, html = post(client, "/admin/accounts", **good)
    assert code == 200 and "تم إنشاء الحساب s.alharbi" in html
    code, html = post(client, "/admin/accounts", **good)
    assert code == 400 and "يوجد حساب مسجل برقم الهوية" in html
    with db(admin_app).session() as session:
        made = session.scalars(select(User).where(User.username == "s.alharbi")).one()
    assert (made.role, made.agency_id, made.is_supervisor) == (
        Role.STAFF,
        "najran_emirate",
        True,
    )
    assert verify_password(made.password_hash, "najran2026x")
    code, html = post(client, f"/admin/accounts/{made.id}/active", active="")
    assert "تم إيقاف الحساب" in html
    with db(admin_app).session() as session:
        assert session.get(User, made.id).is_active is False  # type: ignore[union-attr]
    code, html = post(client, f"/admin/accounts/{me.id}/active", active="")
    assert "لا يمكنك إيقاف حسابك" in html


def test_reload_keeps_the_last_good_set_when_a_file_is_broken(
    admin_app: Flask, admin: tuple[FlaskClient, User], services: Path
) -> None:
    client, _ = admin
    registry = admin_app.extensions["khidma.registry"]
    before = registry.current("emirate_visit")
    visit = services / "emirate_visit.yaml"
    text = visit.read_text()
    visit.write_text(text.replace("initial: submitted", "initial: nowhere"))
    code, html = post(client, "/admin/reload")
    assert code == 422 and "nowhere" in html and "بقيت النسخة السليمة" in html
    assert registry.current("emirate_visit") is before
    visit.write_text(text.replace("sla_days: 7", "sla_days: 9"))
    code, html = post(client, "/admin/reload")
    assert code == 200 and "تمت إعادة تحميل" in html
    assert registry.current("emirate_visit").sla_days == 9
    assert registry.version("emirate_visit", before.hash) is before  # still there for old ones


def test_retry_a_given_up_message(admin_app: Flask, admin: tuple[FlaskClient, User]) -> None:
    client, _ = admin
    with db(admin_app).session(write=True) as session:
        message = outbox.enqueue(session, "sms", "+966501234567", "x", event="test")
        message.given_up_at, message.next_attempt_at = NOW, None
        message.last_error = "gateway said 400"
    assert "gateway said 400" in page(client, "/admin")
    _, html = post(client, f"/admin/outbox/{message.id}/retry")
    assert "أعيدت الرسالة" in html
    with db(admin_app).session() as session:
        again = session.get(OutboxMessage, message.id)
        assert again is not None and again.given_up_at is None
    _, html = post(client, f"/admin/outbox/{message.id}/retry")
    assert "لم تعد متعذرة الإرسال" in html
