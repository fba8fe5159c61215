"""Identity verification: "is this mobile registered to this national ID?", behind one
interface.

A local account's ID number and name are typed by whoever opens it; only its mobile is
proven (by an SMS code). Until the national identity-verification service confirms that
the mobile belongs to the ID number, the account's identity is *unverified*: it may sign
in, but it cannot apply for a service, and no read-only identity field is prefilled from
it (`khidma.identity.claims.identity_claims`). A sign-in through the national SSO verifies
the account by itself.

`IdentityVerifier` is what the views use; `HttpIdentityVerifier` speaks JSON over HTTP to
the national service (the development fake `khidma.identity.verification_simulator`
implements the same API):

    POST {KHIDMA_IDV_URL}
    Authorization: Bearer {KHIDMA_IDV_API_KEY}
    {"national_id": "1…", "mobile": "+9665…"}

    200 {"match": true}    the mobile is registered to the ID number
    200 {"match": false}   it is not (or the ID number is unknown)

Anything else (4xx, 5xx, a timeout, a refused connection) is `Verdict.UNAVAILABLE`: the
account stays unverified and the person may try again later. Without `KHIDMA_IDV_URL`
there is no verifier, and local accounts stay unverified (sign in through the national
SSO instead).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

import requests
from flask import Flask
from flask import current_app

from khidma.identity.settings import setting

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0


class Verdict(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    UNAVAILABLE = "unavailable"


class IdentityVerifier(Protocol):
    def verify(self, national_id: str, mobile: str) -> Verdict:
        """Whether `mobile` (E.164) is registered to `national_id` (ten digits)."""
        ...


@dataclass(frozen=True)
class VerifierSettings:
    url: str
    api_key: str = field(repr=False)
    timeout: float = 10.0


class HttpIdentityVerifier:
    def __init__(self, settings: VerifierSettings) -> None:
        self.settings = settings

    def verify(self, national_id: str, mobile: str) -> Verdict:
        s = self.settings
        try:
            response = requests.post(
                s.url,
                json={"national_id": national_id, "mobile": mobile},
                headers={"Authorization": f"Bearer {s.api_key}", "Accept": "application/json"},
                timeout=(CONNECT_TIMEOUT, s.timeout),
            )
        except requests.RequestException as error:
            log.warning("identity verification unavailable: %s", error)
            return Verdict.UNAVAILABLE
        if response.status_code != 200:
            log.warning("identity verification answered %s", response.status_code)
            return Verdict.UNAVAILABLE
        try:
            match = response.json().get("match")
        except (ValueError, AttributeError):
            match = None
        if not isinstance(match, bool):
            log.warning("identity verification answered no match/no-match")
            return Verdict.UNAVAILABLE
        return Verdict.MATCH if match else Verdict.MISMATCH


def build_verifier(app: Flask) -> IdentityVerifier | None:
    """The verifier the settings ask for (`IDV_URL`, `IDV_API_KEY`, `IDV_TIMEOUT`)."""
    url = setting(app.config, "IDV_URL")
    if not url:
        return None
    return HttpIdentityVerifier(
        VerifierSettings(
            url=str(url),
            api_key=str(setting(app.config, "IDV_API_KEY", "")),
            timeout=float(setting(app.config, "IDV_TIMEOUT", 10.0)),
        )
    )


def verifier() -> IdentityVerifier | None:
    found: IdentityVerifier | None = current_app.extensions.get("khidma.idv")
    return found
