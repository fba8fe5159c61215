"""Which sign-ins a service accepts (`sign_in.methods` in its definition), and whether the
signed-in person may apply with theirs. No web framework here: the wizard asks
`refusal(...)` and shows the page that goes with the answer.

A session remembers how it was begun (`via`): `sso` (the national SSO) and `dev` (its
development stand-in) are `national_sso`; `password` is `local_account`. A local account
may apply only once its identity is verified (`claims.identity_verified`): otherwise
anyone could open an account with somebody else's ID number and apply in their name.
"""

from __future__ import annotations

import enum

from khidma.definitions.model import ServiceDefinition
from khidma.identity.claims import identity_verified
from khidma.storage.models import User

METHOD_OF_SESSION = {"sso": "national_sso", "dev": "national_sso", "password": "local_account"}


class Refusal(enum.StrEnum):
    METHOD = "method"  # signed in by a way the service does not accept
    UNVERIFIED = "unverified"  # a local account whose identity is not verified


def method_of(via: object) -> str | None:
    """The `sign_in.methods` name of a session begun `via` (None: unknown)."""
    return METHOD_OF_SESSION.get(via) if isinstance(via, str) else None


def refusal(definition: ServiceDefinition, user: User, via: object) -> Refusal | None:
    """None when `user`, signed in `via`, may fill and submit `definition`."""
    method = method_of(via)
    if method is None or method not in definition.sign_in.methods:
        return Refusal.METHOD
    if method == "local_account" and not identity_verified(user):
        return Refusal.UNVERIFIED
    return None
