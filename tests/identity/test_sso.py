"""National single sign-on: the OIDC client against a local issuer, and the development
stand-in (refused outside development mode)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from khidma.identity.providers import DevStandIn
from khidma.identity.providers import OidcProvider
from khidma.storage.models import Role
from khidma.storage.models import UserSource
from tests.drivers import Actions
from tests.drivers import signed_in_user_id
from tests.identity.oidc_issuer import CLIENT_ID
from tests.identity.oidc_issuer import CLIENT_SECRET
from tests.identity.oidc_issuer import Issuer

NATIONAL_ID = "1044556676"
PERSON: dict[str, Any] = {
    "sub": "nafath-7d1c",
    "national_id": NATIONAL_ID,
    "given_name#ar": "عبد الرحمن",
    "father_name#ar": "خالد",
    "grandfather_name#ar": "سعد",
    "family_name#ar": "آل سعود",
    "name#en": "Abdulrahman Khalid Saad Al Saud",
    "birthdate": "1992-06-01",
    "birthdate_hijri": "1412-11-30",
    "nationality#ar": "سعودي",
    "gender": "male",
    "phone_number": "+966 55 123 4567",
    "email": "a.alsaud@example.sa",
}


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with Issuer(dict(PERSON)) as running:
        yield running


@pytest.fixture
def oidc_app(make_app: Callable[..., Flask], issuer: Issuer) -> Flask:
    return make_app(
        OIDC_ISSUER=issuer.url,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        NOW=None,  # ID tokens carry real times
    )


def go_to_issuer(app: Flask, next: str | None = "/services/mawid") -> tuple[Any, str]:
    """Start at the app; return the test client and the callback URL the issuer sent the
    browser back to."""
    client = app.test_client()
    response = client.get("/auth/sso" + (f"?next={next}" if next else ""))
    assert response.status_code == 302
    back = requests.get(response.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return client, back.headers["Location"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_whole_oidc_flow(oidc_app: Flask, issuer: Issuer) -> None:
    assert isinstance(oidc_app.extensions["khidma.sso"], OidcProvider)
    client, callback = go_to_issuer(oidc_app)

    [asked] = issuer.authorize_requests
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["state"] and asked["nonce"]
    assert set(asked["scope"].split()) >= {"openid", "profile"}
    assert asked["redirect_uri"] == "http://localhost/auth/sso/callback"

    response = client.get(path_of(callback))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/services/mawid"
    [token_request] = issuer.token_requests
    assert token_request["code_verifier"]  # PKCE verifier sent and accepted

    actions = Actions(oidc_app, client)
    user = actions.user(national_id=NATIONAL_ID)
    assert user is not None and signed_in_user_id(client) == user.id
    assert user.source is UserSource.SSO and user.role is Role.CITIZEN
    assert user.name_ar == "عبد الرحمن خالد سعد آل سعود"
    assert user.name_en == "Abdulrahman Khalid Saad Al Saud"
    assert user.date_of_birth == dt.date(1992, 6, 1)
    assert user.nationality == "سعودي" and user.gender == "male"
    assert user.mobile == "+966551234567"  # from userinfo, normalised
    assert user.email == "a.alsaud@example.sa"
    assert user.password_hash is None

    from khidma.identity.claims import identity_claims

    claims = identity_claims(user)
    assert claims["first_name_ar"] == "عبد الرحمن" and claims["family_name_ar"] == "آل سعود"
    assert claims["date_of_birth_hijri"] == "1412-11-30"

    # the state is single-use: the same answer again is refused
    again = client.get(path_of(callback))
    assert again.status_code == 400
    assert "تعذر تسجيل الدخول عبر النفاذ الوطني" in html.unescape(again.get_data(as_text=True))


def test_a_forged_state_is_refused(oidc_app: Flask) -> None:
    client, callback = go_to_issuer(oidc_app)
    query = parse_qs(urlsplit(callback).query)
    response = client.get(f"/auth/sso/callback?code={query['code'][0]}&state=forged")
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("tamper", ["nonce", "foreign_key", "userinfo_sub"])
def test_untrustworthy_answers_are_refused(oidc_app: Flask, issuer: Issuer, tamper: str) -> None:
    issuer.tamper.add(tamper)
    client, callback = go_to_issuer(oidc_app)
    response = client.get(path_of(callback))
    assert response.status_code == 400
    assert signed_in_user_id(client) is None
    assert Actions(oidc_app, client).user(national_id=NATIONAL_ID) is None


def test_an_issuer_error_is_a_page_not_a_traceback(oidc_app: Flask) -> None:
    client, _ = go_to_issuer(oidc_app)
    response = client.get("/auth/sso/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_sso_claims_a_local_account_opened_with_someone_elses_id(
    oidc_app: Flask, issuer: Issuer
) -> None:
    squatter = Actions(oidc_app, oidc_app.test_client())
    oidc_app.config["NOW"] = None
    assert squatter.sign_up(national_id=NATIONAL_ID, mobile="0501112223").status_code == 303
    assert squatter.client.get("/auth/profile").status_code == 200

    client, callback = go_to_issuer(oidc_app)
    assert client.get(path_of(callback)).status_code == 303
    user = squatter.user(national_id=NATIONAL_ID)
    assert user is not None
    assert user.password_hash is None and user.mobile == "+966551234567"
    assert squatter.client.get("/auth/profile").status_code == 302  # their session is over


def test_the_dev_stand_in_signs_in_as_a_persona(actions: Actions, client: Any) -> None:
    page = html.unescape(client.get("/auth/dev-sso").get_data(as_text=True))
    assert "وضع التطوير" in page  # the banner
    for key in ("citizen", "resident", "staff:moh", "staff:najran_emirate", "auditor", "admin"):
        assert f'value="{key}"' in page
    response = actions.persona("staff:moh", next="/auth/profile")
    assert response.headers["Location"] == "/auth/profile"
    user = actions.user(username="staff.moh")
    assert user is not None and user.role is Role.STAFF and user.agency_id == "moh"
    assert signed_in_user_id(client) == user.id


def test_sign_in_page_offers_sso(client: Any) -> None:
    page = client.get("/auth/sign-in?next=/services/mawid").get_data(as_text=True)
    assert 'href="/auth/sso?next=/services/mawid"' in page
    response = client.get("/auth/sso?next=/services/mawid")
    assert response.headers["Location"] == "/auth/dev-sso?next=/services/mawid"


def test_the_dev_stand_in_is_refused_outside_development_mode(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(DEV=False)
    assert app.extensions["khidma.sso"] is None
    client = app.test_client()
    assert client.get("/auth/dev-sso").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/auth/dev-sso", data={"persona": "admin"}).status_code == 404
    assert signed_in_user_id(client) is None
    assert client.get("/auth/sso").status_code == 404
    assert "dev-banner" not in client.get("/").get_data(as_text=True)

    with pytest.raises(RuntimeError, match="development mode"):
        make_app(DEV=False, SSO_PROVIDER="dev")
    with pytest.raises(RuntimeError, match="development mode"):
        DevStandIn(app)


def test_misconfigured_oidc_stops_the_start(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(RuntimeError, match="KHIDMA_OIDC_CLIENT_ID"):
        make_app(SSO_PROVIDER="oidc")
    with pytest.raises(RuntimeError, match="oidc, dev or none"):
        make_app(SSO_PROVIDER="saml")
