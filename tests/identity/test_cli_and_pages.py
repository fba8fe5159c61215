"""`khidma users create`, the demo accounts, and the account pages in both languages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from khidma.cli import main
from khidma.identity.demo import create_demo_users
from khidma.identity.demo import describe
from khidma.storage.models import Role
from khidma.web.i18n import WORDS
from tests.drivers import ROOT
from tests.drivers import Actions
from tests.drivers import signed_in_user_id

TEMPLATES = ROOT / "renderer" / "templates" / "auth"


# --- the command line -------------------------------------------------------------------
@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "KHIDMA_DEV": "1",
        "KHIDMA_SERVICES_DIR": str(ROOT / "services.d"),
        "KHIDMA_INSTANCE": str(tmp_path / "instance"),
        "KHIDMA_SECRET_KEY": "cli-" + "c" * 40,
    }


def run(args: list[str], env: dict[str, str], password: str | None = None) -> Any:
    answers = f"{password}\n{password}\n" if password is not None else None
    return CliRunner().invoke(main, args, env=env, input=answers)


def test_users_create_staff_and_sign_in(cli_env: dict[str, str]) -> None:
    result = run(
        [
            "users",
            "create",
            "--role",
            "staff",
            "--agency",
            "moh",
            "--username",
            "nurse.amal",
            "--national-id",
            "1122334459",
            "--name-ar",
            "أمل سعد علي الشهري",
            "--mobile",
            "0561234567",
        ],
        cli_env,
        password="Shifa-2025-ok",
    )
    assert result.exit_code == 0, result.output
    assert "created staff nurse.amal" in result.output
    assert "Shifa-2025-ok" not in result.output

    listed = run(["users", "list"], cli_env)
    assert "staff    nurse.amal" in listed.output and "(moh)" in listed.output

    # an app on the command's instance folder, so on the same database
    from khidma.app import create_app

    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(ROOT / "services.d"), "SECRET_KEY": "x" * 40},
        instance_path=cli_env["KHIDMA_INSTANCE"],
    )
    actions = Actions(app, app.test_client())
    assert actions.sign_in("nurse.amal", "Shifa-2025-ok").status_code == 303
    user = actions.user(username="nurse.amal")
    assert user is not None and user.role is Role.STAFF and user.agency_id == "moh"
    assert user.mobile == "+966561234567"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "staff", "--username", "x.staff", "--national-id", "1122334459"],
            "--agency is required",
        ),
        (
            [
                "--role",
                "staff",
                "--agency",
                "nowhere",
                "--username",
                "x.staff",
                "--national-id",
                "1122334459",
            ],
            "is not an agency of any service",
        ),
        (
            ["--role", "auditor", "--username", "x.aud", "--national-id", "1122334454"],
            "national_id.checksum",
        ),
        (["--role", "admin", "--username", "1admin", "--national-id", "1122334459"], "--username"),
    ],
)
def test_users_create_refuses_mistakes(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    result = run(["users", "create", *args], cli_env, password="Good-pass-123")
    assert result.exit_code == 2
    assert message in result.output


def test_users_create_refuses_a_weak_password(cli_env: dict[str, str]) -> None:
    result = run(
        ["users", "create", "--role", "admin", "--username", "boss", "--national-id", "1122334459"],
        cli_env,
        password="short",
    )
    assert result.exit_code == 2 and "password.too_short" in result.output


def test_demo_users_one_of_each_role(app: Flask) -> None:
    rows = create_demo_users(app.extensions["khidma.db"], app.extensions["khidma.registry"])
    roles = [row[0] for row in rows]
    assert {"citizen", "staff", "auditor", "admin"} <= set(roles)
    agencies = {d.agency.id for d in app.extensions["khidma.registry"].services()}
    assert roles.count("staff") == 2 * len(agencies)  # a member of staff and a supervisor
    again = create_demo_users(app.extensions["khidma.db"], app.extensions["khidma.registry"])
    assert again == rows  # idempotent
    text = describe(rows)
    assert "/auth/sign-in" in text and "/auth/dev-sso" in text
    for role, username, password, _ in rows:
        client = app.test_client()
        actions = Actions(app, client)
        response = actions.sign_in(username, password)
        assert response.status_code == 303, (role, username)
        assert signed_in_user_id(client) is not None


# --- the pages --------------------------------------------------------------------------
def test_every_word_the_account_pages_use_exists() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\('([a-z_.0-9]+[a-z0-9_])'""", template.read_text()))
    source = (ROOT / "platform" / "khidma" / "web" / "auth.py").read_text()
    source += (ROOT / "platform" / "khidma" / "web" / "auth_forms.py").read_text()
    used |= set(re.findall(r"""\bt\(\s*"([a-z_.0-9]+[a-z0-9_])\"""", source))
    dynamic = {
        k
        for k in WORDS
        if k.startswith(("auth.error.", "auth.sms.", "auth.step.", "auth.role.", "auth.gender."))
    }
    missing = sorted(k for k in used if k not in WORDS)
    assert not missing
    for key in used | dynamic:
        ar, en = WORDS[key]
        assert ar.strip() and en.strip(), key
        assert re.findall(r"{\w+}", ar) == re.findall(r"{\w+}", en) or key.startswith(
            "auth.error.locked"
        ), key


PAGES = [
    "/auth/sign-in",
    "/auth/sign-up",
    "/auth/reset",
    "/auth/dev-sso",
    "/auth/session-expired",
    "/auth/signed-out",
]


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_in_both_languages(client: FlaskClient, page: str, lang: str) -> None:
    response = client.get(f"{page}?lang={lang}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in body
    assert 'class="dev-banner"' in body  # development mode says so on every page
    assert "<h1>" in body
    # every visible input has a label
    for input_id in re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*>', body):
        tag = re.search(rf'<input[^>]*\bid="{re.escape(input_id)}"[^>]*>', body)
        assert tag is not None
        if 'type="hidden"' in tag.group(0):
            continue
        assert f'for="{input_id}"' in body, (page, input_id)


def test_no_traceback_reaches_the_user(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    from khidma.identity import accounts

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(accounts, "sign_in", broken)
    app.config["TESTING"] = False
    actions = Actions(app, app.test_client())
    response = actions.sign_in("someone", "Whatever-1")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "database on fire" not in body and "Traceback" not in body
    assert "حدث خطأ غير متوقع" in body


def test_verify_page_says_where_the_code_went(actions: Actions, client: FlaskClient) -> None:
    actions.start_sign_up()
    body = html.unescape(client.get("/auth/sign-up/verify?lang=en").get_data(as_text=True))
    assert "We have texted a verification code to 050 123 4567" in body
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    assert 'aria-current="step"' in body
