"""The national single sign-on, behind one interface.

`IdentityProvider` is what the sign-in views use: `start` sends the browser to the
provider, `finish` turns the provider's answer into verified `Claims`. Two providers:

- `OidcProvider` — OpenID Connect with Authlib: authorization code flow with PKCE (S256),
  `state` and `nonce` kept in the session and checked on return, the ID token's RS256
  signature checked against the issuer's JWKS, then the userinfo endpoint's claims merged
  in (same `sub` required). Configured by `KHIDMA_OIDC_*` (see `identity.settings`).
- `DevStandIn` — a page of test personas (`personas`). It raises `RuntimeError` when
  built without development mode, so a production app that asks for it does not start.
"""

from __future__ import annotations

import logging
from typing import Any
from typing import Protocol

from flask import Flask
from flask import redirect
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from khidma.identity.claims import Claims
from khidma.identity.claims import ClaimsError
from khidma.identity.claims import from_oidc
from khidma.identity.personas import persona
from khidma.identity.settings import setting

log = logging.getLogger(__name__)

DEFAULT_SCOPE = "openid profile email phone"
HTTP_TIMEOUT = 10  # seconds, for each call to the issuer


class SsoError(Exception):
    """The provider's answer cannot sign anyone in (refused, tampered, expired…). The
    message is for the log, never for the user."""


class IdentityProvider(Protocol):
    """A national single sign-on as the sign-in views see it."""

    name: str

    def start(self, callback_url: str) -> Response:
        """The response that sends the browser to the provider; it comes back to
        `callback_url`."""
        ...

    def finish(self) -> Claims:
        """The verified claims from the current request (the provider's answer). Raises
        `SsoError` when the answer cannot be trusted or lacks a national ID."""
        ...


class DevStandIn:
    """Development stand-in: the "provider" is a page of test personas in this app."""

    name = "dev"

    def __init__(self, app: Flask) -> None:
        if not app.config.get("DEV"):
            raise RuntimeError(
                "the development SSO stand-in signs anyone in without a password and runs "
                "only in development mode (KHIDMA_DEV=1); configure KHIDMA_OIDC_ISSUER "
                "for the national single sign-on, or KHIDMA_SSO_PROVIDER=none"
            )
        self.app = app

    def start(self, callback_url: str) -> Response:
        return redirect(url_for("auth.dev_sso", next=request.args.get("next") or None))

    def finish(self) -> Claims:
        chosen = persona(self.app.extensions["khidma.registry"], request.form.get("persona", ""))
        if chosen is None:
            raise SsoError("no such persona")
        return chosen.claims


class OidcProvider:
    """OpenID Connect relying party (Authlib's Flask client)."""

    name = "oidc"

    def __init__(self, app: Flask) -> None:
        from authlib.integrations.flask_client import OAuth

        issuer = setting(app.config, "OIDC_ISSUER")
        metadata_url = setting(app.config, "OIDC_METADATA_URL") or (
            f"{str(issuer).rstrip('/')}/.well-known/openid-configuration" if issuer else None
        )
        client_id = setting(app.config, "OIDC_CLIENT_ID")
        if not metadata_url or not client_id:
            raise RuntimeError(
                "KHIDMA_SSO_PROVIDER=oidc needs KHIDMA_OIDC_ISSUER (or KHIDMA_OIDC_METADATA_URL) "
                "and KHIDMA_OIDC_CLIENT_ID (and usually KHIDMA_OIDC_CLIENT_SECRET)"
            )
        self.redirect_uri: str | None = setting(app.config, "OIDC_REDIRECT_URI")
        self.oauth = OAuth(app)
        self.client: Any = self.oauth.register(
            name="national_sso",
            client_id=client_id,
            client_secret=setting(app.config, "OIDC_CLIENT_SECRET"),
            server_metadata_url=metadata_url,
            client_kwargs={
                "scope": setting(app.config, "OIDC_SCOPE", DEFAULT_SCOPE),
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": setting(
                    app.config, "OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"
                ),
                "default_timeout": HTTP_TIMEOUT,
            },
        )

    def start(self, callback_url: str) -> Response:
        response: Response = self.client.authorize_redirect(self.redirect_uri or callback_url)
        return response

    def finish(self) -> Claims:
        from authlib.common.errors import AuthlibBaseError
        from joserfc.errors import JoseError
        from requests import RequestException

        try:
            token = self.client.authorize_access_token()
            raw: dict[str, Any] = dict(token.get("userinfo") or {})
            if not raw:
                raise SsoError("the issuer returned no ID token")
            metadata = self.client.load_server_metadata()
            if metadata.get("userinfo_endpoint"):
                extra = dict(self.client.userinfo(token=token))
                if extra.get("sub") != raw.get("sub"):
                    raise SsoError("userinfo is about another subject than the ID token")
                raw = {**extra, **raw}
        except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
            raise SsoError(f"{type(error).__name__}: {error}") from error
        try:
            return from_oidc(raw)
        except ClaimsError as error:
            raise SsoError(str(error)) from error


def build_provider(app: Flask) -> IdentityProvider | None:
    """The provider the settings ask for (see `identity.settings`), or None. Raises
    `RuntimeError` at start-up for a provider that cannot run."""
    configured = bool(
        setting(app.config, "OIDC_ISSUER") or setting(app.config, "OIDC_METADATA_URL")
    )
    default = "oidc" if configured else ("dev" if app.config.get("DEV") else "none")
    kind = str(setting(app.config, "SSO_PROVIDER", default)).lower()
    if kind == "oidc":
        return OidcProvider(app)
    if kind == "dev":
        return DevStandIn(app)
    if kind == "none":
        return None
    raise RuntimeError(f"KHIDMA_SSO_PROVIDER must be oidc, dev or none, not {kind!r}")
