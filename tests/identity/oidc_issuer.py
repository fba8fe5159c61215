"""A tiny OpenID Connect issuer for tests, served on 127.0.0.1 in a thread.

Discovery document, an authorize endpoint that signs the person in at once and sends the
browser straight back with a code, a token endpoint that checks the client's secret and
the PKCE verifier and returns an RS256-signed ID token, a JWKS and a userinfo endpoint.
`tamper` makes it misbehave the ways a test wants (wrong nonce, foreign key, another
subject in userinfo).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from tests.servers import InThread

CLIENT_ID = "khidma-test"
CLIENT_SECRET = "issuer-test-secret"


class Issuer(InThread):
    def __init__(self, person: dict[str, Any]) -> None:
        self.person = person
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "test-1", "use": "sig", "alg": "RS256"}
        )
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.tamper: set[str] = set()
        super().__init__(self.wsgi)

    # --- endpoints ---------------------------------------------------------------------
    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/authorize": self.authorize,
            "/token": self.token,
            "/jwks": self.jwks,
            "/userinfo": self.userinfo,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def discovery(self, request: Request) -> Response:
        return self.json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": ["openid", "profile", "email", "phone"],
            }
        )

    def authorize(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.authorize_requests.append(args)
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("bad request", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = args
        target = f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}"
        return Response(status=302, headers={"Location": target})

    def token(self, request: Request) -> Response:
        form = request.form.to_dict()
        self.token_requests.append(form)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return self.json({"error": "invalid_client"}, 401)
        asked = self.codes.pop(form.get("code", ""), None)
        if asked is None or form.get("redirect_uri") != asked["redirect_uri"]:
            return self.json({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge.rstrip(b"=").decode() != asked.get("code_challenge"):
            return self.json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": self.person["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": "not-yours" if "nonce" in self.tamper else asked.get("nonce"),
            **{k: v for k, v in self.person.items() if k not in ("phone_number", "email")},
        }
        key = self.key
        if "foreign_key" in self.tamper:
            key = RSAKey.generate_key(2048, parameters={"kid": "test-1"})
        id_token = jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, key)
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = self.person["sub"]
        return self.json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def jwks(self, request: Request) -> Response:
        return self.json({"keys": [self.key.as_dict(private=False)]})

    def userinfo(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        sub = self.tokens.get(auth.removeprefix("Bearer "))
        if sub is None:
            return self.json({"error": "invalid_token"}, 401)
        if "userinfo_sub" in self.tamper:
            sub = "someone-else"
        # phone and e-mail come only from userinfo, as some national providers do
        return self.json(
            {"sub": sub, "phone_number": self.person["phone_number"], "email": self.person["email"]}
        )

    @staticmethod
    def json(body: dict[str, Any], status: int = 200) -> Response:
        return Response(
            json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
        )
