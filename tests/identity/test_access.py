"""Every route of the app, as each role and as an anonymous visitor, against the one
access table (`khidma.web.access.ACCESS`). A route missing from the table fails here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Blueprint
from flask import Flask
from flask import g
from flask import url_for
from werkzeug.routing import IntegerConverter
from werkzeug.routing import PathConverter
from werkzeug.routing import Rule

from khidma.storage.models import Role
from khidma.web.access import ACCESS
from khidma.web.access import Decision
from khidma.web.access import Kind
from khidma.web.access import Rule as AccessRule
from khidma.web.access import decide
from khidma.web.access import safe_next
from tests.drivers import signed_in_user_id

PERSONAS: dict[str | None, str | None] = {
    None: None,  # anonymous
    "citizen": "citizen",
    "staff": "staff:moh",
    "auditor": "auditor",
    "admin": "admin",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAMPLES = {"service_id": "emirate_visit", "filename": "css/khidma.css", "lang": "ar"}


def someone(role: Role | str | None) -> Any:
    """A stand-in user of `role` for `decide` (None: anonymous)."""
    return None if role is None else SimpleNamespace(role=Role(role))


def expected(rule: AccessRule | None, role: str | None, *, dev: bool) -> Decision:
    """What the table says should happen to `role` (None: anonymous): `decide`, itself
    checked case by case against literal answers in `test_decide`. The matrix checks that
    the app does it, and answers as the decision says (sign-in redirect, 403, 404)."""
    return decide(rule, someone(role), dev=dev)


def sample_url(app: Flask, rule: Rule) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, PathConverter):
            values[name] = SAMPLES.get(name, "css/khidma.css")
        else:
            values[name] = SAMPLES.get(name, "sample")
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def matrix_app(make_app: Callable[..., Flask], **config: Any) -> Flask:
    app = make_app(**config)
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix is about access, not CSRF

    @app.after_request
    def tell(response: Any) -> Any:
        response.headers["X-Test-Access"] = str(g.get("access", ""))
        return response

    return app


def client_as(app: Flask, role: str | None) -> Any:
    client = app.test_client()
    persona = PERSONAS[role]
    if persona is not None:
        response = client.post("/auth/dev-sso", data={"persona": persona})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        assert signed_in_user_id(client) is not None
    return client


def visit_everything(app: Flask, *, dev: bool) -> list[str]:
    problems = []
    rules = [r for r in app.url_map.iter_rules()]
    for role in PERSONAS:
        for rule in rules:
            for method in METHODS:
                if method not in (rule.methods or ()):
                    continue
                # a fresh session for each request: some routes (sign-out) end it
                client = client_as(app, role) if dev or role is None else app.test_client()
                if not dev and role is not None:
                    continue  # no personas outside development mode; see the DEV-off test
                url = sample_url(app, rule)
                response = client.open(
                    url,
                    method=method,
                    headers={"Referer": "http://localhost/services/mawid"},
                    buffered=True,
                )
                response.close()
                want = expected(ACCESS.get(rule.endpoint), role, dev=dev)
                got = response.headers.get("X-Test-Access", "")
                where = f"{method} {url} ({rule.endpoint}) as {role or 'anonymous'}"
                if got != want.value:
                    problems.append(f"{where}: table says {want.value}, app did {got!r}")
                    continue
                location = response.headers.get("Location", "")
                if want is Decision.SIGN_IN and not (
                    response.status_code in (302, 303) and location.startswith("/auth/sign-in")
                ):
                    problems.append(
                        f"{where}: expected a sign-in redirect, got "
                        f"{response.status_code} {location}"
                    )
                if want is Decision.FORBIDDEN and response.status_code != 403:
                    problems.append(f"{where}: expected 403, got {response.status_code}")
                if want in (Decision.NOT_FOUND, Decision.MISSING) and response.status_code != 404:
                    problems.append(f"{where}: expected 404, got {response.status_code}")
                if want is Decision.ALLOW and location.startswith("/auth/sign-in"):
                    problems.append(f"{where}: allowed, yet sent to sign in")
    return problems


def test_every_route_has_a_row_in_the_access_table(app: Flask) -> None:
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(ACCESS))
    assert not missing, (
        f"routes without a row in khidma.web.access.ACCESS: {missing}. Add each one "
        "(PUBLIC, SIGNED_IN, roles(...) or DEV_ONLY)."
    )


def test_table_rows_without_a_route(app: Flask) -> None:
    """A row whose view is gone (renamed, removed) is a stale rule: it must go too."""
    registered = {r.endpoint for r in app.url_map.iter_rules()}
    stale = sorted(set(ACCESS) - registered)
    assert not stale, f"rows of khidma.web.access.ACCESS with no route: {', '.join(stale)}"


def test_every_route_as_every_role_matches_the_table(make_app: Callable[..., Flask]) -> None:
    app = matrix_app(make_app)
    problems = visit_everything(app, dev=True)
    assert not problems, "\n".join(problems)


def test_outside_development_mode(make_app: Callable[..., Flask]) -> None:
    app = matrix_app(make_app, DEV=False)
    problems = visit_everything(app, dev=False)
    assert not problems, "\n".join(problems)
    client = app.test_client()
    for endpoint, rule in ACCESS.items():
        if rule.kind is Kind.DEV_ONLY and endpoint in app.view_functions:
            with app.test_request_context():
                url = url_for(endpoint)
            assert client.get(url).status_code == 404, endpoint


def test_a_route_left_out_of_the_table_is_refused_and_logged(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()
    extra = Blueprint("forgotten", __name__)

    @extra.get("/forgotten")
    def page() -> str:
        return "should never be seen"

    app.register_blueprint(extra)
    with caplog.at_level(logging.ERROR, logger="khidma.web.access"):
        response = app.test_client().get("/forgotten")
    assert response.status_code == 404
    assert "should never be seen" not in response.get_data(as_text=True)
    assert "'forgotten.page' has no row" in caplog.text


@pytest.mark.parametrize(
    ("rule", "role", "decision"),
    [
        (ACCESS["catalog.index"], None, Decision.ALLOW),
        (ACCESS["auth.profile"], None, Decision.SIGN_IN),
        (ACCESS["auth.profile"], Role.AUDITOR, Decision.ALLOW),
        (ACCESS["wizard.start"], Role.CITIZEN, Decision.ALLOW),
        (ACCESS["wizard.start"], Role.STAFF, Decision.FORBIDDEN),
        (ACCESS["backoffice.index"], Role.ADMIN, Decision.FORBIDDEN),
        (ACCESS["audit.pdf"], Role.AUDITOR, Decision.ALLOW),
        (ACCESS["admin.reload"], Role.ADMIN, Decision.ALLOW),
        (ACCESS["backoffice.index"], None, Decision.SIGN_IN),
        (ACCESS["account.index"], Role.STAFF, Decision.FORBIDDEN),
        (ACCESS["auth.dev_sso"], Role.CITIZEN, Decision.ALLOW),
        (None, None, Decision.MISSING),
        (None, Role.ADMIN, Decision.MISSING),
    ],
)
def test_decide(rule: AccessRule | None, role: Role | None, decision: Decision) -> None:
    assert decide(rule, someone(role), dev=True) is decision


def test_dev_only_rows_need_development_mode() -> None:
    assert decide(ACCESS["auth.dev_sso"], None, dev=True) is Decision.ALLOW
    assert decide(ACCESS["auth.dev_sso"], None, dev=False) is Decision.NOT_FOUND
    assert decide(ACCESS["devtools.outbox"], None, dev=False) is Decision.NOT_FOUND


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("/services/mawid", True),
        ("/drafts/abc/step?x=1", True),
        ("//evil.example", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("services/mawid", False),
        ("/auth/sign-in", False),
        ("/a\nb", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_next(app: Flask, value: str | None, safe: bool) -> None:
    with app.test_request_context():
        assert (safe_next(value) is not None) is safe
