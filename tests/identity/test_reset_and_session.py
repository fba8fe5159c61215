"""Forgotten password (username and ID → SMS code → new password twice → "إعادة تعيين"),
and sessions that expire but keep the citizen's draft."""

from __future__ import annotations

import html
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage.models import DefinitionVersion
from khidma.storage.models import Draft
from tests.drivers import MOBILE_E164
from tests.drivers import NATIONAL_ID
from tests.drivers import PASSWORD
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.drivers import signed_in_user_id
from tests.identity.conftest import citizen_post_url

NEW_PASSWORD = "Qahwa-1447-hot"


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def account(actions: Actions) -> Actions:
    assert actions.sign_up().status_code == 303
    actions.sign_out()
    return actions


def reset(actions: Actions, password: str = NEW_PASSWORD) -> Any:
    response = actions.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    assert response.status_code == 303, text(response)
    assert response.headers["Location"] == "/auth/reset/verify"
    sms = actions.sms()[-1]
    assert sms.event == "verification_code.reset"
    response = actions.enter_code(actions.last_code(), page="/auth/reset/verify")
    assert response.headers["Location"] == "/auth/reset/password"
    return actions.submit("/auth/reset/password", {"password": password, "password2": password})


def test_password_reset(account: Actions, client: FlaskClient) -> None:
    page = text(client.get("/auth/reset"))
    assert "اسم المستخدم" in page and "رقم الهوية الوطنية / الإقامة" in page
    assert page.index('id="username"') < page.index('id="national_id"')  # as the MOH guide
    account.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    assert "050 123 4567" not in text(client.get("/auth/reset/verify"))  # nothing to compare
    account.enter_code(account.last_code(), page="/auth/reset/verify")
    page = text(client.get("/auth/reset/password"))
    assert "إعادة تعيين" in page and "تأكيد كلمة المرور الجديدة" in page

    mismatch = account.submit(
        "/auth/reset/password", {"password": NEW_PASSWORD, "password2": "Other-1447-x"}
    )
    assert "كلمتا المرور غير متطابقتين" in text(mismatch)
    response = account.submit(
        "/auth/reset/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/auth/sign-in")
    assert "تم تغيير كلمة المرور" in text(client.get(response.headers["Location"]))

    account.advance(seconds=1)
    assert account.sign_in(password=PASSWORD).status_code == 200  # the old one is gone
    assert account.sign_in(password=NEW_PASSWORD).status_code == 303


def test_reset_ends_other_sessions_and_clears_the_count(account: Actions, app: Any) -> None:
    other = Actions(app, app.test_client())
    assert other.sign_in().status_code == 303
    for _ in range(5):
        account.sign_in(password="Wrong-pass-1")
    assert account.user(username=USERNAME).failed_logins == 5  # type: ignore[union-attr]
    account.advance(seconds=1)
    assert reset(account).status_code == 303
    user = account.user(username=USERNAME)
    assert user is not None and user.locked_until is None and user.failed_logins == 0
    # the session opened elsewhere before the reset is over
    assert other.client.get("/auth/profile").status_code == 302
    assert signed_in_user_id(other.client) is None
    account.advance(seconds=1)
    assert account.sign_in(password=NEW_PASSWORD).status_code == 303


def test_reset_with_details_that_do_not_match(account: Actions) -> None:
    response = account.submit("/auth/reset", {"username": USERNAME, "national_id": "1234567897"})
    assert response.headers["Location"] == "/auth/reset/verify"  # as for an account
    page = text(account.submit("/auth/reset", {"username": USERNAME, "national_id": "1234567890"}))
    assert "تحقق من الأرقام" in page  # checksum
    assert len(account.sms()) == 1  # only the sign-up code


def test_reset_steps_cannot_be_skipped(client: FlaskClient) -> None:
    assert client.get("/auth/reset/password").headers["Location"] == "/auth/reset"
    assert client.get("/auth/reset/verify").headers["Location"] == "/auth/reset"


def test_reset_code_is_single_use(account: Actions) -> None:
    account.submit("/auth/reset", {"username": USERNAME, "national_id": NATIONAL_ID})
    code = account.last_code()
    account.enter_code(code, page="/auth/reset/verify")
    page = text(account.enter_code(code, page="/auth/reset/verify"))
    assert "سبق استخدام رمز التحقق هذا" in page


# --- sessions ----------------------------------------------------------------------------
def make_draft(actions: Actions, user_id: int) -> int:
    with actions.db().session(write=True) as session:
        session.add(
            DefinitionVersion(
                service_id="emirate_visit", hash="f" * 64, version="1", source_text="{}"
            )
        )
        draft = Draft(
            service_id="emirate_visit",
            definition_hash="f" * 64,
            user_id=user_id,
            answers={"visit_subject": "موعد مع سمو الأمير"},
            current_step="visit",
        )
        session.add(draft)
        session.flush()
        return draft.id


def test_idle_session_expires_with_a_clear_page_and_keeps_the_draft(
    account: Actions, client: FlaskClient
) -> None:
    account.sign_in()
    user_id = signed_in_user_id(client)
    assert user_id is not None
    draft_id = make_draft(account, user_id)

    account.advance(minutes=29)
    assert client.get("/auth/profile").status_code == 200  # still active: the clock restarts
    account.advance(minutes=29)
    assert client.get("/auth/profile").status_code == 200
    account.advance(minutes=30, seconds=1)
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/session-expired?next=/auth/profile"
    assert signed_in_user_id(client) is None

    page = text(client.get(response.headers["Location"]))
    assert "انتهت الجلسة" in page
    assert "طلباتك غير المكتملة محفوظة" in page
    assert 'href="/auth/sign-in?next=/auth/profile"' in page
    client.set_cookie("khidma_lang", "en")
    page = text(client.get(response.headers["Location"]))
    assert "Your session has expired" in page and "Your unfinished requests are saved" in page

    with account.db().session() as session:
        kept = session.get(Draft, draft_id)
        assert kept is not None and kept.answers == {"visit_subject": "موعد مع سمو الأمير"}

    response = account.sign_in(next="/auth/profile")
    assert response.headers["Location"] == "/auth/profile"
    assert client.get("/auth/profile").status_code == 200
    with account.db().session() as session:
        assert session.scalars(select(Draft.id).where(Draft.user_id == user_id)).all() == [draft_id]


def test_an_expired_post_returns_to_the_page_it_came_from(
    account: Actions, client: FlaskClient, app: Any
) -> None:
    account.sign_in()
    account.advance(minutes=31)
    response = client.post(
        "/auth/sign-out",
        data={"csrf_token": account.csrf("/auth/sign-in")},
        headers={"Referer": "http://localhost/auth/profile"},
    )
    # sign-out is public, so it simply signs out; a protected POST goes to the expired page
    assert response.status_code == 303
    account.sign_in()
    account.advance(minutes=31)
    target = citizen_post_url(app)
    response = client.post(target, headers={"Referer": "http://localhost/services/mawid"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/session-expired?next=/services/mawid"


def test_public_pages_stay_open_after_expiry(account: Actions, client: FlaskClient) -> None:
    account.sign_in()
    account.advance(hours=2)
    assert client.get("/").status_code == 200
    assert signed_in_user_id(client) is None


def test_sessions_end_after_twelve_hours_however_active(
    account: Actions, client: FlaskClient
) -> None:
    account.sign_in()
    for _ in range(25):
        account.advance(minutes=29)
        response = client.get("/auth/profile")
        if response.status_code != 200:
            break
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/session-expired")


def test_the_phone_number_is_the_one_signed_up(account: Actions) -> None:
    user = account.user(username=USERNAME)
    assert user is not None and user.mobile == MOBILE_E164
