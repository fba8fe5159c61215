"""Findings 8 and 11: inputs that gave an HTTP 500, and personal pages without
`Cache-Control`.

8. A group index of thousands of digits in the refresh endpoint's `_changed`, a Referer
   such as `http://[::1` on a POST to a protected URL, and a 5,000-character Host header
   (on which the error page itself failed). Now: ignored, ignored, and a static 400 page
   in both languages; the error page falls back to that page if it ever cannot be drawn.
11. Account, request and wizard pages (the national ID on them) now say `no-store`.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.drivers import Actions
from tests.security.conftest import csrf_of
from tests.security.conftest import text_of


def _citizen_step(client: FlaskClient, actions: Actions) -> str:
    actions.persona("citizen")
    card = text_of(client.get("/services/emirate_visit"))
    started = client.post("/services/emirate_visit/start", data={"csrf_token": csrf_of(card)})
    return str(started.location)


def test_a_huge_group_index_in_changed_is_ignored(client: FlaskClient, actions: Actions) -> None:
    step = _citizen_step(client, actions)
    token = csrf_of(text_of(client.get(step)))
    refreshed = client.post(
        step + "/refresh",
        data={"csrf_token": token, "_changed": "companions-" + "9" * 5000 + "-companion_name"},
        headers={"HX-Request": "true"},
    )
    assert refreshed.status_code == 200


def test_a_broken_referer_on_a_protected_post_goes_to_sign_in(client: FlaskClient) -> None:
    token = csrf_of(text_of(client.get("/auth/sign-in")))
    response = client.post(
        "/services/emirate_visit/start",
        data={"csrf_token": token},
        headers={"Referer": "http://[::1"},
    )
    assert response.status_code == 303 and "/auth/sign-in" in response.location


def test_a_host_header_that_is_no_host_gets_a_page_in_both_languages(app: Flask) -> None:
    for host in ("a" * 5000, "x" * 70 + ".example.sa", "bad host"):
        response = app.test_client().get("/", headers={"Host": host})
        body = text_of(response)
        assert response.status_code == 400
        assert "تعذر إتمام الطلب" in body and "The request could not be completed" in body
    assert app.test_client().get("/", headers={"Host": "khidma.gov.sa:8443"}).status_code == 200


def test_the_error_page_never_fails(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from khidma.web import errors

    def broken(*_args: object, **_kwargs: object) -> str:
        raise UnicodeError("label too long")  # what a 5,000-character Host did

    monkeypatch.setattr(errors, "render_template", broken)
    with app.test_request_context("/"):
        body, status = errors.render_error(500)
    assert status == 500 and body == errors.FALLBACK


def test_personal_pages_are_not_stored(client: FlaskClient, actions: Actions) -> None:
    assert "no-store" in client.get("/auth/sign-in").headers.get("Cache-Control", "")
    step = _citizen_step(client, actions)
    for page in (step, "/account", "/auth/profile"):
        assert "no-store" in client.get(page).headers.get("Cache-Control", ""), page
