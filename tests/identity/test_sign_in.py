"""Signing in and out: ID or username, lockout with the time to come back, rate limits,
session rotation, safe return addresses."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask import url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from khidma.storage.models import AuditLog
from tests.drivers import NATIONAL_ID
from tests.drivers import USERNAME
from tests.drivers import Actions
from tests.drivers import signed_in_user_id
from tests.identity.conftest import citizen_post_url


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def home(app: Flask) -> str:
    """Where a citizen lands after signing in: "my account" once it exists."""
    with app.test_request_context():
        endpoint = "account.index" if "account.index" in app.view_functions else "catalog.index"
        return url_for(endpoint)


@pytest.fixture
def account(actions: Actions) -> Actions:
    """An account (signed out again), ready to sign in."""
    assert actions.sign_up().status_code == 303
    actions.sign_out()
    return actions


@pytest.mark.parametrize("identifier", [USERNAME, "Salem.H ", NATIONAL_ID, "١٠٠٠٠٠٠٠٠٨"])
def test_sign_in_with_username_or_id(account: Actions, identifier: str) -> None:
    response = account.sign_in(identifier)
    assert response.status_code == 303
    assert response.headers["Location"] == home(account.app)
    assert signed_in_user_id(account.client) is not None


def test_wrong_passwords_slow_down_with_the_time_to_come_back(
    account: Actions, client: FlaskClient
) -> None:
    for _ in range(5):
        page = text(account.sign_in(password="Wrong-pass-1"))
        assert "رقم الهوية أو اسم المستخدم أو كلمة المرور غير صحيح" in page
        assert 'value="salem.h"' in page and "Wrong-pass-1" not in page
    response = account.sign_in(password="Wrong-pass-1")
    assert response.status_code == 429
    assert "محاولات كثيرة. حاول مرة أخرى بعد الساعة" in text(response)
    # the account is not locked: its owner signs in from elsewhere (tests/security)
    user = account.user(username=USERNAME)
    assert user is not None and user.failed_logins == 5 and user.locked_until is None


def test_a_right_password_resets_the_count(account: Actions) -> None:
    for _ in range(4):
        account.sign_in(password="Wrong-pass-1")
    assert account.sign_in().status_code == 303
    account.sign_out()
    for _ in range(4):
        assert account.sign_in(password="Wrong-pass-1").status_code == 200


def test_rate_limit_per_address(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMITS={"sign_in.address": "3 per 15 minutes"})
    actions = Actions(app, app.test_client())
    for n in range(3):
        assert actions.sign_in(f"nobody{n}", "Whatever-1").status_code == 200
    response = actions.sign_in("nobody9", "Whatever-1")
    assert response.status_code == 429
    assert "محاولات كثيرة. حاول مرة أخرى بعد الساعة" in text(response)


def test_rate_limit_per_account(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMITS={"sign_in.account": "2 per 15 minutes"})
    actions = Actions(app, app.test_client())
    for _ in range(2):
        assert actions.sign_in("ghost", "Whatever-1").status_code == 200
    assert actions.sign_in("Ghost", "Whatever-1").status_code == 429  # same account
    assert actions.sign_in("other", "Whatever-1").status_code == 200  # another one


def test_code_sending_is_rate_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMITS={"code_send.mobile": "2 per 15 minutes"})
    actions = Actions(app, app.test_client())
    assert actions.start_sign_up().status_code == 303
    page = "/auth/sign-up/verify"
    assert actions.submit(page, {}, action="/auth/sign-up/resend").status_code == 303
    actions.submit(page, {}, action="/auth/sign-up/resend")
    assert len(actions.sms()) == 2
    assert "محاولات كثيرة" in text(actions.client.get(page))


def test_code_entry_is_rate_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMITS={"code_check.address": "2 per 15 minutes"})
    actions = Actions(app, app.test_client())
    actions.start_sign_up()
    actions.enter_code("000000")
    actions.enter_code("000001")
    response = actions.enter_code(actions.last_code())
    assert response.status_code == 429
    assert "محاولات كثيرة" in text(response)


def test_the_session_is_rotated_at_sign_in_and_keeps_the_language(
    account: Actions, client: FlaskClient
) -> None:
    client.get("/auth/sign-in?lang=en")
    with client.session_transaction() as session:
        session["leftover"] = "from before"
        before_token = session.get("csrf_token")
    assert before_token
    account.sign_in()
    with client.session_transaction() as session:
        assert "leftover" not in session
        assert session.get("csrf_token") != before_token
        assert set(session) >= {"uid", "sid", "auth_at", "seen"}
    assert 'lang="en"' in client.get("/auth/profile").get_data(as_text=True)


def test_session_cookie_flags(account: Actions, client: FlaskClient, app: Flask) -> None:
    response = account.sign_in()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False  # DEV; production sets Secure
    assert "Expires" not in cookie  # ends with the browser


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(
    account: Actions, client: FlaskClient
) -> None:
    account.sign_in()
    assert client.get("/auth/sign-out").status_code == 405
    assert client.post("/auth/sign-out").status_code == 400  # no CSRF token
    assert signed_in_user_id(client) is not None
    with client.session_transaction() as session:
        stolen = dict(session)
    response = account.sign_out()
    assert response.status_code == 303 and response.headers["Location"] == "/auth/signed-out"
    assert signed_in_user_id(client) is None
    assert "تم تسجيل الخروج" in text(client.get("/auth/signed-out"))
    # a copy of the signed-out session's cookie no longer signs anyone in
    with client.session_transaction() as session:
        session.update(stolen)
    response = client.get("/auth/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/sign-in")
    with account.db().session() as db:
        assert "sign_out" in set(db.scalars(select(AuditLog.action)))


def test_sign_in_returns_to_a_safe_next_only(account: Actions) -> None:
    response = account.sign_in(next="/services/mawid?tab=1")
    assert response.headers["Location"] == "/services/mawid?tab=1"
    for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]:
        account.sign_out()
        response = account.sign_in(next=evil)
        assert response.headers["Location"] == home(account.app), evil


def test_anonymous_get_of_a_protected_page_comes_back_after_sign_in(
    account: Actions, client: FlaskClient
) -> None:
    response = client.get("/auth/profile?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/sign-in?next=/auth/profile?x%3D1"
    response = account.sign_in(next="/auth/profile?x=1")
    assert response.headers["Location"] == "/auth/profile?x=1"


def test_anonymous_post_goes_to_sign_in_then_back_to_the_form_page(
    app: Flask, client: FlaskClient
) -> None:
    target = citizen_post_url(app)
    response = client.post(target, headers={"Referer": "http://localhost/services/mawid"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?next=/services/mawid"
    response = client.post(target, headers={"Referer": "https://evil.example/x"})
    assert response.headers["Location"] == "/auth/sign-in"


def test_htmx_requests_are_sent_to_sign_in_with_a_full_page_redirect(client: FlaskClient) -> None:
    response = client.get(
        "/auth/profile",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/services/mawid"},
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/auth/sign-in?next=/services/mawid"


def test_signed_in_visitor_of_the_sign_in_page_goes_on(account: Actions) -> None:
    account.sign_in()
    response = account.client.get("/auth/sign-in?next=/services/mawid")
    assert response.status_code == 302 and response.headers["Location"] == "/services/mawid"


def test_missing_fields_are_named(client: FlaskClient, actions: Actions) -> None:
    page = text(actions.submit("/auth/sign-in", {"identifier": "", "password": ""}))
    assert "أدخل رقم الهوية أو اسم المستخدم" in page and "أدخل كلمة المرور" in page
    actions.client.set_cookie("khidma_lang", "en")
    page = text(actions.submit("/auth/sign-in", {"identifier": "", "password": ""}))
    assert (
        "Enter ID number or username" in page and "Enter Password" in page
    )  # the label as written (issue 7, defect 4)
    assert 'href="#identifier"' in page and 'href="#password"' in page
